"""Create general offers for adoption, adoptions' links to their base, and disposition directives."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "adoption_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "awaiting_consent",
                "open",
                "declined",
                "withdrawn",
                "ended",
                name="offerstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("department_ids", JSON, nullable=False),
        sa.Column("directions", JSON, nullable=False),
        sa.Column(
            "max_risk_tier",
            sa.Enum(
                "low", "medium", "high", "critical", name="risktier", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("available_until", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("offered_by_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
        sa.Column("consent_by_id", sa.Integer(), nullable=True),
        sa.Column("consent_name", sa.String(length=120), nullable=False),
        sa.Column("consent_title", sa.String(length=120), nullable=False),
        sa.Column("consent_version", sa.String(length=16), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=True),
        sa.Column("consent_ip", sa.String(length=64), nullable=False),
        sa.Column("consent_user_agent", sa.String(length=512), nullable=False),
        sa.Column("declined_reason", sa.Text(), nullable=False),
        sa.Column("declined_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_adoption_offers_agreement_id_agreements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_adoption_offers_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consent_by_id"],
            ["users.id"],
            name=op.f("fk_adoption_offers_consent_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offered_by_id"],
            ["users.id"],
            name=op.f("fk_adoption_offers_offered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_adoption_offers_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adoption_offers")),
    )
    with op.batch_alter_table("adoption_offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_adoption_offers_agreement_status", ["agreement_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_adoption_offers_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_adoption_offers_status"), ["status"], unique=False)

    op.create_table(
        "agreement_adoptions",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_adoptions_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_adoptions_base_id_agreements"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_adoptions")),
    )
    with op.batch_alter_table("agreement_adoptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_adoptions_base_id"), ["base_id"], unique=False
        )

    op.create_table(
        "disposition_directives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "trigger",
            sa.Enum(
                "agreement_ended",
                "flow_retired",
                name="dispositiontrigger",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("flow_id", sa.Integer(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "issued",
                "submitted",
                "returned",
                "accepted",
                name="directivestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("destroy_authorization", sa.Text(), nullable=False),
        sa.Column("authorized_by_id", sa.Integer(), nullable=True),
        sa.Column("authorized_at", sa.DateTime(), nullable=True),
        sa.Column("generated_file", sa.String(length=64), nullable=True),
        sa.Column("generated_sha256", sa.String(length=64), nullable=True),
        sa.Column("generated_at", sa.DateTime(), nullable=True),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_title", sa.String(length=120), nullable=False),
        sa.Column("consent_version", sa.String(length=16), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_ip", sa.String(length=64), nullable=False),
        sa.Column("signed_user_agent", sa.String(length=512), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("disposed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_disposition_directives_agreement_id_agreements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["authorized_by_id"],
            ["users.id"],
            name=op.f("fk_disposition_directives_authorized_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["data_flows.id"],
            name=op.f("fk_disposition_directives_flow_id_data_flows"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_disposition_directives_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_disposition_directives_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["users.id"],
            name=op.f("fk_disposition_directives_signer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposition_directives")),
        sa.UniqueConstraint("key", name=op.f("uq_disposition_directives_key")),
        sa.UniqueConstraint("number", name=op.f("uq_disposition_directives_number")),
    )
    with op.batch_alter_table("disposition_directives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposition_directives_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disposition_directives_due_on"), ["due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disposition_directives_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_disposition_directives_status"), ["status"], unique=False
        )
        batch_op.create_index(
            "ix_disposition_directives_status_due_on", ["status", "due_on"], unique=False
        )

    op.create_table(
        "disposition_elements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("flow_name", sa.String(length=200), nullable=False),
        sa.Column("category_name", sa.String(length=120), nullable=False),
        sa.Column("city_records", sa.Boolean(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "return",
                "destroy",
                "deidentify",
                name="dispositionaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("subprocessors", JSON, nullable=False),
        sa.Column(
            "done_action",
            sa.Enum(
                "return",
                "destroy",
                "deidentify",
                name="dispositionaction",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_method", sa.Text(), nullable=False),
        sa.Column(
            "subprocessors_confirmed",
            sa.Enum(
                "confirmed",
                "not_confirmed",
                "none_held",
                name="subprocessorconfirmation",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("backups", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["data_categories.id"],
            name=op.f("fk_disposition_elements_category_id_data_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["directive_id"],
            ["disposition_directives.id"],
            name=op.f("fk_disposition_elements_directive_id_disposition_directives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["data_flows.id"],
            name=op.f("fk_disposition_elements_flow_id_data_flows"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposition_elements")),
    )
    with op.batch_alter_table("disposition_elements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposition_elements_directive_id"), ["directive_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("disposition_elements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposition_elements_directive_id"))

    op.drop_table("disposition_elements")
    with op.batch_alter_table("disposition_directives", schema=None) as batch_op:
        batch_op.drop_index("ix_disposition_directives_status_due_on")
        batch_op.drop_index(batch_op.f("ix_disposition_directives_status"))
        batch_op.drop_index(batch_op.f("ix_disposition_directives_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_disposition_directives_due_on"))
        batch_op.drop_index(batch_op.f("ix_disposition_directives_agreement_id"))

    op.drop_table("disposition_directives")
    with op.batch_alter_table("agreement_adoptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_adoptions_base_id"))

    op.drop_table("agreement_adoptions")
    with op.batch_alter_table("adoption_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adoption_offers_status"))
        batch_op.drop_index(batch_op.f("ix_adoption_offers_organisation_id"))
        batch_op.drop_index("ix_adoption_offers_agreement_status")

    op.drop_table("adoption_offers")
