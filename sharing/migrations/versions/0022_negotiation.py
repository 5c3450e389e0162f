"""Create returned_copies and deviations; keep accepted exceptions on each agreement."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _user(column):
    return sa.Column(column, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def upgrade():
    # A plain ADD COLUMN, never a batch copy (see 0016: a rebuild of agreements cascades).
    op.add_column(
        "agreements", sa.Column("exceptions", JSON, nullable=False, server_default="{}")
    )
    op.create_table(
        "returned_copies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agreement_id",
            sa.Integer(),
            sa.ForeignKey("agreements.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("generated_sha256", sa.String(64), nullable=False),
        sa.Column("redline_name", sa.String(64), nullable=True),
        sa.Column("clauses_found", sa.Integer(), nullable=False),
        sa.Column("status", _enum("returnstatus", "open", "decided", "superseded"), nullable=False),
        _user("uploaded_by_id"),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("agreement_id", "round"),
    )
    op.create_index("ix_returned_copies_agreement_id", "returned_copies", ["agreement_id"])
    op.create_index("ix_returned_copies_status", "returned_copies", ["status"])
    op.create_table(
        "deviations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "returned_copy_id",
            sa.Integer(),
            sa.ForeignKey("returned_copies.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("heading", sa.String(400), nullable=False),
        sa.Column(
            "kind",
            _enum("deviationkind", "weakened", "removed", "added", "strengthened", "wording"),
            nullable=False,
        ),
        sa.Column("before_text", sa.Text(), nullable=False),
        sa.Column("after_text", sa.Text(), nullable=False),
        sa.Column("parameter_name", sa.String(64), nullable=True),
        sa.Column("parameter_label", sa.String(200), nullable=False),
        sa.Column("parameter_unit", sa.String(32), nullable=False),
        sa.Column("parameter_before", sa.Integer(), nullable=True),
        sa.Column("parameter_after", sa.Integer(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column(
            "decision",
            _enum("decision", "undecided", "parameter", "exception", "rejected"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        _user("decided_by_id"),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_deviations_returned_copy_id", "deviations", ["returned_copy_id"])
    op.create_index("ix_deviations_decision_code", "deviations", ["decision", "code"])


def downgrade():
    op.drop_table("deviations")
    op.drop_table("returned_copies")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE agreements DROP COLUMN exceptions")
    else:
        op.drop_column("agreements", "exceptions")
