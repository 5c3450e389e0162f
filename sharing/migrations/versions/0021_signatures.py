"""Create signatures; give users and invitations the signer right (may_sign)."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

SIGNER_RIGHT = ("users", "invitations")


def upgrade():
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "party",
            sa.Enum("vendor", "city", name="party", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "signed",
                "declined",
                "returned",
                "lapsed",
                name="signaturestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_email", sa.String(length=254), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("document_file", sa.String(length=64), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_sha256", sa.String(length=64), nullable=False),
        sa.Column("typed_name", sa.String(length=120), nullable=False),
        sa.Column("typed_title", sa.String(length=120), nullable=False),
        sa.Column("consent_version", sa.String(length=16), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=512), nullable=False),
        sa.Column("signed_document_sha256", sa.String(length=64), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("lapsed_at", sa.DateTime(), nullable=True),
        sa.Column("lapse_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_signatures_agreement_id_agreements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_signatures_invitation_id_invitations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_signatures_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["users.id"],
            name=op.f("fk_signatures_signer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    op.create_index("ix_signatures_agreement_status", "signatures", ["agreement_id", "status"])
    op.create_index("ix_signatures_signer_status", "signatures", ["signer_id", "status"])
    # A plain ADD COLUMN, never a batch copy: on SQLite a batch operation rebuilds the table,
    # and dropping the old copy cascades to every table that points at users.
    for table in SIGNER_RIGHT:
        op.add_column(
            table,
            sa.Column("may_sign", sa.Boolean(), nullable=False, server_default=sa.false()),
        )


def downgrade():
    for table in SIGNER_RIGHT:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN may_sign")
        else:
            op.drop_column(table, "may_sign")
    op.drop_index("ix_signatures_signer_status", table_name="signatures")
    op.drop_index("ix_signatures_agreement_status", table_name="signatures")
    op.drop_table("signatures")
