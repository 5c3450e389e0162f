"""Mark the concern form's submissions that filled the hidden field, so they can be counted."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("concern_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trapped", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("concern_attempts", schema=None) as batch_op:
        batch_op.drop_column("trapped")
