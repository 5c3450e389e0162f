"""Create the reminders table and add the calendar feed token to users."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dedupe_key", sa.String(255), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("window", sa.String(64), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "recipients",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("dedupe_key", name="uq_reminders_dedupe_key"),
    )
    op.create_index("ix_reminders_object", "reminders", ["object_type", "object_id"])
    op.create_index("ix_reminders_kind", "reminders", ["kind"])
    op.create_index("ix_reminders_organisation_id", "reminders", ["organisation_id"])
    op.create_index("ix_reminders_created_at", "reminders", ["created_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("calendar_token_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("calendar_token_created_at", sa.DateTime(), nullable=True))
        batch.create_unique_constraint("uq_users_calendar_token_hash", ["calendar_token_hash"])


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_calendar_token_hash", type_="unique")
        batch.drop_column("calendar_token_created_at")
        batch.drop_column("calendar_token_hash")
    op.drop_table("reminders")
