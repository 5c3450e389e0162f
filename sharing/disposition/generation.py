"""The directive's document: its template context, the .docx rendered through agreements'
sandboxed docxtpl path and kept with its SHA-256, and the PDF converted from it once."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app

from sharing.agreements import files, pdf, rendering, template_library
from sharing.agreements.context import long_date, partner_context
from sharing.agreements.docx_properties import set_document_properties
from sharing.agreements.models import TemplateKind
from sharing.agreements.plans import city_party
from sharing.agreements.terms import template_terms
from sharing.core.models import utcnow
from sharing.disposition.models import DispositionDirective, DispositionTrigger
from sharing.errors import Conflict
from sharing.extensions import db

SHIPPED_FILE = "disposition-directive.docx"
# The obligation whose clause the directive carries out.
RETURN_CLAUSE = "RET-2"


def template_bytes() -> bytes:
    """The current version of the active disposition template the office installed or
    uploaded; the shipped file until one is installed, so that an ending never waits on it."""
    for template in template_library.active_templates(TemplateKind.DISPOSITION):
        version = template_library.current_version(template)
        if version is not None:
            return template_library.read_version(version)
    return (template_library.SHIPPED_DIR / SHIPPED_FILE).read_bytes()


def directive_context(directive: DispositionDirective, *, generated_on: date) -> dict[str, Any]:
    """Every variable a template may use (agreements/context.py VARIABLES): the agreement's
    own, and `disposition` for what the directive says."""
    agreement = directive.agreement
    city = city_party()
    department = agreement.department.name if agreement.department else ""
    return {
        "agreement": {
            "number": agreement.number,
            "title": agreement.title,
            "effective_date": long_date(agreement.effective_date),
            "term_months": agreement.term_months,
            "expiry_date": long_date(agreement.expiry_date),
            "auto_renew": agreement.auto_renew,
            "renewal_term_months": agreement.renewal_term_months,
            "notice_days": agreement.notice_days,
            "cancel_by": long_date(agreement.cancel_by),
            "obligation_codes": list(agreement.obligation_codes or []),
        },
        "city": {**city, "department": department or city["privacy_office"]},
        "partner": partner_context(agreement.organisation),
        "clauses": [],
        "terms": template_terms(dict(agreement.parameters or {})),
        "flows": [],
        "attestation_schedule": [],
        "policy": {
            "label": agreement.policy_version.label if agreement.policy_version else "",
            "effective_date": long_date(
                agreement.policy_version.effective_date if agreement.policy_version else None
            ),
        },
        "renewal": {
            "original_number": "",
            "original_effective_date": "",
            "prior_expiry_date": "",
            "changes": [],
            "summary": "",
        },
        "disposition": disposition_context(directive),
        "generated_on": long_date(generated_on),
    }


def disposition_context(directive: DispositionDirective) -> dict[str, Any]:
    agreement = directive.agreement
    if directive.trigger == DispositionTrigger.FLOW_RETIRED and directive.flow is not None:
        reason = (
            f"The City retired the data flow “{directive.flow.system_name}”, which agreement "
            f"{agreement.number} covers"
        )
    else:
        ended = agreement.status.label.lower() if agreement.status else "ended"
        reason = f"Agreement {agreement.number} has ended ({ended}) and was not renewed"
    clause = (
        f"clause {RETURN_CLAUSE} (return or destruction at the end)"
        if RETURN_CLAUSE in (agreement.obligation_codes or [])
        else "its clause on the return or destruction of City data at the end"
    )
    return {
        "number": directive.number,
        "reason": reason,
        "clause": clause,
        "ended_on": long_date(directive.ended_on),
        "due_on": long_date(directive.due_on),
        "authorization": directive.destroy_authorization,
        "elements": [
            {
                "flow": element.flow_name,
                "category": element.category_name,
                "action": element.action.label,
                "method": element.method,
                "city_records": "Yes" if element.city_records else "No",
                "subprocessors": "; ".join(element.subprocessors or []) or "None",
            }
            for element in directive.elements
        ],
    }


def render(directive: DispositionDirective, *, generated_on: date) -> bytes:
    data = rendering.render_docx(
        template_bytes(), directive_context(directive, generated_on=generated_on)
    )
    return set_document_properties(data, **document_properties(directive))


def document_properties(directive: DispositionDirective) -> dict[str, str]:
    agreement = directive.agreement
    return {
        "title": f"Disposition directive {directive.number}",
        "subject": f"Return or destruction of City data under agreement {agreement.number}",
        "keywords": f"{directive.number}; {agreement.number}; "
        f"{current_app.config['CITY_NAME']}; {agreement.organisation.display_name}",
    }


def generate(directive: DispositionDirective, *, today: date) -> tuple[str, str | None]:
    """Render and store the directive's document on the row (not committed). Returns the new
    stored name and the one it replaces, for the caller to remove once its commit succeeds."""
    data = render(directive, generated_on=today)
    replaced = directive.generated_file
    directive.generated_file = files.store(data, ".docx")
    directive.generated_sha256 = hashlib.sha256(data).hexdigest()
    directive.generated_at = utcnow()
    return directive.generated_file, replaced


def download_name(directive: DispositionDirective, suffix: str) -> str:
    return f"{directive.number} disposition directive{suffix}"


def pdf_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "disposition-pdfs"


def directive_pdf(directive: DispositionDirective) -> bytes:
    """The PDF of the stored .docx, converted once per content and then kept. The conversion
    can take seconds, so the request's transaction ends before it starts."""
    if not files.exists(directive.generated_file) or not directive.generated_sha256:
        raise Conflict("The directive's document is not available yet.")
    cached = pdf_dir() / f"{directive.generated_sha256}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    docx = files.read(directive.generated_file)
    db.session.rollback()
    config = current_app.config
    data = pdf.docx_to_pdf(
        docx,
        timeout=config["AGREEMENT_PDF_TIMEOUT_SECONDS"],
        binary=config["SOFFICE_BINARY"],
        server=config["PDF_UNOSERVER"],
    )
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(data)
    os.replace(partial, cached)
    return data
