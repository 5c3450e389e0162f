"""Add the follow-up items the privacy office opens when it accepts a "no" answer."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attestation_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("obligation_code", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="followupstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["attestation_requests.id"],
            name=op.f("fk_attestation_follow_ups_request_id_attestation_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_attestation_follow_ups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_attestation_follow_ups_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attestation_follow_ups")),
        sa.UniqueConstraint(
            "request_id",
            "obligation_code",
            name=op.f("uq_attestation_follow_ups_request_id_obligation_code"),
        ),
    )
    op.create_index(
        op.f("ix_attestation_follow_ups_request_id"),
        "attestation_follow_ups",
        ["request_id"],
        unique=False,
    )
    op.create_index(
        "ix_attestation_follow_ups_status_created_at",
        "attestation_follow_ups",
        ["status", "created_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_attestation_follow_ups_status_created_at", "attestation_follow_ups")
    op.drop_index(op.f("ix_attestation_follow_ups_request_id"), "attestation_follow_ups")
    op.drop_table("attestation_follow_ups")
