"""axe-core on every main page, signed in as the role that uses it, over the demo data set.

The demo seed gives each page realistic content (tables, badges, alerts, forms with values).
One test per audience keeps the seed to one per test; each test visits all its pages and
reports every serious or critical violation together, rule id and node, before failing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.algorithms.models import Algorithm
from sharing.attestations.models import AttestationRequest, AttestationStatus
from sharing.auth.invitations import invite
from sharing.auth.models import Role, User
from sharing.core.clock import now, today
from sharing.demo.seed import demo_sign_ins, seed_demo
from sharing.disclosures.models import Disclosure, Incident
from sharing.disclosures.services import add_incident_update, report_incident
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus
from sharing.register import public as register_public
from sharing.register.queries import public_clause
from sharing.vendors.models import Organisation
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.factories import make_algorithm
from tests.fixtures.spreadsheets import ORG_HEADERS, csv_bytes, organisation_row
from tests.services.test_disclosure_import import HEADERS as DISCLOSURE_HEADERS
from tests.services.test_disclosure_import import row as disclosure_row


def _first(statement):
    return db.session.scalars(statement.limit(1)).first()


def _ids() -> dict[str, int]:
    """Ids of demo rows the pages need; the vendor's rows belong to the demo vendor user."""
    vendor = _first(select(User).where(User.role == Role.VENDOR))
    own = AttestationRequest.organisation_id == vendor.organisation_id
    open_states = (AttestationStatus.PENDING, AttestationStatus.RETURNED)
    ids = {
        "organisation": _first(select(Organisation).order_by(Organisation.id)).id,
        "flow": _first(select(DataFlow).where(DataFlow.status == FlowStatus.APPROVED)).id,
        "agreement": _first(select(Agreement).where(Agreement.status == AgreementStatus.ACTIVE)).id,
        "attestation": _first(
            select(AttestationRequest).where(
                AttestationRequest.status == AttestationStatus.SUBMITTED
            )
        ).id,
        "vendor_attestation": _first(
            select(AttestationRequest).where(own, AttestationRequest.status.in_(open_states))
        ).id,
        "public_flow": _first(select(DataFlow).where(public_clause())).lineage_id,
        "disclosure": _first(select(Disclosure)).id,
        "incident": _first(select(Incident)).id,
        "draft_agreement": _first(
            select(Agreement).where(Agreement.status == AgreementStatus.DRAFT)
        ).id,
    }
    ids["invitation"] = _invitation_token(vendor.organisation_id)
    ids["vendor_incident"] = _vendor_incident(vendor)
    ids["vendor_agreement"] = _first(
        select(Agreement).where(Agreement.organisation_id == vendor.organisation_id)
    ).id
    ids["returned_copy"] = _returned_copy(ids["vendor_agreement"])
    ids.update(_signing(vendor))
    covered = _first(select(DataFlow).where(public_clause()))
    ids["public_algorithm"] = _public_algorithm(covered)
    ids.update(_models_in_the_open(vendor))
    ids["disclosure_file"] = csv_bytes(
        [
            DISCLOSURE_HEADERS,
            disclosure_row(covered, **{"Date disclosed": today().isoformat()}),
            disclosure_row(covered, **{"Date disclosed": "not a date"}),
        ]
    )
    end_transaction()
    return ids


def _signing(vendor: User) -> dict[str, int]:
    """The demo's agreements out for signature, sent again to the demo vendor (who may sign):
    one waiting for their signature, one they signed; and the generated one, still to send."""
    from sharing.signing import services as signing
    from tests.web.tables.signing import one_page_pdf

    privacy = _first(select(User).where(User.role == Role.PRIVACY))
    generated = _first(select(Agreement).where(Agreement.status == AgreementStatus.GENERATED))
    out = db.session.scalars(
        select(Agreement)
        .where(Agreement.status == AgreementStatus.SENT_FOR_SIGNATURE)
        .order_by(Agreement.id)
        .limit(2)
    ).all()
    found = {"generated_agreement": generated.id}
    for key, agreement in zip(("to_sign", "vendor_signed"), out, strict=True):
        agreement.organisation_id = vendor.organisation_id
        agreement.status = AgreementStatus.GENERATED
        db.session.commit()
        signature = signing.send_for_signature(
            actor=privacy,
            agreement=agreement,
            pdf=one_page_pdf(),
            signer=vendor,
            now=now(),
            today=today(),
            expected_version=agreement.version,
        )
        if key == "vendor_signed":
            password = {s.role: s for s in demo_sign_ins()}["vendor"].password
            signing.sign(
                actor=vendor,
                agreement=agreement,
                typed_name=vendor.name,
                typed_title="Director",
                consent=True,
                password=password,
                document_sha256=signature.document_sha256,
                ip="203.0.113.7",
                user_agent="Demo browser",
                now=now(),
            )
        found[key] = agreement.id
    return found


def _vendor_incident(vendor: User) -> int:
    """An incident of the vendor's own organisation, with one update, for the portal's
    incident page and its update form."""
    incident = report_incident(
        actor=vendor,
        organisation_id=vendor.organisation_id,
        title="Misdirected permit emails",
        description="Forty confirmations went to the wrong addresses.",
        discovered_at=now() - timedelta(days=1),
        affected_individuals=40,
        containment="",
        agreement_id=None,
        now=now(),
    )
    add_incident_update(
        actor=vendor,
        incident=incident,
        text="All forty recipients confirmed deletion.",
        affected_individuals=None,
        containment="",
        now=now(),
    )
    return incident.id


def _returned_copy(agreement_id: int) -> int:
    """A returned copy of the vendor's agreement with a weakened, a removed and an added
    clause, the removed one accepted as an exception, for the review and vendor pages."""
    from sharing.negotiation.models import Decision, DeviationKind
    from tests.web.tables.negotiation import make_copy

    removed = {
        "key": "SUB-1",
        "code": "SUB-1",
        "heading": "Hold subprocessors to the same terms",
        "kind": DeviationKind.REMOVED,
        "after_text": "",
        "parameter_name": None,
        "parameter_label": "",
        "parameter_unit": "",
        "parameter_before": None,
        "parameter_after": None,
        "explanation": "The clause was deleted.",
        "decision": Decision.EXCEPTION,
        "note": "The vendor uses no subprocessor.",
    }
    added = {**removed, "key": "Use of aggregated data", "code": "", "kind": DeviationKind.ADDED}
    added.update(heading="Use of aggregated data", decision=Decision.UNDECIDED, note="")
    agreement = db.session.get(Agreement, agreement_id)
    return make_copy(agreement, {}, removed, added).id


def _invitation_token(organisation_id: int) -> str:
    """A pending vendor invitation's one-time token, for the accept-invitation page."""
    admin = _first(select(User).where(User.role == Role.ADMIN))
    _, token = invite(
        actor=admin,
        email="new.vendor.user@example.org",
        name="New Vendor User",
        role="vendor",
        organisation_id=organisation_id,
        department_id=None,
        now=now(),
    )
    db.session.commit()
    return token


def _public_algorithm(flow: DataFlow) -> int:
    """A public algorithm record: the demo's first, or one approved here over a public flow,
    with summaries in the three languages so the language links are checked too."""
    found = _first(select(Algorithm).where(register_public.public_clause()))
    if found is not None:
        return found.id
    return make_algorithm(
        flow.organisation,
        (flow,),
        approved=True,
        summary_es="Ordena las solicitudes por urgencia.",
        summary_vi="Sắp xếp các yêu cầu theo mức độ khẩn cấp.",
    ).id


def _models_in_the_open(vendor: User) -> dict:
    """The demo's algorithm record, a fact sheet the demo vendor can open (the demo's open
    edition, handed to the vendor's organisation as _signing hands it agreements), and a
    concern with its reference."""
    from sharing.algorithms.models import FactSheet, FactSheetStatus
    from sharing.concerns.models import Concern

    record = _first(select(Algorithm).order_by(Algorithm.id))
    sheet = _first(select(FactSheet).where(FactSheet.status == FactSheetStatus.IN_PROGRESS))
    sheet.organisation_id = vendor.organisation_id
    concern = _first(select(Concern).order_by(Concern.id))
    db.session.commit()
    return {
        "algorithm": record.id,
        "fact_sheet": sheet.id,
        "accepted_sheet": _first(
            select(FactSheet).where(FactSheet.status == FactSheetStatus.ACCEPTED)
        ).id,
        "concern": concern.id,
        "reference": concern.reference,
    }


@pytest.fixture
def demo(app) -> dict:
    """The demo data set; returns the ids the pages need and the demo sign-ins by role."""
    seed_demo(today=today(), now=now())
    ids = _ids()
    return {"ids": ids, "sign_ins": {s.role: s for s in demo_sign_ins()}}


STAFF_PAGES: dict[str, tuple[str, ...]] = {
    "privacy": (
        "/",
        "/vendors/",
        "/vendors/{organisation}",
        "/flows/",
        "/flows/{flow}",
        "/agreements/",
        "/agreements/{agreement}",
        "/agreements/new",
        "/agreements/{draft_agreement}/parameters",
        "/attestations/",
        "/attestations/{attestation}",
        "/attestations/{attestation}/review",
        "/attestations/evidence",
        "/attestations/follow-ups",
        "/disclosures/log",
        "/disclosures/log/new",
        "/disclosures/log/{disclosure}",
        "/disclosures/incidents",
        "/disclosures/incidents/{incident}",
        "/disclosures/incidents/{vendor_incident}",
        "/disclosures/accounting",
        "/renewals/reminders",
        "/renewals/calendar",
        "/audit/",
        "/auth/invitations",
        "/auth/account",
        "/inbox/",
        "/register/flows/{flow}/publication",
        "/reports/accountability",
        "/reports/imports/disclosures",
        "/negotiation/copies/{returned_copy}",
        "/negotiation/exceptions",
        "/negotiation/agreements/{vendor_agreement}/return",
        "/signing/{generated_agreement}/send",
        "/signing/{vendor_signed}/countersign",
        "/agreements/{vendor_signed}",
        "/algorithms/",
        "/algorithms/{algorithm}",
        "/algorithms/fact-sheets",
        "/algorithms/fact-sheets/{accepted_sheet}",
        "/algorithms/fact-sheets/{accepted_sheet}/changes",
        "/concerns/cases",
        "/concerns/cases/{concern}",
    ),
    "procurement": (
        "/",
        "/vendors/new",
        "/flows/new",
        "/flows/{flow}/edit",
        "/reports/imports",
        "/algorithms/new",
        "/algorithms/{algorithm}/edit",
    ),
    "admin": ("/", "/auth/users", "/auth/invitations/new", "/settings/", "/mail/outbox"),
}
VENDOR_PAGES = (
    "/portal/",
    "/attestations/{vendor_attestation}",
    "/attestations/{vendor_attestation}/answer",
    "/attestations/evidence/new",
    "/portal/incidents/new",
    "/portal/incidents/{vendor_incident}",
    "/portal/agreements/{vendor_agreement}",
    "/negotiation/returned/{returned_copy}",
    "/negotiation/agreements/{vendor_agreement}/return",
    "/portal/agreements/{to_sign}",
    "/signing/{to_sign}/sign",
    "/signing/{to_sign}/decline",
    "/inbox/",
    "/algorithms/fact-sheets",
    "/algorithms/fact-sheets/{fact_sheet}",
)
PUBLIC_PAGES = (
    "/",
    "/register/",
    "/register/{public_flow}",
    "/register/changes",
    "/register/{public_flow}?lang=es",
    "/register/algorithms",
    "/concerns/new",
    "/concerns/new?algorithm={public_algorithm}",
    "/concerns/status",
    "/concerns/status/{reference}",
    "/register/algorithms/{public_algorithm}",
    "/register/algorithms/{public_algorithm}?lang=vi",
    "/auth/sign-in",
    "/auth/invitations/accept/{invitation}",
)


def _check(tab, paths: tuple[str, ...], ids: dict, screenshot: Callable, prefix: str) -> list:
    found = []
    for path in paths:
        response = tab.goto(path.format(**ids))
        assert response.status == 200, (path, response.status)
        found += serious_violations(tab)
        screenshot(tab, f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}")
    return found


def _upload_import(tab) -> None:
    """Upload a file with one bad row, so the preview page has rows and an error to show."""
    rows = [ORG_HEADERS, organisation_row(1), organisation_row(2, EIN="12-3")]
    tab.goto("/reports/imports")
    tab.set_input_files(
        "#file", {"name": "orgs.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}
    )
    with tab.expect_navigation():
        tab.locator("#import-upload-form [type=submit]").click()
    assert "/reports/imports/" in tab.url, tab.url


def _upload_disclosures(tab, data: bytes) -> None:
    """Upload a disclosure file with one bad row, so its job page shows a preview and an error."""
    tab.goto("/reports/imports/disclosures")
    tab.set_input_files("#file", {"name": "log.csv", "mimeType": "text/csv", "buffer": data})
    with tab.expect_navigation():
        tab.locator("#disclosure-import-form [type=submit]").click()
    assert "/reports/imports/" in tab.url and "disclosures" not in tab.url, tab.url
    assert "not a date" in tab.content()


def _report(found: list[str]) -> str:
    return "serious or critical axe violations:\n" + "\n".join(found)


# Desk and phone widths: a page can pass at one and fail at the other (a table whose region
# scrolls only when narrow, a menu that folds away).
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desk", "phone"])


def _viewport(width: int) -> dict:
    return {"viewport": {"width": width, "height": 900}}


@WIDTHS
def test_staff_pages_have_no_serious_accessibility_violations(demo, new_page, screenshot, width):
    """Every main staff page passes axe-core with no serious or critical violation."""
    found = []
    for role, paths in STAFF_PAGES.items():
        tab = new_page(**_viewport(width))
        sign_in = demo["sign_ins"][role]
        sign_in_with(tab, sign_in.email, sign_in.password)
        found += _check(tab, paths, demo["ids"], screenshot, role)
        if role == "procurement":
            _upload_import(tab)
            found += serious_violations(tab)
            screenshot(tab, "procurement-import-preview")
        if role == "privacy":
            _upload_disclosures(tab, demo["ids"]["disclosure_file"])
            found += serious_violations(tab)
            screenshot(tab, "privacy-disclosure-import-preview")
    if found:
        pytest.fail(_report(found))


@WIDTHS
def test_vendor_and_public_pages_have_no_serious_accessibility_violations(
    demo, new_page, screenshot, width
):
    """The vendor portal pages and the public pages pass axe-core (serious, critical)."""
    vendor = new_page(**_viewport(width))
    sign_in = demo["sign_ins"]["vendor"]
    sign_in_with(vendor, sign_in.email, sign_in.password)
    found = _check(vendor, VENDOR_PAGES, demo["ids"], screenshot, "vendor")
    found += _check(new_page(**_viewport(width)), PUBLIC_PAGES, demo["ids"], screenshot, "public")
    if found:
        pytest.fail(_report(found))


def test_the_axe_check_reports_a_real_violation(new_page, live_server):
    """The helper does find violations: an image without alt text is reported as critical."""
    tab = new_page()
    tab.goto("/auth/sign-in")
    tab.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/x.png';"
        " document.querySelector('main, body').appendChild(img); }"
    )
    found = serious_violations(tab)
    assert any("image-alt" in line for line in found), found
