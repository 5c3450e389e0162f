"""Counts shown on the signed-in home page, scoped to what the user may see."""

from __future__ import annotations

from sqlalchemy import func, select

from sharing.extensions import db


def _counts(model, column, *where) -> dict[str, int]:
    stmt = select(column, func.count()).select_from(model).where(*where).group_by(column)
    return {getattr(k, "value", k): n for k, n in db.session.execute(stmt)}


def home_summary(user) -> dict:
    # Imported here: core sits below the domain packages and must not import them at load.
    from sharing.agreements.models import Agreement
    from sharing.attestations.models import AttestationRequest
    from sharing.flows.models import DataFlow
    from sharing.vendors.models import Organisation

    if user.role.value == "vendor":
        org = user.organisation_id
        return {
            "organisation": user.organisation,
            "flows": _counts(DataFlow, DataFlow.status, DataFlow.organisation_id == org),
            "agreements": _counts(Agreement, Agreement.status, Agreement.organisation_id == org),
            "attestations": _counts(
                AttestationRequest,
                AttestationRequest.status,
                AttestationRequest.organisation_id == org,
            ),
        }
    return {
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)),
        "flows": _counts(DataFlow, DataFlow.status),
        "agreements": _counts(Agreement, Agreement.status),
        "attestations": _counts(AttestationRequest, AttestationRequest.status),
    }
