"""Create incident_updates: what a vendor adds to an incident after reporting it."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


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


def downgrade():
    op.drop_index("ix_incident_updates_incident_id_created_at", table_name="incident_updates")
    op.drop_table("incident_updates")
