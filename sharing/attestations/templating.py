"""The template globals attestations gives every page: the flows an attestation covers,
adopted flows included (templates/attestations/_header.html), and, on an adoption's page,
the base's latest attestation (templates/attestations/_adopted.html)."""

from __future__ import annotations

from flask import Flask

from sharing.attestations.covered import attested_flows, attested_under


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["attested_flows"] = attested_flows
    app.jinja_env.globals["attested_under"] = attested_under
