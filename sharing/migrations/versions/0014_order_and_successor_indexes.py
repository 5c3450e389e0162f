"""Two indexes for pages at 100× data (issue 8).

- The disclosure log's default order (newest first, then by id): its first page reads 25
  index entries instead of sorting every entry of the latest day. The date index beside it
  leads with the same column but goes on to the last date of a recurring disclosure, which
  the accounting's date ranges need; the id after the date is what the log's order needs.
- An agreement's successor: the agreement page looks up the agreement it renewed
  (`successor_id` = this one), which read every agreement.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-21

"""

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
