"""Index the agreements list's default sort and the dashboards' counts and charts."""

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
    ("ix_data_flows_risk_tier_status", "data_flows", ["risk_tier", "status"]),
    ("ix_data_flows_status_submitted_at", "data_flows", ["status", "submitted_at"]),
    ("ix_data_flows_department_status_updated", "data_flows", ["department_id", "status", "updated_at"]),
    (
        "ix_agreements_department_status_sent",
        "agreements",
        ["department_id", "status", "sent_for_signature_at"],
    ),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
