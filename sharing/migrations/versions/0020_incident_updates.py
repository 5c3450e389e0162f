"""Create incident_updates; fold the register's sort and search keys (no case, no accents)."""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


# The register's keys as sharing/register/changelog.listing_keys computes them at this
# revision, copied so that the migration keeps its meaning when the code moves on.
UNSPLIT = str.maketrans(
    {"đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th"}
)
SOURCES = """
    SELECT e.flow_id, o.legal_name, o.common_name, d.name, f.system_name, f.purposes
      FROM register_entries e
      JOIN data_flows f ON f.id = e.flow_id
      JOIN organisations o ON o.id = f.organisation_id
      JOIN departments d ON d.id = f.department_id
"""
REWRITE = """
    UPDATE register_entries
       SET organisation_name = :organisation_name, department_name = :department_name,
           system_name = :system_name, search_text = :search_text
     WHERE flow_id = :flow_id
"""
# The keys as migration 0015 wrote them: legal names as typed, search text lower-cased.
UNFOLDED = """
    UPDATE register_entries
       SET organisation_name = o.legal_name,
           department_name = d.name,
           system_name = f.system_name,
           search_text = lower(f.system_name) || :sep || lower(f.purposes)
                         || :sep || lower(o.legal_name) || :sep || lower(o.common_name)
                         || :sep || lower(d.name)
      FROM data_flows f
      JOIN organisations o ON o.id = f.organisation_id
      JOIN departments d ON d.id = f.department_id
     WHERE f.id = register_entries.flow_id
"""


def fold(text):
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(UNSPLIT)


def folded_keys(row):
    flow_id, legal, common, department, system, purposes = row
    searched = (system, purposes, legal, common, department)
    return {
        "flow_id": flow_id,
        "organisation_name": fold(common or legal)[:200],
        "department_name": fold(department)[:120],
        "system_name": fold(system)[:200],
        "search_text": "\n".join(fold(text) for text in searched),
    }


def upgrade():
    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "author_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("affected_individuals", sa.Integer(), nullable=True),
        sa.Column("containment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_incident_updates_incident_id_created_at",
        "incident_updates",
        ["incident_id", "created_at"],
    )
    bind = op.get_bind()
    rows = [folded_keys(row) for row in bind.execute(sa.text(SOURCES))]
    if rows:
        bind.execute(sa.text(REWRITE), rows)


def downgrade():
    op.get_bind().execute(sa.text(UNFOLDED), {"sep": "\n"})
    op.drop_index("ix_incident_updates_incident_id_created_at", table_name="incident_updates")
    op.drop_table("incident_updates")
