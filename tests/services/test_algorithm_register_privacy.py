"""The algorithm register's leak test: with a marker in every column of an algorithm record,
its review conversation, its fact sheet (answers, signer, review) and the fact sheet's
evidence file, and in every private column of the flow it uses, no private marker and no edit
made after approval reaches any public page or feed; the approved public values do."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Enum, String

from sharing.algorithms.models import (
    Algorithm,
    AlgorithmComment,
    FactSheet,
    FactSheetEvidence,
)
from sharing.algorithms.public import PUBLIC_SOURCES as ALGORITHM_SOURCES
from sharing.core.clock import today
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register.fields import PUBLIC_SOURCES as ARRANGEMENT_SOURCES
from sharing.register.schemas import FEEDS
from tests.factories import make_algorithm
from tests.web.tables.register import make_arrangement

PRIVATE = "qprv"  # in columns no public page may show
EDITED = "qedt"  # in public columns edited after the approval, not yet approved again
APPROVED = "qpub"  # in public columns at the approval: these must show


def _text_columns(model):
    for column in model.__table__.columns:
        if column.primary_key or column.foreign_keys or isinstance(column.type, Enum):
            continue
        if isinstance(column.type, String) and (column.type.length or 999) >= 12:
            yield column


def _values(model, prefix: str, *, public: frozenset[str], which: bool) -> dict[str, str]:
    """A marker per text column of `model`, for its public columns (which=True) or the others."""
    table = model.__tablename__
    return {
        c.name: f"{prefix}{table[:4]}{c.name}"[: c.type.length or 999]
        for c in _text_columns(model)
        if (f"{table}.{c.name}" in public) == which
    }


def _set_up() -> tuple[DataFlow, Algorithm, dict[str, str]]:
    flow = make_arrangement(**_values(DataFlow, PRIVATE, public=ARRANGEMENT_SOURCES, which=False))
    approved_values = _values(Algorithm, APPROVED, public=ALGORITHM_SOURCES, which=True)
    algorithm = make_algorithm(
        flow.organisation,
        (flow,),
        approved=True,
        **approved_values,
        **_values(Algorithm, PRIVATE, public=ALGORITHM_SOURCES, which=False),
    )
    db.session.add(AlgorithmComment(algorithm_id=algorithm.id, body=f"{PRIVATE}comment"))
    sheet = FactSheet(
        algorithm_id=algorithm.id,
        organisation_id=algorithm.organisation_id,
        due_date=today() + timedelta(days=30),
        answers={"intended_use": f"{PRIVATE}answer", "training_data": f"{PRIVATE}training"},
        **_values(FactSheet, PRIVATE, public=frozenset(), which=False),
    )
    db.session.add(sheet)
    db.session.flush()
    db.session.add(
        FactSheetEvidence(
            fact_sheet_id=sheet.id,
            organisation_id=algorithm.organisation_id,
            original_name=f"{PRIVATE}bias-audit.pdf",
            description=f"{PRIVATE}evidence",
            stored_name="0" * 64,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        )
    )
    # Edits after the approval, waiting for the next review.
    for name, value in approved_values.items():
        setattr(algorithm, name, value.replace(APPROVED, EDITED))
    db.session.commit()
    return flow, algorithm, approved_values


def _public_texts(client, flow: DataFlow, algorithm: Algorithm) -> dict[str, str]:
    urls = [
        "/register/",
        f"/register/{flow.lineage_id}",
        f"/register/{flow.lineage_id}?lang=es",
        "/register/register.csv",
        "/register/register.json",
        "/register/changes",
        "/register/changes.csv",
        "/register/changes.json",
        "/register/algorithms",
        f"/register/algorithms/{algorithm.id}",
        f"/register/algorithms/{algorithm.id}?lang=es",
        f"/register/algorithms/{algorithm.id}?lang=vi",
        "/register/algorithms.csv",
        "/register/algorithms.json",
        "/register/data.json",
    ]
    for feed in FEEDS.values():
        urls += [f"/register/schemas/{feed.name}-{v}.json" for v in feed.versions]
        urls.append(f"/register/schemas/{feed.name}.json")
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.get_data(as_text=True)
    return texts


def test_no_private_or_unapproved_value_of_an_algorithm_reaches_the_public(client):
    """Every public page, feed, schema and data.json: no private marker, no unapproved edit."""
    flow, algorithm, approved_values = _set_up()
    texts = _public_texts(client, flow, algorithm)
    leaks = sorted(
        (url, marker)
        for url, text in texts.items()
        for marker in (PRIVATE, EDITED)
        if marker in text
    )
    assert leaks == []
    # The approved values do show: all of them in the downloads, the name everywhere.
    for value in approved_values.values():
        assert value in texts["/register/algorithms.csv"], value
        assert value in texts["/register/algorithms.json"], value
    name = approved_values["name"]
    for url in ("/register/algorithms", f"/register/{flow.lineage_id}", "/register/register.csv"):
        assert name in texts[url], url


def test_the_approved_tier_one_and_tier_two_values_are_on_the_algorithm_page(client):
    """The page shows every approved public value (the summary in the language chosen)."""
    flow, algorithm, approved_values = _set_up()
    texts = _public_texts(client, flow, algorithm)
    page = texts[f"/register/algorithms/{algorithm.id}"]
    in_other_language = {"summary_es", "summary_vi"}
    for name, value in approved_values.items():
        if name not in in_other_language:
            assert value in page, name
    assert approved_values["summary_es"] in texts[f"/register/algorithms/{algorithm.id}?lang=es"]
    assert approved_values["summary_vi"] in texts[f"/register/algorithms/{algorithm.id}?lang=vi"]
