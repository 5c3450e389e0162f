"""Index the evidence list's sort (newest first)."""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_evidence_files_uploaded_at_id", "evidence_files", ["uploaded_at", "id"])


def downgrade():
    op.drop_index("ix_evidence_files_uploaded_at_id", table_name="evidence_files")
