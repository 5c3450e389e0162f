"""Create and fill disclosure_day_tallies; the disclosure indexes hold both dates."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Each single-column index gives way to one that also holds both dates; its first column
# serves the same look-ups as the single-column index.
INDEXES = {
    "ix_disclosures_disclosed_on": ("ix_disclosures_dates", ["disclosed_on", "last_disclosed_on"]),
    "ix_disclosures_organisation_id": (
        "ix_disclosures_organisation_dates",
        ["organisation_id", "disclosed_on", "last_disclosed_on"],
    ),
    "ix_disclosures_flow_id": (
        "ix_disclosures_flow_dates",
        ["flow_id", "disclosed_on", "last_disclosed_on"],
    ),
}

COUNTS = (
    "started_entries",
    "started_records",
    "started_exempt",
    "ended_entries",
    "ended_records",
    "ended_exempt",
)

# Each entry's first and last day, once for all entries (category 0) and once per category.
_SIDES = """
    SELECT 0 AS category_id, d.disclosed_on AS day, 1 AS se, COALESCE(d.record_count, 0) AS sr,
           CASE WHEN d.exempt THEN 1 ELSE 0 END AS sx, 0 AS ee, 0 AS er, 0 AS ex
      FROM disclosures d
    UNION ALL
    SELECT 0, COALESCE(d.last_disclosed_on, d.disclosed_on), 0, 0, 0, 1,
           COALESCE(d.record_count, 0), CASE WHEN d.exempt THEN 1 ELSE 0 END
      FROM disclosures d
    UNION ALL
    SELECT l.category_id, d.disclosed_on, 1, COALESCE(d.record_count, 0),
           CASE WHEN d.exempt THEN 1 ELSE 0 END, 0, 0, 0
      FROM disclosures d JOIN disclosure_categories l ON l.disclosure_id = d.id
    UNION ALL
    SELECT l.category_id, COALESCE(d.last_disclosed_on, d.disclosed_on), 0, 0, 0, 1,
           COALESCE(d.record_count, 0), CASE WHEN d.exempt THEN 1 ELSE 0 END
      FROM disclosures d JOIN disclosure_categories l ON l.disclosure_id = d.id
"""
BACKFILL = f"""
INSERT INTO disclosure_day_tallies (category_id, day, {", ".join(COUNTS)})
SELECT category_id, day, SUM(se), SUM(sr), SUM(sx), SUM(ee), SUM(er), SUM(ex)
  FROM ({_SIDES}) AS sides
 GROUP BY category_id, day
"""


def upgrade():
    op.create_table(
        "disclosure_day_tallies",
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_entries", sa.Integer(), nullable=False),
        sa.Column("started_records", sa.BigInteger(), nullable=False),
        sa.Column("started_exempt", sa.Integer(), nullable=False),
        sa.Column("ended_entries", sa.Integer(), nullable=False),
        sa.Column("ended_records", sa.BigInteger(), nullable=False),
        sa.Column("ended_exempt", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("category_id", "day", name=op.f("pk_disclosure_day_tallies")),
    )
    for old, (new, columns) in INDEXES.items():
        op.drop_index(old, table_name="disclosures")
        op.create_index(new, "disclosures", columns)
    op.execute(BACKFILL)


def downgrade():
    for old, (new, columns) in INDEXES.items():
        op.drop_index(new, table_name="disclosures")
        op.create_index(old, "disclosures", columns[:1])
    op.drop_table("disclosure_day_tallies")
