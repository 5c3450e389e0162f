"""Index the disclosure log's default order and agreements.successor_id."""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_disclosures_disclosed_on_id", "disclosures", ["disclosed_on", "id"]),
    ("ix_agreements_successor_id", "agreements", ["successor_id"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
