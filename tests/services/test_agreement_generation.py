"""Generating agreements: drafts, obligations by rule, parameters within bounds, the .docx."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from sharing.agreements import drafting, files, generation, plans
from sharing.agreements.drafting import Terms
from sharing.agreements.models import AgreementStatus, TemplateKind
from sharing.agreements.rendering import docx_text
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import FlowStatus, Sensitivity
from tests.factories import (
    NOTICE_ADDRESS,
    add_category,
    make_approved_flow,
    make_category,
    make_contact,
    make_department,
    make_organisation,
    make_policy,
    make_template_version,
    make_user,
)
from tests.fixtures.agreements import ESCAPING_CORPUS

TODAY = date(2026, 11, 21)
# Obligations whose rule is "always": every agreement carries them.
ALWAYS = {
    "NOT-1", "PUR-1", "PUR-2", "MIN-1", "DEI-1", "RET-1", "RET-2", "SHR-1", "SEC-1", "BRN-1",
    "ACC-1", "ATT-1", "PUB-1", "ACU-1", "IND-1", "PRA-1", "LEG-1", "PER-1", "LOC-1",
}  # fmt: skip
CONDITIONAL = {"SUB-1", "SEC-2", "AUT-1", "AUT-2", "EQU-1", "CHD-1", "LPR-1", "LOC-2"}


def _terms(**overrides) -> Terms:
    values = {"title": "Data protection agreement", "effective_date": date(2027, 1, 1)}
    values.update(overrides)
    if values.get("department_id") is None:  # a complete agreement names its lead department
        values["department_id"] = make_department().id
    return Terms(**values)


def _plain_flow(organisation):
    return make_approved_flow(
        organisation,
        (make_category(sensitivity=Sensitivity.CONFIDENTIAL),),
        system_name="Library catalogue",
        storage_location="City data centre",
        storage_country="US",
    )


def _everything_flow(organisation):
    categories = (
        make_category(name="Licence plates", sensitivity=Sensitivity.RESTRICTED,
                      is_licence_plate=True),
        make_category(name="Precise location", sensitivity=Sensitivity.RESTRICTED,
                      is_precise_location=True),
    )  # fmt: skip
    return make_approved_flow(
        organisation,
        categories,
        system_name="Parking enforcement",
        storage_location="Montréal data centre",
        storage_country="CA",
        # Within the plate-data limit and with the human review described, so the flow
        # raises every conditional obligation without conflicting with one.
        retention_days=30,
        human_oversight="An enforcement officer reviews every flagged plate first.",
        includes_minors=True,
        includes_vulnerable=True,
        automated_decisions=True,
        automated_decision_description="Flags plates for citation review",
        subprocessors=[{"name": "Trần Logistics", "service": "Hosting", "country": "CA"}],
    )


@pytest.fixture
def setting(db):
    policy = make_policy()
    organisation = make_organisation(
        legal_name="Peña & Hijos <S.A.>", common_name="Peña & Hijos", **NOTICE_ADDRESS
    )
    make_contact(organisation, role="signatory", name="José Ángel Muñoz", title="Director")
    version = make_template_version(TemplateKind.VENDOR_DPA)
    actor = make_user("privacy")
    return {"policy": policy, "organisation": organisation, "version": version, "actor": actor}


def _draft(setting, flows, **terms):
    return drafting.draft_agreement(
        actor=setting["actor"],
        organisation=setting["organisation"],
        flows=flows,
        template=setting["version"].template,
        terms=_terms(**terms),
        today=TODAY,
    )


def _generate(setting, agreement, today=TODAY):
    return generation.generate_agreement(
        actor=setting["actor"], agreement=agreement, today=today, expected_version=None
    )


def _codes_in(text: str) -> set[str]:
    return set(re.findall(r"\(obligation ([A-Z]{3}-\d)\)", text))


def test_plain_flow_agreement_carries_only_the_obligations_that_always_apply(setting):
    agreement = _generate(setting, _draft(setting, [_plain_flow(setting["organisation"])]))

    text = docx_text(files.read(agreement.generated_file))

    assert _codes_in(text) == ALWAYS
    assert set(agreement.obligation_codes) == ALWAYS


def test_every_conditional_obligation_appears_when_its_rule_applies(setting):
    flow = _everything_flow(setting["organisation"])
    agreement = _generate(setting, _draft(setting, [flow]))

    text = docx_text(files.read(agreement.generated_file))

    assert _codes_in(text) == ALWAYS | CONDITIONAL
    plan = plans.plan_agreement(agreement)
    for clause in plan.clauses:  # the clause text itself, with its parameters filled in
        assert clause.text in text
    reasons = {c.obligation.code: c.reason for c in plan.clauses}
    assert "subprocessor" in reasons["SUB-1"].lower()
    assert "outside the us" in reasons["LOC-2"].lower()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"includes_minors": True}, {"CHD-1"}),
        ({"automated_decisions": True, "automated_decision_description": "Scores",
          "human_oversight": "A caseworker reviews each score before it is used."},
         {"AUT-1", "AUT-2", "EQU-1"}),
        ({"subprocessors": [{"name": "Mailer", "service": "Email", "country": "US"}]},
         {"SUB-1"}),
        ({"storage_country": "DE"}, {"LOC-2"}),
        ({"includes_vulnerable": True}, {"EQU-1"}),
    ],
)  # fmt: skip
def test_each_flow_attribute_adds_exactly_its_obligations(setting, overrides, expected):
    flow = make_approved_flow(setting["organisation"], (make_category(),), **overrides)
    agreement = _generate(setting, _draft(setting, [flow]))

    assert _codes_in(docx_text(files.read(agreement.generated_file))) == ALWAYS | expected


def test_generated_file_records_hash_template_policy_parameters_and_codes(setting):
    agreement = _generate(setting, _draft(setting, [_plain_flow(setting["organisation"])]))

    data = files.read(agreement.generated_file)
    assert agreement.status == AgreementStatus.GENERATED
    assert agreement.generated_sha256 == hashlib.sha256(data).hexdigest()
    assert agreement.template_version_id == setting["version"].id
    assert agreement.policy_version_id == setting["policy"].id
    assert agreement.parameters["breach_notice_hours"] == 72
    assert agreement.generated_by_id == setting["actor"].id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.generated")
    ).one()
    assert event.changes["status"] == {"before": "draft", "after": "generated"}
    assert event.changes["generated_sha256"]["after"] == agreement.generated_sha256


def test_regenerating_with_the_same_inputs_gives_the_same_file(setting):
    agreement = _generate(setting, _draft(setting, [_everything_flow(setting["organisation"])]))
    first_hash, first_file = agreement.generated_sha256, agreement.generated_file

    _generate(setting, agreement)

    assert agreement.generated_sha256 == first_hash
    assert agreement.generated_file != first_file
    assert not files.exists(first_file)  # the replaced copy is removed
    assert files.exists(agreement.generated_file)


def test_changed_parameter_appears_in_the_clause_and_changes_the_hash(setting):
    agreement = _generate(setting, _draft(setting, [_plain_flow(setting["organisation"])]))
    before = agreement.generated_sha256

    drafting.set_parameters(
        actor=setting["actor"],
        agreement=agreement,
        values={"breach_notice_hours": "48"},
        expected_version=agreement.version,
    )
    assert agreement.status == AgreementStatus.DRAFT  # the stored file is stale now
    _generate(setting, agreement)

    text = docx_text(files.read(agreement.generated_file))
    assert "48 hours" in text
    assert "72 hours" not in text
    assert agreement.generated_sha256 != before


def test_parameter_outside_its_bounds_is_refused_and_nothing_changes(setting):
    agreement = _draft(setting, [_plain_flow(setting["organisation"])])

    with pytest.raises(ValidationFailed) as caught:
        drafting.set_parameters(
            actor=setting["actor"],
            agreement=agreement,
            values={"breach_notice_hours": "500", "retention_days": "ten"},
            expected_version=agreement.version,
        )

    assert caught.value.errors["breach_notice_hours"] == "Must be between 24 and 168 hours."
    assert caught.value.errors["retention_days"] == "Enter a whole number."
    db.session.refresh(agreement)
    assert agreement.parameters["breach_notice_hours"] == 72


def test_escaping_corpus_round_trips_through_the_generated_document(setting):
    organisation = make_organisation(
        legal_name=ESCAPING_CORPUS[0], common_name="Corpus", **NOTICE_ADDRESS
    )
    make_contact(organisation, role="signatory", name=ESCAPING_CORPUS[1], title="Chair")
    flows = [
        make_approved_flow(organisation, (make_category(),), system_name=value[:200],
                           purposes=value)
        for value in ESCAPING_CORPUS
    ]  # fmt: skip
    agreement = drafting.draft_agreement(
        actor=setting["actor"],
        organisation=organisation,
        flows=flows,
        template=setting["version"].template,
        terms=_terms(title=ESCAPING_CORPUS[2]),
        today=TODAY,
    )
    _generate(setting, agreement)

    document = Document(files.path_of(agreement.generated_file))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    text = docx_text(files.read(agreement.generated_file))
    for value in ESCAPING_CORPUS:
        assert value in cells  # Exhibit A: the flow's name and purposes
    assert ESCAPING_CORPUS[0] in text  # the partner's legal name
    assert ESCAPING_CORPUS[1] in text  # its signatory
    assert ESCAPING_CORPUS[2] in text  # the title


def test_exhibits_list_every_flow_and_the_attestation_schedule(setting):
    department = make_department(name="Transportation & Parking")
    plates = make_category(name="Plates")
    flows = [
        make_approved_flow(setting["organisation"], (plates,),
                           system_name=name, department_id=department.id)
        for name in ("Permits", "Citations")
    ]  # fmt: skip
    agreement = _generate(setting, _draft(setting, flows, department_id=department.id))

    text = docx_text(files.read(agreement.generated_file))
    # Exhibit A names each department in full, as the parties' introduction does.
    assert re.search(
        r"A-1 \| Citations \(Transportation & Parking Department\) \|[^\n]*\| Plates", text
    )
    assert re.search(
        r"A-2 \| Permits \(Transportation & Parking Department\) \|[^\n]*\| Plates", text
    )
    assert "José Ángel Muñoz" in text
    assert agreement.number in text
    # Exhibit B: first attestation 12 months after the effective date.
    assert "January 1, 2028" in text


def test_draft_needs_approved_flows_of_the_same_organisation(setting):
    other = make_approved_flow(make_organisation(), (make_category(),))
    pending = make_approved_flow(setting["organisation"], status=FlowStatus.SUBMITTED)

    with pytest.raises(ValidationFailed) as foreign:
        _draft(setting, [other])
    with pytest.raises(ValidationFailed) as unapproved:
        _draft(setting, [pending])
    with pytest.raises(ValidationFailed) as none:
        _draft(setting, [])

    assert "belong to this organization" in foreign.value.errors["flows"]
    assert pending.system_name in unapproved.value.errors["flows"]
    assert "at least one" in none.value.errors["flows"]


def test_draft_terms_out_of_bounds_are_named_by_field(setting):
    flow = _plain_flow(setting["organisation"])

    with pytest.raises(ValidationFailed) as caught:
        _draft(setting, [flow], title=" ", term_months=0, notice_days=400)

    assert set(caught.value.errors) == {"title", "term_months", "notice_days"}


def test_renewal_amendment_must_name_the_agreement_it_renews(setting):
    renewal = make_template_version(TemplateKind.RENEWAL_AMENDMENT)
    flow = _plain_flow(setting["organisation"])

    with pytest.raises(ValidationFailed) as caught:
        drafting.draft_agreement(
            actor=setting["actor"],
            organisation=setting["organisation"],
            flows=[flow],
            template=renewal.template,
            terms=_terms(),
            today=TODAY,
        )

    assert "renews" in caught.value.errors["template"]


def test_renewal_amendment_cites_the_original_agreement(setting):
    flow = _plain_flow(setting["organisation"])
    original = _draft(setting, [flow])
    renewal = make_template_version(TemplateKind.RENEWAL_AMENDMENT)

    amendment = drafting.draft_agreement(
        actor=setting["actor"],
        organisation=setting["organisation"],
        flows=[flow],
        template=renewal.template,
        terms=_terms(title="Renewal"),
        today=TODAY,
        renews=original,
    )
    _generate(setting, amendment)

    text = docx_text(files.read(amendment.generated_file))
    assert original.number in text
    assert amendment.number != original.number


def test_generation_refuses_a_flow_no_longer_in_force(setting):
    flow = _plain_flow(setting["organisation"])
    agreement = _draft(setting, [flow])
    flow.status = FlowStatus.SUPERSEDED
    db.session.commit()

    with pytest.raises(ValidationFailed) as caught:
        _generate(setting, agreement)

    assert "no longer in force" in caught.value.errors["flows"]
    assert agreement.generated_file is None
    assert not any(files.agreement_dir().glob("*")) if files.agreement_dir().exists() else True


def test_stale_version_is_refused(setting):
    agreement = _draft(setting, [_plain_flow(setting["organisation"])])

    with pytest.raises(Conflict):
        generation.generate_agreement(
            actor=setting["actor"],
            agreement=agreement,
            today=TODAY,
            expected_version=agreement.version - 1,
        )


def test_agreement_sent_for_signature_cannot_be_regenerated(setting):
    agreement = _generate(setting, _draft(setting, [_plain_flow(setting["organisation"])]))
    agreement.status = AgreementStatus.SENT_FOR_SIGNATURE
    db.session.commit()

    with pytest.raises(Conflict):
        _generate(setting, agreement)


def test_numbers_count_up_within_the_year(setting):
    flow = _plain_flow(setting["organisation"])
    first = _draft(setting, [flow])
    second = _draft(setting, [flow])

    assert first.number == "DSA-2026-0001"
    assert second.number == "DSA-2026-0002"


def test_editing_the_flows_recomputes_obligations_and_keeps_chosen_parameters(setting):
    plain = _plain_flow(setting["organisation"])
    agreement = _draft(setting, [plain])
    drafting.set_parameters(
        actor=setting["actor"],
        agreement=agreement,
        values={"breach_notice_hours": "36"},
        expected_version=agreement.version,
    )
    rich = _everything_flow(setting["organisation"])

    drafting.update_draft(
        actor=setting["actor"],
        agreement=agreement,
        flows=[plain, rich],
        template=setting["version"].template,
        terms=_terms(),
        expected_version=agreement.version,
    )

    assert set(agreement.obligation_codes) == ALWAYS | CONDITIONAL
    assert agreement.parameters["breach_notice_hours"] == 36
    assert agreement.parameters["subprocessor_notice_days"] == 30
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.updated")
    ).one()
    assert event.changes["flows"]["after"] == sorted([plain.id, rich.id])


def test_renewal_amendment_lists_each_changed_parameter_against_the_original(setting):
    """A value changed since the renewed agreement is listed as old → new by its code."""
    flow = _plain_flow(setting["organisation"])
    original = _generate(setting, _draft(setting, [flow]))
    renewal = make_template_version(TemplateKind.RENEWAL_AMENDMENT)
    amendment = drafting.draft_agreement(
        actor=setting["actor"],
        organisation=setting["organisation"],
        flows=[flow],
        template=renewal.template,
        terms=_terms(title="Renewal"),
        today=TODAY,
        renews=original,
    )
    drafting.set_parameters(
        actor=setting["actor"],
        agreement=amendment,
        values={**amendment.parameters, "breach_notice_hours": "48"},
        expected_version=amendment.version,
    )
    _generate(setting, amendment)

    text = docx_text(files.read(amendment.generated_file))
    assert re.search(r"BRN-1 [^\n|]+ \| [^\n]*: 72 hours → 48 hours\.", text)
    assert "This renewal makes one change to the Original Agreement" in text


def test_exhibit_a_states_authority_subjects_minors_decisions_and_justifications(setting):
    plates = make_category(name="Plate reads")
    flow = make_approved_flow(
        setting["organisation"],
        (),
        system_name="Curb management",
        legal_authority="Cal. Veh. Code 22508",
        data_subjects="Drivers parking in metered zones",
        includes_minors=True,
        automated_decisions=True,
        automated_decision_description="Scores parking sessions for review.",
        human_oversight="An officer confirms every citation",
    )
    add_category(flow, plates, justification="Matches a session to a paid permit")
    db.session.refresh(flow)
    agreement = _generate(setting, _draft(setting, [flow]))

    text = docx_text(files.read(agreement.generated_file))
    assert "Cal. Veh. Code 22508" in text
    assert "Drivers parking in metered zones" in text
    assert "Scores parking sessions for review. Human oversight: An officer confirms" in text
    assert "Plate reads: Matches a session to a paid permit" in text


def test_covered_flows_carry_the_facts_the_rules_read(setting):
    from sharing.agreements.covered import covered_flows
    from sharing.flows.models import TransferMethod
    from sharing.vendors.models import OrganisationKind

    flow = make_approved_flow(
        setting["organisation"],
        (make_category(),),
        data_subjects="Students of partner schools",
        transfer_method=TransferMethod.VENDOR_COLLECTS,
        estimated_records=250_000,
    )
    agreement = _draft(setting, [flow])

    (covered,) = covered_flows(agreement)
    assert covered.data_subjects == "Students of partner schools"
    assert covered.transfer_method == TransferMethod.VENDOR_COLLECTS
    assert covered.estimated_records == 250_000
    assert covered.organisation_kind == OrganisationKind.VENDOR


def test_renewal_amendment_starts_from_the_values_the_original_agreed(setting):
    """What the parties agreed last time carries over to the renewal while it fits the policy;
    so the amendment lists no change that nobody made."""
    flow = _plain_flow(setting["organisation"])
    original = _draft(setting, [flow])
    drafting.set_parameters(
        actor=setting["actor"],
        agreement=original,
        values={**original.parameters, "breach_notice_hours": "48", "cure_days": "20"},
        expected_version=original.version,
    )
    _generate(setting, original)

    amendment = drafting.draft_agreement(
        actor=setting["actor"],
        organisation=setting["organisation"],
        flows=[flow],
        template=make_template_version(TemplateKind.RENEWAL_AMENDMENT).template,
        terms=_terms(title="Renewal"),
        today=TODAY,
        renews=original,
    )

    assert amendment.parameters["breach_notice_hours"] == 48
    assert amendment.parameters["cure_days"] == 20


def test_generated_file_says_what_it_is_in_its_document_properties(setting):
    import io

    agreement = _generate(setting, _draft(setting, [_plain_flow(setting["organisation"])]))

    properties = Document(io.BytesIO(files.read(agreement.generated_file))).core_properties
    assert properties.title == "Data protection agreement"
    assert properties.keywords == agreement.number
    assert agreement.number in properties.subject
    assert "Peña & Hijos <S.A.>" in properties.subject
