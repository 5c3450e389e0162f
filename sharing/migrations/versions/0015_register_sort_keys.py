"""Keep the register's sort keys, filter ids and search text on register_entries."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLUMNS = (
    ("organisation_id", sa.Integer()),
    ("department_id", sa.Integer()),
    ("organisation_name", sa.String(length=200)),
    ("department_name", sa.String(length=120)),
    ("system_name", sa.String(length=200)),
    ("search_text", sa.Text()),
)

INDEXES = (
    ("ix_register_entries_organisation_name_flow_id", ["organisation_name", "flow_id"]),
    ("ix_register_entries_department_name_flow_id", ["department_name", "flow_id"]),
    ("ix_register_entries_system_name_flow_id", ["system_name", "flow_id"]),
    ("ix_register_entries_organisation_id_flow_id", ["organisation_id", "flow_id"]),
    ("ix_register_entries_department_id_flow_id", ["department_id", "flow_id"]),
)

# The keys as sharing/register/changelog.KEYS computes them at this revision: the search text
# is the five columns the register's search compares, each lower-cased by the database, one
# per line.
BACKFILL = """
    UPDATE register_entries
       SET organisation_id = f.organisation_id,
           department_id = f.department_id,
           organisation_name = o.legal_name,
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


def upgrade():
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.get_bind().execute(sa.text(BACKFILL), {"sep": "\n"})
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        for index_name, columns in INDEXES:
            batch_op.create_index(index_name, columns)


def downgrade():
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        for index_name, _ in INDEXES:
            batch_op.drop_index(index_name)
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
