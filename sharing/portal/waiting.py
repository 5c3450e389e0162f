"""The portal home's "waiting for you" and "waiting for others" lists: the vendor's
attestations, AI fact sheets, signatures, evidence and incidents, every query held to their
organisation."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from flask import url_for

from sharing.adoptions import queries as adoptions
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.algorithms.fact_sheet_queries import SheetFilters, sheets_query
from sharing.algorithms.models import FactSheetStatus
from sharing.attestations.models import AttestationStatus
from sharing.disposition import queries as disposition_queries
from sharing.portal import queries
from sharing.reports.waiting import OFFICE, Item, Source, Waiting, day_of, gather, list_url
from sharing.signing import queries as signing
from sharing.signing.models import Signature, SignatureStatus


def _request_item(key: str, returned_codes: dict[int, list[str]], row: Any) -> Item:
    r = row[0]
    returned = r.status == AttestationStatus.RETURNED
    answer = url_for("attestations.answer", request_id=r.id)
    titles = {q.get("code"): q.get("title") or q.get("code") for q in r.questionnaire or []}
    if key == "submitted":
        what, url, arrived = (
            "Attestation submitted",
            url_for("attestations.request", request_id=r.id),
            r.submitted_at,
        )
    elif returned:
        what, arrived = "Answers returned to you", r.reviewed_at or r.updated_at
        url = answer
    else:
        what, url, arrived = "Attestation to answer", answer, r.created_at
    links = tuple(
        (f"Returned: {titles.get(code, code)} ({code})", f"{answer}#question-{code}")
        for code in returned_codes.get(r.id, [])
    )
    return Item(
        key,
        what,
        f"{r.agreement.number} {r.agreement.title}".strip(),
        url,
        arrived=day_of(arrived),
        due=None if key == "submitted" else r.due_date,
        holder=OFFICE if key == "submitted" else "",
        links=links if key != "submitted" else (),
    )


def _fact_sheet_item(row: Any) -> Item:
    """A sheet to fill in, or one returned with the office's comment."""
    sheet = row[0]
    returned = sheet.status == FactSheetStatus.RETURNED
    return Item(
        "fact-sheets",
        "AI fact sheet returned to you" if returned else "AI fact sheet to fill in",
        f"{sheet.algorithm.name}, edition {sheet.edition}",
        url_for("algorithms.fact_sheet", sheet_id=sheet.id),
        arrived=day_of((sheet.reviewed_at or sheet.updated_at) if returned else sheet.created_at),
        due=sheet.due_date,
        detail=sheet.review_comment if returned else "",
    )


def _agreement_item(row: Any) -> Item:
    a = row[0]
    return Item(
        "to-sign",
        "Agreement to sign",
        f"{a.number} {a.title}".strip(),
        url_for("portal.agreement", agreement_id=a.id),
        arrived=day_of(a.sent_for_signature_at or a.updated_at),
    )


def _offer_item(row: Any) -> Item:
    """A general offer of one of the organisation's agreements, waiting for its consent."""
    offer = row[0]
    return Item(
        "offers",
        "General offer to accept or decline",
        f"{offer.agreement.number} {offer.agreement.title}".strip(),
        url_for("adoptions.consent", offer_id=offer.id),
        arrived=day_of(offer.offered_at),
    )


def _signing_item(row: Any) -> Item:
    """An agreement out for signature that waits for someone else: the colleague who signs
    for the organisation, or, once they signed, the City."""
    a, signature = row[0]
    signed = signature.status == SignatureStatus.SIGNED
    return Item(
        "city-signs" if signed else "colleague-signs",
        "Signed: the City countersigns next" if signed else "Agreement to be signed",
        f"{a.number} {a.title}".strip(),
        url_for("portal.agreement", agreement_id=a.id),
        arrived=day_of(signature.signed_at if signed else signature.requested_at),
        holder="the City" if signed else signature.signer_name,
    )


def _split_signing(
    user: Any, agreements: list[Agreement]
) -> tuple[list[Agreement], list[tuple[Agreement, Signature]]]:
    """The agreements out for signature: those waiting for this user (or sent before
    signing in the portal, for anyone), and those waiting for someone else."""
    out = [a for a in agreements if a.status == AgreementStatus.SENT_FOR_SIGNATURE]
    if not out:
        return [], []
    signatures = {
        s.agreement_id: s
        for s in signing.open_vendor_signatures(
            organisation_id=user.organisation_id, agreement_ids=[a.id for a in out]
        )
    }
    mine, others = [], []
    for a in out:
        signature = signatures.get(a.id)
        if signature is None or (
            signature.status == SignatureStatus.PENDING and signing.is_signer(user, signature)
        ):
            mine.append(a)
        else:
            others.append((a, signature))
    return mine, others


def _evidence_item(today: date, row: Any) -> Item:
    e = row[0]
    expired = e.valid_until is not None and e.valid_until < today
    return Item(
        "expired" if expired else "evidence",
        "Evidence expired" if expired else "Evidence expiring",
        e.original_name,
        url_for("attestations.evidence", q=e.original_name),
        due=e.valid_until,
        due_label="Valid until",
        detail=e.description or "",
        links=(("Upload a current copy", url_for("attestations.upload_evidence")),),
    )


def _incident_item(key: str, row: Any) -> Item:
    i = row[0]
    for_vendor = key == "incident-news"
    return Item(
        key,
        "Incident: send the privacy office your news" if for_vendor else "Incident reported",
        f"{i.reference} {i.title}",
        url_for("portal.incident", incident_id=i.id),
        arrived=day_of(i.updated_at if for_vendor else i.reported_at),
        detail=f"Last change {i.updated_at:%Y-%m-%d}" if for_vendor and i.updated_at else "",
        holder="" if for_vendor else OFFICE,
    )


def _offers(user: Any) -> list[Source]:
    """Only a user who may sign answers a general offer, so only theirs waits for them."""
    if not getattr(user, "may_sign", False):
        return []
    return [
        Source(
            "offers",
            "general offers to answer",
            adoptions.awaiting_consent(user.organisation_id),
            _offer_item,
            None,
        )
    ]


def _directive_item(row: Any) -> Item:
    """A directive to carry out and certify, or a certificate returned with questions."""
    d = row[0]
    returned = d.review_comment and d.status.value == "returned"
    return Item(
        "disposition",
        "Certificate returned with questions" if returned else "Return or destroy City data",
        f"{d.number} ({d.agreement.number})",
        url_for("disposition.directive", directive_id=d.id),
        arrived=day_of(d.reviewed_at if returned else d.issued_at),
        due=d.due_on,
        detail=d.review_comment if returned else "",
    )


def vendor_waiting(
    user: Any, *, today: date, now: datetime, agreements: list[Agreement]
) -> tuple[Waiting, Waiting]:
    """What waits for the vendor user's organisation, and what it handed to the office.
    `agreements` are those the portal home lists (queries.agreements): the ones sent for
    signature wait for the vendor."""
    org = user.organisation_id
    codes = queries.returned_questions(organisation_id=org)

    def requests(status: str):
        return queries.requests(organisation_id=org, actor=user, status=status, today=today)

    def evidence(expired: bool):
        return queries.evidence(organisation_id=org, today=today, expired=expired)

    def incidents(for_vendor: bool):
        return queries.incidents_waiting(organisation_id=org, now=now, for_vendor=for_vendor)

    home, files = url_for("portal.home"), "attestations.evidence"
    to_sign, signed_by_others = _split_signing(user, agreements)
    for_you = [
        Source(
            "attestations",
            "attestations to answer",
            requests("open"),
            partial(_request_item, "attestations", codes),
            list_url("attestations.requests", status="open"),
        ),
        Source(
            "fact-sheets",
            "AI fact sheets to fill in",
            sheets_query(SheetFilters(status="open"), actor=user, today=today),
            _fact_sheet_item,
            list_url("algorithms.fact_sheets", status="open"),
        ),
        Source(
            "to-sign",
            "agreements to sign",
            None,
            _agreement_item,
            f"{home}#agreements",
            rows=to_sign,
        ),
        *_offers(user),
        Source(
            "disposition",
            "disposition directives to certify",
            disposition_queries.open_for_organisation(org),
            _directive_item,
            list_url("disposition.directives"),
        ),
        Source(
            "evidence",
            "evidence files expiring",
            evidence(expired=False),
            partial(_evidence_item, today),
            list_url(files, expiring=1, sort="valid_until"),
        ),
        Source(
            "expired",
            "evidence files expired",
            evidence(expired=True),
            partial(_evidence_item, today),
            list_url(files, state="expired", sort="-valid_until"),
        ),
        Source(
            "incident-news",
            "incidents waiting for your news",
            incidents(for_vendor=True),
            partial(_incident_item, "incident-news"),
            f"{home}#incidents",
        ),
    ]
    for_others = [
        Source(
            "signing",
            "agreements being signed",
            None,
            _signing_item,
            f"{home}#agreements",
            rows=signed_by_others,
        ),
        Source(
            "submitted",
            "attestations submitted",
            requests(AttestationStatus.SUBMITTED.value),
            partial(_request_item, "submitted", codes),
            list_url("attestations.requests", status="submitted"),
        ),
        Source(
            "incident-reported",
            "incidents reported",
            incidents(for_vendor=False),
            partial(_incident_item, "incident-reported"),
            f"{home}#incidents",
        ),
    ]
    return gather(for_you), gather(for_others)
