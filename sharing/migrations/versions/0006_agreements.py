"""Add agreements.renews_id and sent_for_signature_at, and the template render time."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreement_template_versions") as batch:
        batch.add_column(sa.Column("render_seconds", sa.Float(), nullable=True))
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("renews_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sent_for_signature_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_agreements_renews_id", ["renews_id"])
        batch.create_foreign_key(
            "fk_agreements_renews_id_agreements",
            "agreements",
            ["renews_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("agreements") as batch:
        batch.drop_constraint("fk_agreements_renews_id_agreements", type_="foreignkey")
        batch.drop_index("ix_agreements_renews_id")
        batch.drop_column("sent_for_signature_at")
        batch.drop_column("renews_id")
    with op.batch_alter_table("agreement_template_versions") as batch:
        batch.drop_column("render_seconds")
