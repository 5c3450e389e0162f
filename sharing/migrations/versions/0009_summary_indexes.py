"""Indexes for pages at 100× data (issue 8): the agreements list's default sort (last
changed first), and the dashboard's counts and charts, which read an index instead of the
table (agreements by status and expiry, attestation requests by status and due date, flows by
status and risk tier).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_agreements_updated_at_id", "agreements", ["updated_at", "id"]),
    ("ix_agreements_status_expiry_date", "agreements", ["status", "expiry_date"]),
    ("ix_attestation_requests_status_due_date", "attestation_requests", ["status", "due_date"]),
    ("ix_attestation_requests_due_date_status", "attestation_requests", ["due_date", "status"]),
    ("ix_data_flows_status_risk_tier", "data_flows", ["status", "risk_tier"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
