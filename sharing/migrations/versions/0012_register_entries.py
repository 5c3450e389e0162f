"""Create and fill register_entries, the public register's listing."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The register's rule as it stands at this revision (register.queries.public_clause): an
# approved, published flow whose organisation has an agreement in force naming a revision of
# the flow's lineage.
BACKFILL = """
    INSERT INTO register_entries (flow_id)
    SELECT f.id
      FROM data_flows f
     WHERE f.status = 'approved'
       AND f.published = :published
       AND EXISTS (
           SELECT 1
             FROM agreements a
             JOIN agreement_flows af ON af.agreement_id = a.id
             JOIN data_flows r ON r.id = af.flow_id
            WHERE a.status IN ('active', 'expiring')
              AND a.organisation_id = f.organisation_id
              AND r.lineage_id = f.lineage_id
       )
"""


def upgrade():
    op.create_table(
        "register_entries",
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["data_flows.id"],
            name=op.f("fk_register_entries_flow_id_data_flows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flow_id", name=op.f("pk_register_entries")),
    )
    op.get_bind().execute(sa.text(BACKFILL), {"published": True})


def downgrade():
    op.drop_table("register_entries")
