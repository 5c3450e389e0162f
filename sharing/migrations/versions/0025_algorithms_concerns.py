"""Create the algorithm register, vendors' AI fact sheets, the public's concerns; give flows public summaries."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "concern_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("trapped", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_attempts")),
    )
    with op.batch_alter_table("concern_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_concern_attempts_address_key_at", ["address_key", "at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_concern_attempts_at"), ["at"], unique=False)

    op.create_table(
        "algorithms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("summary_es", sa.Text(), nullable=False),
        sa.Column("summary_vi", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("decision_maker", sa.Text(), nullable=False),
        sa.Column("human_oversight", sa.Text(), nullable=False),
        sa.Column("contest_route", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("legal_basis_url", sa.String(length=500), nullable=False),
        sa.Column(
            "model_kind",
            sa.Enum(
                "rule_based",
                "statistical",
                "machine_learning",
                "generative",
                "biometric",
                "other",
                name="modelkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("training_data", sa.Text(), nullable=False),
        sa.Column("accuracy_metrics", sa.Text(), nullable=False),
        sa.Column("bias_groups_tested", sa.Text(), nullable=False),
        sa.Column("last_tested_on", sa.Date(), nullable=True),
        sa.Column("tested_by", sa.String(length=200), nullable=False),
        sa.Column("limitations", sa.Text(), nullable=False),
        sa.Column(
            "risk_tier",
            sa.Enum(
                "low", "medium", "high", "critical", name="risktier", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("equity_groups", sa.Text(), nullable=False),
        sa.Column("equity_mitigations", sa.Text(), nullable=False),
        sa.Column("deployed_on", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "in_review",
                "changes_requested",
                "approved",
                "retired",
                name="algorithmstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column(
            "approved_snapshot",
            JSON,
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_algorithms_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_algorithms_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_algorithms_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_algorithms_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_algorithms_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_algorithms")),
    )
    with op.batch_alter_table("algorithms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_algorithms_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_algorithms_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_algorithms_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_algorithms_risk_tier"), ["risk_tier"], unique=False)
        batch_op.create_index(batch_op.f("ix_algorithms_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_algorithms_status_last_tested_on", ["status", "last_tested_on"], unique=False
        )
        batch_op.create_index(
            "ix_algorithms_status_updated_at", ["status", "updated_at"], unique=False
        )

    op.create_table(
        "algorithm_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("algorithm_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_algorithm_comments_algorithm_id_algorithms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_algorithm_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_algorithm_comments")),
    )
    with op.batch_alter_table("algorithm_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_algorithm_comments_algorithm_id"), ["algorithm_id"], unique=False
        )

    op.create_table(
        "algorithm_flows",
        sa.Column("algorithm_id", sa.Integer(), nullable=False),
        sa.Column("flow_lineage_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_algorithm_flows_algorithm_id_algorithms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("algorithm_id", "flow_lineage_id", name=op.f("pk_algorithm_flows")),
    )
    with op.batch_alter_table("algorithm_flows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_algorithm_flows_flow_lineage_id"), ["flow_lineage_id"], unique=False
        )

    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("concern", "error", name="concernkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("flow_lineage_id", sa.Integer(), nullable=True),
        sa.Column("algorithm_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "in_review",
                "answered",
                "closed",
                name="concernstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("public_response", sa.Text(), nullable=False),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_concerns_algorithm_id_algorithms"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_concerns_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["users.id"],
            name=op.f("fk_concerns_responded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concerns")),
        sa.UniqueConstraint("reference", name=op.f("uq_concerns_reference")),
    )
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concerns_algorithm_id"), ["algorithm_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_concerns_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_concerns_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_concerns_flow_lineage_id"), ["flow_lineage_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_concerns_status"), ["status"], unique=False)
        batch_op.create_index("ix_concerns_status_due_on", ["status", "due_on"], unique=False)

    op.create_table(
        "fact_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("algorithm_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "in_progress",
                "submitted",
                "returned",
                "accepted",
                name="factsheetstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "answers",
            JSON,
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_title", sa.String(length=120), nullable=False),
        sa.Column("attested", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_fact_sheets_algorithm_id_algorithms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_fact_sheets_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_fact_sheets_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_fact_sheets_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_fact_sheets_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_sheets")),
        sa.UniqueConstraint(
            "algorithm_id", "edition", name=op.f("uq_fact_sheets_algorithm_id_edition")
        ),
    )
    with op.batch_alter_table("fact_sheets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fact_sheets_algorithm_id"), ["algorithm_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fact_sheets_due_date"), ["due_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_fact_sheets_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fact_sheets_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_fact_sheets_status_due_date", ["status", "due_date"], unique=False
        )

    op.create_table(
        "concern_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_concern_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_notes_concern_id_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_notes")),
    )
    with op.batch_alter_table("concern_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_notes_concern_id"), ["concern_id"], unique=False
        )

    op.create_table(
        "fact_sheet_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fact_sheet_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "bias_audit",
                "model_card",
                "evaluation",
                "other",
                name="factsheetevidencekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fact_sheet_id"],
            ["fact_sheets.id"],
            name=op.f("fk_fact_sheet_evidence_fact_sheet_id_fact_sheets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_fact_sheet_evidence_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_fact_sheet_evidence_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_sheet_evidence")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_fact_sheet_evidence_stored_name")),
    )
    with op.batch_alter_table("fact_sheet_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fact_sheet_evidence_fact_sheet_id"), ["fact_sheet_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fact_sheet_evidence_organisation_id"), ["organisation_id"], unique=False
        )

    # Plain ADD COLUMNs: existing flows start with no summary.
    for column in ("public_summary", "public_summary_es", "public_summary_vi"):
        op.add_column("data_flows", sa.Column(column, sa.Text(), nullable=False, server_default=""))


def downgrade():
    # Plain DROP COLUMNs (SQLite has them): a batch copy of data_flows would have to drop a
    # table that many others point at.
    for column in ("public_summary_vi", "public_summary_es", "public_summary"):
        op.drop_column("data_flows", column)

    with op.batch_alter_table("fact_sheet_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_sheet_evidence_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_fact_sheet_evidence_fact_sheet_id"))

    op.drop_table("fact_sheet_evidence")
    with op.batch_alter_table("concern_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_notes_concern_id"))

    op.drop_table("concern_notes")
    with op.batch_alter_table("fact_sheets", schema=None) as batch_op:
        batch_op.drop_index("ix_fact_sheets_status_due_date")
        batch_op.drop_index(batch_op.f("ix_fact_sheets_status"))
        batch_op.drop_index(batch_op.f("ix_fact_sheets_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_fact_sheets_due_date"))
        batch_op.drop_index(batch_op.f("ix_fact_sheets_algorithm_id"))

    op.drop_table("fact_sheets")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index("ix_concerns_status_due_on")
        batch_op.drop_index(batch_op.f("ix_concerns_status"))
        batch_op.drop_index(batch_op.f("ix_concerns_flow_lineage_id"))
        batch_op.drop_index(batch_op.f("ix_concerns_due_on"))
        batch_op.drop_index(batch_op.f("ix_concerns_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_concerns_algorithm_id"))

    op.drop_table("concerns")
    with op.batch_alter_table("algorithm_flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_algorithm_flows_flow_lineage_id"))

    op.drop_table("algorithm_flows")
    with op.batch_alter_table("algorithm_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_algorithm_comments_algorithm_id"))

    op.drop_table("algorithm_comments")
    with op.batch_alter_table("algorithms", schema=None) as batch_op:
        batch_op.drop_index("ix_algorithms_status_updated_at")
        batch_op.drop_index("ix_algorithms_status_last_tested_on")
        batch_op.drop_index(batch_op.f("ix_algorithms_status"))
        batch_op.drop_index(batch_op.f("ix_algorithms_risk_tier"))
        batch_op.drop_index(batch_op.f("ix_algorithms_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_algorithms_name"))
        batch_op.drop_index(batch_op.f("ix_algorithms_department_id"))

    op.drop_table("algorithms")
    with op.batch_alter_table("concern_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_attempts_at"))
        batch_op.drop_index("ix_concern_attempts_address_key_at")

    op.drop_table("concern_attempts")
