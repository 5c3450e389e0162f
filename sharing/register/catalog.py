"""The register's DCAT-US 1.1 catalog (`/register/data.json`): the datasets it publishes (the
register, its changes, the algorithms), each with its downloads and their JSON Schemas, in the
form a city open-data portal harvests. Publisher, contact and license come from settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select

from sharing.algorithms.models import Algorithm
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register import public
from sharing.register.models import RegisterChange, RegisterEntry
from sharing.register.schemas import FEEDS

CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
CATALOG_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
SCHEMA_MEDIA_TYPE = "application/schema+json"

# name, title, description, keywords, page endpoint, CSV endpoint, JSON endpoint
DATASETS: tuple[tuple[str, str, str, tuple[str, ...], str, str, str], ...] = (
    (
        "register",
        "Public register of data-sharing arrangements",
        "The City's current data-sharing arrangements: which organization receives personal "
        "information, why, what kinds (never the information itself), how long it is kept "
        "and where, the legal authority, whose information it is, whether children are "
        "included, automated decisions and their human oversight.",
        ("privacy", "data sharing", "personal information", "transparency", "vendors"),
        "register.index",
        "register.feed_csv",
        "register.feed_json",
    ),
    (
        "changes",
        "Changes to the public register of data-sharing arrangements",
        "Each day an arrangement was added to or removed from the public register, and why.",
        ("privacy", "data sharing", "transparency", "changelog"),
        "register.changes",
        "register.changes_csv",
        "register.changes_json",
    ),
    (
        "algorithms",
        "Public register of algorithms",
        "The automated and predictive systems the City uses through vendors and partners: "
        "what each is for, the decisions it informs, human oversight, how to challenge a "
        "decision, the data it uses, accuracy and bias testing, limitations and equity review.",
        ("algorithms", "artificial intelligence", "automated decisions", "transparency"),
        "register.algorithms",
        "register.algorithms_csv",
        "register.algorithms_json",
    ),
)


def absolute_url(endpoint: str, **args: Any) -> str:
    """An absolute URL on the configured BASE_URL, never on the Host header a request sent,
    so the catalog and the schemas name the same addresses whoever asks."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}{url_for(endpoint, **args)}"


def schema_url(feed: str, version: str | None = None) -> str:
    """The absolute URL of a feed's JSON Schema: of that version, or of the current one."""
    return absolute_url("register.schema", name=f"{feed}-{version or FEEDS[feed].version}")


def settings() -> dict[str, Any]:
    """Publisher, contact, license and the federal codes, from the app's settings."""
    config = current_app.config
    return {
        "publisher": config["REGISTER_PUBLISHER"] or config["CITY_NAME"],
        "contact_name": config["REGISTER_CONTACT_NAME"] or config["CITY_PRIVACY_OFFICE_NAME"],
        "contact_email": config["REGISTER_CONTACT_EMAIL"] or config["CITY_PRIVACY_OFFICE_EMAIL"],
        "license": config["REGISTER_LICENSE"],
        "bureauCode": config["REGISTER_BUREAU_CODE"],
        "programCode": config["REGISTER_PROGRAM_CODE"],
    }


def last_modified(today: date) -> dict[str, date]:
    """The day each dataset last changed: its newest changelog entry or approval, else today."""
    register_changed = db.session.scalar(select(func.max(RegisterChange.changed_on)))
    approved = db.session.scalar(
        select(func.max(DataFlow.approved_at)).join(
            RegisterEntry, RegisterEntry.flow_id == DataFlow.id
        )
    )
    algorithm_approved = db.session.scalar(
        select(func.max(Algorithm.approved_at)).where(public.public_clause())
    )
    register_days = [d for d in (register_changed, approved and approved.date()) if d]
    return {
        "register": max(register_days, default=today),
        "changes": register_changed or today,
        "algorithms": algorithm_approved.date() if algorithm_approved else today,
    }


def catalog(*, today: date) -> dict[str, Any]:
    """The catalog as a JSON-ready dict, with absolute URLs on BASE_URL."""
    modified = last_modified(today)
    chosen = settings()
    publisher = {"@type": "org:Organization", "name": chosen["publisher"]}
    contact = {
        "@type": "vcard:Contact",
        "fn": chosen["contact_name"],
        "hasEmail": f"mailto:{chosen['contact_email']}",
    }
    url = absolute_url
    federal = {key: [chosen[key]] for key in ("bureauCode", "programCode") if chosen[key]}
    datasets = []
    for name, title, description, keywords, page, csv_endpoint, json_endpoint in DATASETS:
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "title": title,
                "description": description,
                "keyword": list(keywords),
                "modified": modified[name].isoformat(),
                "publisher": publisher,
                "contactPoint": contact,
                "identifier": url(page),
                "accessLevel": "public",
                **federal,
                "license": chosen["license"],
                "landingPage": url(page),
                "language": ["en-US"],
                "accrualPeriodicity": "R/P1D",
                "describedBy": schema_url(name),
                "describedByType": SCHEMA_MEDIA_TYPE,
                "distribution": _distributions(
                    title, url, csv_endpoint, json_endpoint, schema_url(name)
                ),
            }
        )
    return {
        "@context": CONTEXT,
        "@id": url("register.data_json"),
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": CATALOG_SCHEMA,
        "dataset": datasets,
    }


def _distributions(
    title: str, url: Callable[..., str], csv_endpoint: str, json_endpoint: str, schema: str
) -> list[dict[str, Any]]:
    """The CSV and the JSON download; the JSON names its schema (the CSV has the same
    columns as the JSON's records, described in the dataset's describedBy)."""
    return [
        {
            "@type": "dcat:Distribution",
            "title": f"{title} (CSV)",
            "downloadURL": url(csv_endpoint),
            "mediaType": "text/csv",
            "format": "CSV",
        },
        {
            "@type": "dcat:Distribution",
            "title": f"{title} (JSON)",
            "downloadURL": url(json_endpoint),
            "mediaType": "application/json",
            "format": "JSON",
            "describedBy": schema,
            "describedByType": SCHEMA_MEDIA_TYPE,
        },
    ]
