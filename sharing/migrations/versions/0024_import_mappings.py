"""Remember import column mappings by sheet headers; keep department suggestions on a job."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    # A plain ADD COLUMN: existing jobs have no suggestions waiting.
    op.add_column(
        "import_jobs", sa.Column("suggestions", JSON, nullable=False, server_default="[]")
    )
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_kind", sa.String(length=60), nullable=False),
        sa.Column("header_hash", sa.String(length=64), nullable=False),
        sa.Column("choices", JSON, nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["users.id"],
            name=op.f("fk_import_mappings_saved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint(
            "sheet_kind", "header_hash", name=op.f("uq_import_mappings_sheet_kind_header_hash")
        ),
    )


def downgrade():
    op.drop_table("import_mappings")
    op.drop_column("import_jobs", "suggestions")
