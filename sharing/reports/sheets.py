"""The sheets of the registry workbook: the columns each holds, its title, and how its
rows are loaded for export."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from sharing.core.columns import Column
from sharing.flows.models import DataFlow, FlowCategory
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.reports.organisation_columns import ORGANISATION_COLUMNS

SHEETS: dict[str, tuple[Column, ...]] = {
    "organisations": ORGANISATION_COLUMNS,
    "flows": FLOW_COLUMNS,
}
SHEET_TITLES = {"organisations": "Organizations", "flows": "Flows"}


def export_loaders() -> dict[str, list]:
    """Loader options for each sheet's query, so that value_of never triggers a query per row."""
    return {
        "organisations": [],
        "flows": [
            selectinload(DataFlow.organisation),
            selectinload(DataFlow.department),
            selectinload(DataFlow.categories).selectinload(FlowCategory.category),
        ],
    }
