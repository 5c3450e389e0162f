"""The open-data JSON feeds validate against the JSON Schemas the register publishes, the
schemas are generated from the declared field lists, and /register/data.json validates
against the official DCAT-US 1.1 schema (tests/data/dcat_us_1_1/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from sharing.algorithms.public import FIELD_NAMES as ALGORITHM_FIELD_NAMES
from sharing.register.fields import FIELD_NAMES, SCHEMA_VERSION
from tests.factories import make_algorithm
from tests.web.tables.register import make_arrangement

DCAT = Path(__file__).parent.parent / "data" / "dcat_us_1_1"
FEEDS = {
    "register": ("/register/register.json", "arrangements"),
    "changes": ("/register/changes.json", "changes"),
    "algorithms": ("/register/algorithms.json", "algorithms"),
}


def _some_of_everything():
    flow = make_arrangement(
        includes_minors=True,
        automated_decisions=True,
        automated_decision_description="Ranks applications",
        public_summary_es="Resumen",
    )
    make_algorithm(flow.organisation, (flow,), approved=True)
    make_algorithm(flow.organisation, (flow,), approved=True, retired_on=None, risk_tier=None)
    return flow


def _schema(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/schema+json"
    return response.get_json(force=True)


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_json_feed_validates_against_the_schema_it_names(client, name):
    """The feed's describedBy is its published schema, and the feed validates against it."""
    _some_of_everything()
    url, key = FEEDS[name]
    body = client.get(url).get_json()
    assert body[key], "the feed should hold records for the check to mean something"
    assert body["describedBy"].endswith(f"/register/schemas/{name}-{body['schema_version']}.json")
    path = body["describedBy"].split("://", 1)[1].split("/", 1)[1]
    schema = _schema(client, f"/{path}")
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(body)] == []


def test_a_record_with_a_field_outside_the_declared_list_fails_its_schema(client):
    """The schema forbids extra keys, so a leak of an undeclared column cannot validate."""
    _some_of_everything()
    body = client.get("/register/algorithms.json").get_json()
    body["algorithms"][0]["owner_name"] = "Someone"
    schema = _schema(client, "/register/schemas/algorithms.json")
    assert not Draft202012Validator(schema).is_valid(body)


def test_the_schemas_are_generated_from_the_declared_field_lists(client):
    """Each record schema names exactly the declared fields, in order, all required."""
    register = _schema(client, "/register/schemas/register.json")["$defs"]["record"]
    assert tuple(register["properties"]) == FIELD_NAMES
    assert tuple(register["required"]) == FIELD_NAMES
    algorithms = _schema(client, "/register/schemas/algorithms.json")["$defs"]["record"]
    assert tuple(algorithms["properties"]) == ALGORITHM_FIELD_NAMES


def test_the_version_1_0_schema_is_still_published_without_the_fields_added_in_1_1(client):
    """A stable URL per version: 1.0 keeps the eleven original fields, latest is 1.2."""
    old = _schema(client, "/register/schemas/register-1.0.json")
    assert old["properties"]["schema_version"] == {"const": "1.0"}
    assert "legal_authority" not in old["$defs"]["record"]["properties"]
    assert "arrangement_id" in old["$defs"]["record"]["properties"]
    latest = _schema(client, "/register/schemas/register.json")
    assert latest["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    assert latest["$id"].endswith(f"/register/schemas/register-{SCHEMA_VERSION}.json")


@pytest.mark.parametrize("name", ["nothing", "register-9.9", "register-1", "../register"])
def test_unknown_schemas_are_not_found(client, name):
    """Only the feeds' own names and versions are served."""
    assert client.get(f"/register/schemas/{name}.json").status_code == 404


def _dcat_validator(*, federal: bool) -> Draft4Validator:
    """The official DCAT-US 1.1 schema; without `federal`, bureauCode and programCode are
    not required, as the standard's text says for non-federal publishers (README.md)."""
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in DCAT.glob("*.json")}
    if not federal:
        dataset = copy.deepcopy(schemas["dataset.json"])
        dataset["required"] = [
            n for n in dataset["required"] if n not in {"bureauCode", "programCode"}
        ]
        schemas["dataset.json"] = dataset
    registry = Registry().with_resources(
        (schema["id"].rstrip("#"), Resource(contents=schema, specification=DRAFT4))
        for schema in schemas.values()
    )
    return Draft4Validator(
        schemas["catalog.json"],
        registry=registry,
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


def test_the_vendored_dcat_schema_files_are_the_official_ones():
    """The five files are present and name their official URLs (kept byte for byte)."""
    ids = {json.loads(p.read_text(encoding="utf-8"))["id"] for p in sorted(DCAT.glob("*.json"))}
    assert ids == {
        f"https://project-open-data.cio.gov/v1.1/schema/{name}.json#"
        for name in ("catalog", "dataset", "distribution", "organization", "vcard")
    }


def test_data_json_is_a_valid_dcat_us_catalog_of_the_three_datasets(client):
    """data.json validates, lists the register, its changes and the algorithms, and each
    JSON distribution names its published schema."""
    _some_of_everything()
    response = client.get("/register/data.json")
    assert response.mimetype == "application/json"
    catalog = response.get_json()
    errors = [e.message for e in _dcat_validator(federal=False).iter_errors(catalog)]
    assert errors == []
    titles = [d["title"] for d in catalog["dataset"]]
    assert titles == [
        "Public register of data-sharing arrangements",
        "Changes to the public register of data-sharing arrangements",
        "Public register of algorithms",
    ]
    for dataset in catalog["dataset"]:
        (json_download,) = [d for d in dataset["distribution"] if d["format"] == "JSON"]
        assert json_download["describedBy"] == dataset["describedBy"]
        assert "/register/schemas/" in dataset["describedBy"]
        assert dataset["contactPoint"]["hasEmail"] == "mailto:digitalprivacy@sanjoseca.gov"
        assert dataset["publisher"]["name"] == "City of San José"
        assert "bureauCode" not in dataset


def test_data_json_without_the_federal_codes_fails_the_unmodified_schema(client):
    """The adjustment for non-federal publishers is what lets the city's catalog pass: the
    official schema as published requires bureauCode and programCode."""
    catalog = client.get("/register/data.json").get_json()
    assert not _dcat_validator(federal=True).is_valid(catalog)


def test_data_json_takes_publisher_contact_license_and_federal_codes_from_settings(app, client):
    """With the settings filled, the catalog names them and passes the unmodified schema."""
    app.config.update(
        REGISTER_PUBLISHER="Example County",
        REGISTER_CONTACT_NAME="Open Data Team",
        REGISTER_CONTACT_EMAIL="opendata@example.org",
        REGISTER_LICENSE="https://opendatacommons.org/licenses/pddl/1-0/",
        REGISTER_BUREAU_CODE="015:11",
        REGISTER_PROGRAM_CODE="015:001",
    )
    catalog = client.get("/register/data.json").get_json()
    assert [e.message for e in _dcat_validator(federal=True).iter_errors(catalog)] == []
    dataset = catalog["dataset"][0]
    assert dataset["publisher"]["name"] == "Example County"
    assert dataset["contactPoint"] == {
        "@type": "vcard:Contact",
        "fn": "Open Data Team",
        "hasEmail": "mailto:opendata@example.org",
    }
    assert dataset["license"] == "https://opendatacommons.org/licenses/pddl/1-0/"
    assert dataset["bureauCode"] == ["015:11"] and dataset["programCode"] == ["015:001"]
