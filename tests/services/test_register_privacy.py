"""The register privacy test: with every private text column of the demo database filled with
a marker, no marker reaches the public register's pages, its algorithm pages, its open-data
feeds, their schemas or the data.json catalog. (Algorithm records' public columns are filled
too: their pages read only the snapshot taken at approval.)"""

from __future__ import annotations

from sqlalchemy import JSON, Enum, Integer, String, cast, literal, select, update

from sharing.algorithms.models import FactSheet
from sharing.core.clock import now, today
from sharing.core.models import Base
from sharing.demo.seed import seed_demo
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register.fields import PUBLIC_SOURCES
from sharing.register.schemas import FEEDS

MARK = "zqm"
MIN_LENGTH = 16  # room for the marker and a row id
SECRET_NUMBER = 918273645
# The changelog summary is written from public fields when the change happens; the audit
# trail is append-only (a database trigger refuses updates) and no public page reads it.
NOT_FILLED = {"register_changes", "alembic_version", "audit_events"}


def _text_columns():
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_FILLED:
            continue
        for column in table.columns:
            if f"{table.name}.{column.name}" in PUBLIC_SOURCES:
                continue
            if column.primary_key or column.foreign_keys or isinstance(column.type, Enum):
                continue
            if not isinstance(column.type, String):
                continue
            if column.type.length is not None and column.type.length < MIN_LENGTH:
                continue
            yield table, column


def _fill_private_columns() -> dict[str, str]:
    """Write a marker (per column, plus the row id) into every private text column."""
    markers: dict[str, str] = {}
    for number, (table, column) in enumerate(_text_columns()):
        prefix = f"{MARK}{number:04d}q"
        markers[prefix] = f"{table.name}.{column.name}"
        value = literal(prefix)
        if "id" in table.c and isinstance(table.c.id.type, Integer):
            value = value.concat(cast(table.c.id, String(12)))
        db.session.execute(update(table).values({column.name: value}))
    for flow in db.session.scalars(select(DataFlow)):
        flow.risk_factors = [f"{MARK}risk"]
        flow.estimated_records = SECRET_NUMBER
        flow.subprocessors = [
            {**entry, "contact": f"{MARK}subcontact", "notes": f"{MARK}subnotes"}
            for entry in flow.subprocessors or []
        ] + [{"name": "Marker host", "email": f"{MARK}subemail@example.org"}]
    markers[f"{MARK}risk"] = "data_flows.risk_factors"
    markers[f"{MARK}sub"] = "data_flows.subprocessors (private keys)"
    # A fact sheet's answers are private whatever their topic.
    db.session.execute(update(FactSheet).values(answers={"intended_use": f"{MARK}answer"}))
    markers[f"{MARK}answer"] = "fact_sheets.answers"
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, JSON) and column.name in ("certifications",):
                db.session.execute(update(table).values({column.name: [f"{MARK}cert"]}))
    db.session.commit()
    return markers


def _public_texts(client) -> dict[str, str]:
    texts: dict[str, str] = {}
    for url in (
        "/register/register.csv",
        "/register/register.json",
        "/register/changes",
        "/register/changes.csv",
        "/register/changes.json",
        "/register/algorithms?per_page=100",
        "/register/algorithms.csv",
        "/register/algorithms.json",
        "/register/data.json",
        *(f"/register/schemas/{name}.json" for name in FEEDS),
    ):
        texts[url] = _get(client, url)
    for row in client.get("/register/algorithms.json").get_json()["algorithms"]:
        url = f"/register/algorithms/{row['algorithm_id']}"
        texts[url] = _get(client, url)
    arrangements = client.get("/register/register.json").get_json()["arrangements"]
    pages = -(-len(arrangements) // 100) or 1
    for page in range(1, pages + 1):
        url = f"/register/?per_page=100&page={page}"
        texts[url] = _get(client, url)
    for row in arrangements:
        url = f"/register/{row['arrangement_id']}"
        texts[url] = _get(client, url)
    return texts


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_no_private_column_of_the_demo_database_reaches_the_public_register(app, client):
    """Index, every detail page, CSV and JSON feeds and the changelog hold only public fields."""
    seed_demo(today=today(), now=now())
    markers = _fill_private_columns()
    assert "contacts.email" in markers.values()
    assert "organisations.notes" in markers.values()
    assert "data_flows.description" in markers.values()
    texts = _public_texts(client)
    assert len(texts) > 10, "the demo set should publish several arrangements"
    leaks = sorted(
        (url, markers.get(text[text.index(MARK) : text.index(MARK) + 8], "?"))
        for url, text in texts.items()
        if MARK in text
    )
    assert leaks == []
    assert not [url for url, text in texts.items() if str(SECRET_NUMBER) in text]
