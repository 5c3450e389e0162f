"""Add the author, the source version and the data file's digest to policy_versions."""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('based_on_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('source_sha256', sa.String(length=64), nullable=False, server_default='')
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_policy_versions_created_by_id_users'),
            'users', ['created_by_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_policy_versions_based_on_id_policy_versions'),
            'policy_versions', ['based_on_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.alter_column('source_sha256', server_default=None)


def downgrade():
    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_policy_versions_based_on_id_policy_versions'), type_='foreignkey'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_policy_versions_created_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('source_sha256')
        batch_op.drop_column('based_on_id')
        batch_op.drop_column('created_by_id')
