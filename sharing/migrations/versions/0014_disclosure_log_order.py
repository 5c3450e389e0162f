"""An index in the disclosure log's default order (newest first, then by id): the first page
reads 25 index entries instead of sorting every entry of the latest day (issue 8).

The date index beside it leads with the same column but goes on to the last date of a
recurring disclosure, which the accounting's date ranges need; the id after the date is what
the log's order needs.

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


def upgrade():
    op.create_index("ix_disclosures_disclosed_on_id", "disclosures", ["disclosed_on", "id"])


def downgrade():
    op.drop_index("ix_disclosures_disclosed_on_id", table_name="disclosures")
