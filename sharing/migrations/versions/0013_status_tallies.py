"""Create and fill status_tallies, the privacy office dashboard's running counts."""

from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NO_DAY = date(1, 1, 1)  # the day of rows whose subject counts no date

# (subject, status, detail, day) of every row, grouped, as sharing/reports/tallies.py keys them.
BACKFILL = (
    "INSERT INTO status_tallies (subject, status, detail, day, n) "
    "SELECT 'agreement', status, '', :no_day, count(*) FROM agreements GROUP BY status",
    "INSERT INTO status_tallies (subject, status, detail, day, n) "
    "SELECT 'attestation', status, '', due_date, count(*) FROM attestation_requests "
    "GROUP BY status, due_date",
    "INSERT INTO status_tallies (subject, status, detail, day, n) "
    "SELECT 'flow', status, COALESCE(risk_tier, ''), :no_day, count(*) "
    "FROM data_flows GROUP BY status, COALESCE(risk_tier, '')",
)


def upgrade():
    op.create_table(
        "status_tallies",
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "subject", "status", "detail", "day", name=op.f("pk_status_tallies")
        ),
    )
    bind = op.get_bind()
    no_day = sa.bindparam("no_day", NO_DAY, type_=sa.Date())
    for statement in BACKFILL:
        sql = sa.text(statement)
        bind.execute(sql.bindparams(no_day) if ":no_day" in statement else sql)


def downgrade():
    op.drop_table("status_tallies")
