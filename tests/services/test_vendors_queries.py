"""The organisation list query: search, each filter, sorting, computed columns, vendor scope."""

from __future__ import annotations

import itertools

import pytest
from werkzeug.datastructures import MultiDict

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.extensions import db
from sharing.flows.models import FlowStatus, RiskTier
from sharing.reports.organisations import OrganisationFilters, organisations_query
from sharing.vendors.models import OrganisationKind, OrganisationStatus
from tests.factories import make_contact, make_department, make_flow, make_organisation, make_user

pytestmark = pytest.mark.usefixtures("app")
_numbers = itertools.count(1)


def make_agreement(organisation, status: AgreementStatus) -> Agreement:
    agreement = Agreement(
        number=f"DSA-Q-{next(_numbers):04d}", organisation_id=organisation.id, status=status
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement


def names(**args) -> list[str]:
    filters = OrganisationFilters.from_args(MultiDict(args))
    return [org.legal_name for org in db.session.scalars(organisations_query(filters))]


# Search ------------------------------------------------------------------------------


def test_search_matches_legal_and_common_names_case_insensitively():
    make_organisation(legal_name="Bright Path Tutoring LLC", common_name="BrightPath")
    make_organisation(legal_name="Cedar Labs", common_name="Cedar")
    assert names(q="bright path") == ["Bright Path Tutoring LLC"]
    assert names(q="brightpath") == ["Bright Path Tutoring LLC"]


def test_search_matches_each_identifier():
    make_organisation(legal_name="A", ein="12-3456789")
    make_organisation(legal_name="B", duns="001234567")
    make_organisation(legal_name="C", state_registration="C7654321")
    assert names(q="12-3456789") == ["A"]
    assert names(q="123456789") == ["A"]  # the EIN typed without its hyphen
    assert names(q="001234567") == ["B"]
    assert names(q="c7654321") == ["C"]


def test_search_matches_a_contact_email():
    org = make_organisation(legal_name="Quiet Name")
    make_contact(org, email="dpo@quiet.example")
    make_organisation(legal_name="Other")
    assert names(q="dpo@quiet") == ["Quiet Name"]


def test_search_treats_wildcards_as_text():
    make_organisation(legal_name="100% Recycled")
    make_organisation(legal_name="Plain")
    assert names(q="%") == ["100% Recycled"]


# Filters -----------------------------------------------------------------------------


def test_kind_and_status_filters():
    make_organisation(legal_name="Agency", kind=OrganisationKind.PUBLIC_AGENCY)
    make_organisation(legal_name="Active Vendor", status=OrganisationStatus.ACTIVE)
    make_organisation(legal_name="New Vendor")
    assert names(kind="public_agency") == ["Agency"]
    assert names(status="active") == ["Active Vendor"]
    assert names(kind="vendor", status="prospective") == ["New Vendor"]


def test_department_filter_keeps_organisations_with_its_current_flows():
    parks, police = make_department(name="Parks"), make_department(name="Police")
    make_flow(make_organisation(legal_name="Parks Vendor"), department_id=parks.id)
    make_flow(make_organisation(legal_name="Police Vendor"), department_id=police.id)
    old = make_organisation(legal_name="Former Parks Vendor")
    make_flow(old, department_id=parks.id, status=FlowStatus.SUPERSEDED)
    assert names(department=str(parks.id)) == ["Parks Vendor"]


def test_risk_filter_uses_the_highest_tier_of_current_unretired_flows():
    mixed = make_organisation(legal_name="Mixed")
    make_flow(mixed, risk_tier=RiskTier.LOW)
    make_flow(mixed, risk_tier=RiskTier.HIGH)
    retired = make_organisation(legal_name="Retired Critical")
    make_flow(retired, risk_tier=RiskTier.LOW)
    make_flow(retired, risk_tier=RiskTier.CRITICAL, status=FlowStatus.RETIRED)
    make_flow(retired, risk_tier=RiskTier.CRITICAL, status=FlowStatus.SUPERSEDED)
    assert names(risk="high") == ["Mixed"]
    assert names(risk="low") == ["Retired Critical"]
    assert names(risk="critical") == []


def test_agreement_filter_separates_organisations_with_an_agreement_in_force():
    make_agreement(make_organisation(legal_name="Signed"), AgreementStatus.ACTIVE)
    make_agreement(make_organisation(legal_name="Expiring"), AgreementStatus.EXPIRING)
    make_agreement(make_organisation(legal_name="Lapsed"), AgreementStatus.EXPIRED)
    make_organisation(legal_name="Never")
    assert names(agreement="active", sort="name") == ["Expiring", "Signed"]
    assert names(agreement="none", sort="name") == ["Lapsed", "Never"]


def test_unknown_filter_values_are_ignored():
    """A hand-edited query string shows the unfiltered list instead of failing."""
    make_organisation(legal_name="Only")
    filters = OrganisationFilters.from_args(
        MultiDict({"kind": "x", "risk": "extreme", "department": "abc", "sort": "-nope"})
    )
    assert (filters.kind, filters.risk, filters.department, filters.sort) == ("", "", None, "name")
    assert not filters.narrowed
    assert names(kind="x") == ["Only"]


# Computed columns and sorting ----------------------------------------------------------


def test_rows_carry_the_current_flow_count_and_highest_risk():
    org = make_organisation()
    first = make_flow(org, risk_tier=RiskTier.MEDIUM, status=FlowStatus.APPROVED)
    # A newer revision of the same flow under review counts once; its older copy is history.
    make_flow(org, lineage_id=first.lineage_id, revision=2, risk_tier=RiskTier.HIGH)
    make_flow(org, status=FlowStatus.SUPERSEDED, risk_tier=RiskTier.CRITICAL)
    [row] = db.session.scalars(organisations_query(OrganisationFilters()))
    assert (row.flow_count, row.highest_risk) == (1, "high")


def test_sorting_by_name_flows_and_risk():
    low = make_organisation(legal_name="Alpha")
    make_flow(low, risk_tier=RiskTier.LOW)
    high = make_organisation(legal_name="Bravo")
    make_flow(high, risk_tier=RiskTier.CRITICAL)
    make_flow(high, risk_tier=RiskTier.LOW)
    make_organisation(legal_name="Charlie")
    assert names(sort="-name") == ["Charlie", "Bravo", "Alpha"]
    assert names(sort="-flows") == ["Bravo", "Alpha", "Charlie"]
    assert names(sort="risk") == ["Charlie", "Alpha", "Bravo"]


def test_vendor_viewer_sees_only_their_organisation():
    mine = make_organisation(legal_name="Mine")
    make_organisation(legal_name="Theirs")
    vendor = make_user("vendor", organisation_id=mine.id)
    rows = db.session.scalars(organisations_query(OrganisationFilters(), viewer=vendor)).all()
    assert [org.legal_name for org in rows] == ["Mine"]


def test_filters_round_trip_through_query_arguments():
    """Export links carry the list's filters; reading them back gives the same filters."""
    args = {"q": "acme", "kind": "vendor", "risk": "high", "agreement": "none", "sort": "-risk"}
    filters = OrganisationFilters.from_args(MultiDict(args))
    assert filters.as_args() == args
    assert OrganisationFilters.from_args(MultiDict(filters.as_args())) == filters
