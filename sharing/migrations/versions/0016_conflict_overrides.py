"""Keep on each agreement the conflicts the privacy office accepted, with who and why."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# A plain ADD/DROP COLUMN, never a batch copy: on SQLite a batch operation rebuilds the
# agreements table, and dropping the old copy cascades to agreement_flows and the other tables
# that point at agreements.
def upgrade():
    op.add_column(
        "agreements",
        sa.Column("conflict_overrides", JSON, nullable=False, server_default="{}"),
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE agreements DROP COLUMN conflict_overrides")
    else:
        op.drop_column("agreements", "conflict_overrides")
