"""Add data_flows.started_on and index data_flows.updated_at for the flow list's sort."""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # The flow list sorts by last change by default.
    with op.batch_alter_table('data_flows', schema=None) as batch_op:
        batch_op.create_index('ix_data_flows_updated_at', ['updated_at'], unique=False)
        # When personal information first flowed, or is planned to (imported from spreadsheets).
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('data_flows', schema=None) as batch_op:
        batch_op.drop_column('started_on')
        batch_op.drop_index('ix_data_flows_updated_at')
