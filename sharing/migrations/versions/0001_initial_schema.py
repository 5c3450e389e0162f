"""Create the whole domain model, with triggers that keep audit_events append-only."""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('vendor_dpa', 'interagency', 'renewal_amendment', name='templatekind', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_agreement_templates_name'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_email', sa.String(length=254), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_organisation_id'), ['organisation_id'], unique=False)

    _create_audit_triggers()

    op.create_table('data_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sensitivity', sa.Enum('public', 'internal', 'confidential', 'restricted', name='sensitivity', native_enum=False, length=32), nullable=False),
    sa.Column('is_minors', sa.Boolean(), nullable=False),
    sa.Column('is_health', sa.Boolean(), nullable=False),
    sa.Column('is_biometric', sa.Boolean(), nullable=False),
    sa.Column('is_precise_location', sa.Boolean(), nullable=False),
    sa.Column('is_licence_plate', sa.Boolean(), nullable=False),
    sa.Column('is_ssn', sa.Boolean(), nullable=False),
    sa.Column('is_financial', sa.Boolean(), nullable=False),
    sa.Column('is_criminal_justice', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_data_categories_name'))
    )
    with op.batch_alter_table('data_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_categories_sensitivity'), ['sensitivity'], unique=False)

    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('code', name=op.f('uq_departments_code')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_notifications_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index('ix_notifications_pending', ['sent_at', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_recipient'), ['recipient'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('vendor', 'public_agency', 'nonprofit', 'research', name='organisationkind', native_enum=False, length=32), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=False),
    sa.Column('common_name', sa.String(length=200), nullable=False),
    sa.Column('normalised_name', sa.String(length=200), nullable=False),
    sa.Column('ein', sa.String(length=16), nullable=True),
    sa.Column('duns', sa.String(length=16), nullable=True),
    sa.Column('state_registration', sa.String(length=64), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('address_line1', sa.String(length=200), nullable=False),
    sa.Column('address_line2', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('privacy_policy_url', sa.String(length=500), nullable=False),
    sa.Column('dpa_url', sa.String(length=500), nullable=False),
    sa.Column('subprocessor_list_url', sa.String(length=500), nullable=False),
    sa.Column('certifications', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('prospective', 'active', 'suspended', 'offboarded', name='organisationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['organisations.id'], name=op.f('fk_organisations_parent_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_duns'), ['duns'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_ein'), ['ein'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_legal_name'), ['legal_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_normalised_name'), ['normalised_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_state_registration'), ['state_registration'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_status'), ['status'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_failures_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_failures_ip_at', ['ip', 'at'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('role', sa.Enum('signatory', 'privacy', 'security', 'billing', name='contactrole', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contacts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('admin', 'procurement', 'privacy', 'vendor', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(), nullable=True),
    sa.Column('session_generation', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(role = 'vendor' AND organisation_id IS NOT NULL) OR (role <> 'vendor' AND organisation_id IS NULL)", name=op.f('ck_users_vendor_has_organisation')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_users_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('agreement_template_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['agreement_templates.id'], name=op.f('fk_agreement_template_versions_template_id_agreement_templates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_agreement_template_versions_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_template_versions')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_agreement_template_versions_stored_name')),
    sa.UniqueConstraint('template_id', 'number', name=op.f('uq_agreement_template_versions_template_id_number'))
    )
    with op.batch_alter_table('agreement_template_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_template_versions_template_id'), ['template_id'], unique=False)

    op.create_table('data_flows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lineage_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('system_name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('direction', sa.Enum('outbound', 'inbound', 'both', name='direction', native_enum=False, length=32), nullable=False),
    sa.Column('purposes', sa.Text(), nullable=False),
    sa.Column('legal_authority', sa.Text(), nullable=False),
    sa.Column('data_subjects', sa.Text(), nullable=False),
    sa.Column('includes_minors', sa.Boolean(), nullable=False),
    sa.Column('includes_vulnerable', sa.Boolean(), nullable=False),
    sa.Column('estimated_records', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.Enum('one_time', 'real_time', 'daily', 'weekly', 'monthly', 'quarterly', 'annually', 'on_demand', name='frequency', native_enum=False, length=32), nullable=False),
    sa.Column('transfer_method', sa.Enum('api', 'sftp', 'portal_upload', 'encrypted_email', 'direct_database', 'vendor_collects', 'physical_media', 'other', name='transfermethod', native_enum=False, length=32), nullable=False),
    sa.Column('storage_location', sa.String(length=200), nullable=False),
    sa.Column('storage_country', sa.String(length=2), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=True),
    sa.Column('disposal_method', sa.String(length=200), nullable=False),
    sa.Column('subprocessors', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('notice_given', sa.Boolean(), nullable=False),
    sa.Column('notice_method', sa.Text(), nullable=False),
    sa.Column('automated_decisions', sa.Boolean(), nullable=False),
    sa.Column('automated_decision_description', sa.Text(), nullable=False),
    sa.Column('human_oversight', sa.Text(), nullable=False),
    sa.Column('equity_considerations', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'in_review', 'changes_requested', 'approved', 'superseded', 'retired', name='flowstatus', native_enum=False, length=32), nullable=False),
    sa.Column('risk_tier', sa.Enum('low', 'medium', 'high', 'critical', name='risktier', native_enum=False, length=32), nullable=True),
    sa.Column('risk_factors', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('publication_exemption', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_data_flows_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_data_flows_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_data_flows_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_data_flows_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_data_flows_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_flows')),
    sa.UniqueConstraint('lineage_id', 'revision', name=op.f('uq_data_flows_lineage_id_revision'))
    )
    with op.batch_alter_table('data_flows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_flows_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_lineage_id'), ['lineage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_risk_tier'), ['risk_tier'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_storage_country'), ['storage_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flows_system_name'), ['system_name'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'procurement', 'privacy', 'vendor', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_user_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_user_id'], ['users.id'], name=op.f('fk_invitations_accepted_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_invitations_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_invitations_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('policy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='policystatus', native_enum=False, length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_policy_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_versions')),
    sa.UniqueConstraint('label', name=op.f('uq_policy_versions_label'))
    )
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('template_version_id', sa.Integer(), nullable=True),
    sa.Column('policy_version_id', sa.Integer(), nullable=True),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('obligation_codes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('draft', 'generated', 'sent_for_signature', 'executed', 'active', 'expiring', 'expired', 'renewed', 'terminated', name='agreementstatus', native_enum=False, length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('renewal_term_months', sa.Integer(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('generated_file', sa.String(length=64), nullable=True),
    sa.Column('generated_sha256', sa.String(length=64), nullable=True),
    sa.Column('generated_at', sa.DateTime(), nullable=True),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_file', sa.String(length=64), nullable=True),
    sa.Column('signed_sha256', sa.String(length=64), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.Column('termination_reason', sa.Text(), nullable=False),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agreements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_agreements_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['generated_by_id'], ['users.id'], name=op.f('fk_agreements_generated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_agreements_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_versions.id'], name=op.f('fk_agreements_policy_version_id_policy_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['successor_id'], ['agreements.id'], name=op.f('fk_agreements_successor_id_agreements'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_version_id'], ['agreement_template_versions.id'], name=op.f('fk_agreements_template_version_id_agreement_template_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('number', name=op.f('uq_agreements_number'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_expiry_date'), ['expiry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_policy_version_id'), ['policy_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_status'), ['status'], unique=False)

    op.create_table('flow_categories',
    sa.Column('flow_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['data_categories.id'], name=op.f('fk_flow_categories_category_id_data_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['flow_id'], ['data_flows.id'], name=op.f('fk_flow_categories_flow_id_data_flows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('flow_id', 'category_id', name=op.f('pk_flow_categories'))
    )
    with op.batch_alter_table('flow_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_categories_category_id'), ['category_id'], unique=False)

    op.create_table('flow_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_flow_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flow_id'], ['data_flows.id'], name=op.f('fk_flow_comments_flow_id_data_flows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_comments'))
    )
    with op.batch_alter_table('flow_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_comments_flow_id'), ['flow_id'], unique=False)

    op.create_table('obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('source_document', sa.String(length=200), nullable=False),
    sa.Column('source_reference', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('clause_template', sa.Text(), nullable=False),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('applicability', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('attestation_question', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_versions.id'], name=op.f('fk_obligations_policy_version_id_policy_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligations')),
    sa.UniqueConstraint('policy_version_id', 'code', name=op.f('uq_obligations_policy_version_id_code'))
    )
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligations_policy_version_id'), ['policy_version_id'], unique=False)

    op.create_table('register_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flow_lineage_id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('added', 'removed', name='registerchangekind', native_enum=False, length=32), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['data_flows.id'], name=op.f('fk_register_changes_flow_id_data_flows'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_changes'))
    )
    with op.batch_alter_table('register_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_changes_changed_on'), ['changed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_changes_flow_lineage_id'), ['flow_lineage_id'], unique=False)

    op.create_table('agreement_flows',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_flows_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['flow_id'], ['data_flows.id'], name=op.f('fk_agreement_flows_flow_id_data_flows'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('agreement_id', 'flow_id', name=op.f('pk_agreement_flows'))
    )
    with op.batch_alter_table('agreement_flows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_flows_flow_id'), ['flow_id'], unique=False)

    op.create_table('attestation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'in_progress', 'submitted', 'returned', 'accepted', name='attestationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('questionnaire', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('attested', sa.Boolean(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_attestation_requests_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_attestation_requests_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_attestation_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_attestation_requests_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_attestation_requests_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation_requests')),
    sa.UniqueConstraint('agreement_id', 'due_date', name=op.f('uq_attestation_requests_agreement_id_due_date'))
    )
    with op.batch_alter_table('attestation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestation_requests_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestation_requests_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestation_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestation_requests_status'), ['status'], unique=False)

    op.create_table('disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('disclosed_on', sa.Date(), nullable=False),
    sa.Column('is_recurring', sa.Boolean(), nullable=False),
    sa.Column('frequency', sa.String(length=32), nullable=False),
    sa.Column('last_disclosed_on', sa.Date(), nullable=True),
    sa.Column('occurrence_count', sa.Integer(), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('legal_authority', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('authorized_by_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=64), nullable=False),
    sa.Column('request_file', sa.String(length=64), nullable=True),
    sa.Column('request_file_name', sa.String(length=255), nullable=True),
    sa.Column('request_file_sha256', sa.String(length=64), nullable=True),
    sa.Column('exempt', sa.Boolean(), nullable=False),
    sa.Column('exempt_reason', sa.Text(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('flag_reasons', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('retain_until', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_disclosures_agreement_id_agreements'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['authorized_by_id'], ['users.id'], name=op.f('fk_disclosures_authorized_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_disclosures_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flow_id'], ['data_flows.id'], name=op.f('fk_disclosures_flow_id_data_flows'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_disclosures_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosures'))
    )
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosures_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_disclosed_on'), ['disclosed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_flagged'), ['flagged'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_flow_id'), ['flow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('discovered_at', sa.DateTime(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('affected_individuals', sa.Integer(), nullable=True),
    sa.Column('containment', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('reported', 'investigating', 'notified', 'closed', name='incidentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('notice_deadline', sa.DateTime(), nullable=True),
    sa.Column('individuals_notified_on', sa.Date(), nullable=True),
    sa.Column('authorities_notified_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_incidents_agreement_id_agreements'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_incidents_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_incidents_reported_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('reference', name=op.f('uq_incidents_reference'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_notice_deadline'), ['notice_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_status'), ['status'], unique=False)

    op.create_table('attestation_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('obligation_code', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('yes', 'no', 'not_applicable', name='answervalue', native_enum=False, length=32), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('review', sa.Enum('pending', 'accepted', 'returned', name='answerreview', native_enum=False, length=32), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_attestation_answers_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['attestation_requests.id'], name=op.f('fk_attestation_answers_request_id_attestation_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation_answers')),
    sa.UniqueConstraint('request_id', 'obligation_code', 'round', name=op.f('uq_attestation_answers_request_id_obligation_code_round'))
    )
    with op.batch_alter_table('attestation_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestation_answers_request_id'), ['request_id'], unique=False)

    op.create_table('disclosure_categories',
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['data_categories.id'], name=op.f('fk_disclosure_categories_category_id_data_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosures.id'], name=op.f('fk_disclosure_categories_disclosure_id_disclosures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('disclosure_id', 'category_id', name=op.f('pk_disclosure_categories'))
    )
    with op.batch_alter_table('disclosure_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_categories_category_id'), ['category_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('obligation_code', sa.String(length=16), nullable=True),
    sa.Column('evidence_type', sa.Enum('soc2', 'iso27001', 'insurance', 'deletion_certificate', 'policy', 'other', name='evidencetype', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_evidence_files_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['attestation_requests.id'], name=op.f('fk_evidence_files_request_id_attestation_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_files_stored_name'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_valid_until'), ['valid_until'], unique=False)

    op.create_table('incident_categories',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['data_categories.id'], name=op.f('fk_incident_categories_category_id_data_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_categories_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'category_id', name=op.f('pk_incident_categories'))
    )
    op.create_table('incident_flows',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['data_flows.id'], name=op.f('fk_incident_flows_flow_id_data_flows'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_flows_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'flow_id', name=op.f('pk_incident_flows'))
    )


def downgrade():
    _drop_audit_triggers()
    op.drop_table('incident_flows')
    op.drop_table('incident_categories')
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_valid_until'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_request_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_organisation_id'))

    op.drop_table('evidence_files')
    with op.batch_alter_table('disclosure_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_categories_category_id'))

    op.drop_table('disclosure_categories')
    with op.batch_alter_table('attestation_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attestation_answers_request_id'))

    op.drop_table('attestation_answers')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_status'))
        batch_op.drop_index(batch_op.f('ix_incidents_reported_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_notice_deadline'))
        batch_op.drop_index(batch_op.f('ix_incidents_agreement_id'))

    op.drop_table('incidents')
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosures_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_disclosures_flow_id'))
        batch_op.drop_index(batch_op.f('ix_disclosures_flagged'))
        batch_op.drop_index(batch_op.f('ix_disclosures_disclosed_on'))
        batch_op.drop_index(batch_op.f('ix_disclosures_agreement_id'))

    op.drop_table('disclosures')
    with op.batch_alter_table('attestation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attestation_requests_status'))
        batch_op.drop_index(batch_op.f('ix_attestation_requests_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_attestation_requests_due_date'))
        batch_op.drop_index(batch_op.f('ix_attestation_requests_agreement_id'))

    op.drop_table('attestation_requests')
    with op.batch_alter_table('agreement_flows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_flows_flow_id'))

    op.drop_table('agreement_flows')
    with op.batch_alter_table('register_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_changes_flow_lineage_id'))
        batch_op.drop_index(batch_op.f('ix_register_changes_changed_on'))

    op.drop_table('register_changes')
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_obligations_policy_version_id'))

    op.drop_table('obligations')
    with op.batch_alter_table('flow_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_comments_flow_id'))

    op.drop_table('flow_comments')
    with op.batch_alter_table('flow_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_categories_category_id'))

    op.drop_table('flow_categories')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_status'))
        batch_op.drop_index(batch_op.f('ix_agreements_policy_version_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_expiry_date'))
        batch_op.drop_index(batch_op.f('ix_agreements_department_id'))

    op.drop_table('agreements')
    op.drop_table('policy_versions')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_email'))

    op.drop_table('invitations')
    with op.batch_alter_table('data_flows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_flows_system_name'))
        batch_op.drop_index(batch_op.f('ix_data_flows_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_data_flows_storage_country'))
        batch_op.drop_index(batch_op.f('ix_data_flows_status'))
        batch_op.drop_index(batch_op.f('ix_data_flows_risk_tier'))
        batch_op.drop_index(batch_op.f('ix_data_flows_published'))
        batch_op.drop_index(batch_op.f('ix_data_flows_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_data_flows_lineage_id'))
        batch_op.drop_index(batch_op.f('ix_data_flows_department_id'))

    op.drop_table('data_flows')
    with op.batch_alter_table('agreement_template_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_template_versions_template_id'))

    op.drop_table('agreement_template_versions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_users_department_id'))

    op.drop_table('users')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_contacts_email'))

    op.drop_table('contacts')
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_failures_ip_at')
        batch_op.drop_index('ix_sign_in_failures_email_at')

    op.drop_table('sign_in_failures')
    op.drop_table('settings')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_status'))
        batch_op.drop_index(batch_op.f('ix_organisations_state_registration'))
        batch_op.drop_index(batch_op.f('ix_organisations_parent_id'))
        batch_op.drop_index(batch_op.f('ix_organisations_normalised_name'))
        batch_op.drop_index(batch_op.f('ix_organisations_legal_name'))
        batch_op.drop_index(batch_op.f('ix_organisations_kind'))
        batch_op.drop_index(batch_op.f('ix_organisations_ein'))
        batch_op.drop_index(batch_op.f('ix_organisations_duns'))

    op.drop_table('organisations')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_recipient'))
        batch_op.drop_index('ix_notifications_pending')
        batch_op.drop_index('ix_notifications_object')
        batch_op.drop_index(batch_op.f('ix_notifications_kind'))

    op.drop_table('notifications')
    op.drop_table('departments')
    with op.batch_alter_table('data_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_categories_sensitivity'))

    op.drop_table('data_categories')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_organisation_id'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index('ix_audit_events_at')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    op.drop_table('agreement_templates')


APPEND_ONLY = "audit events are append-only"


def _create_audit_triggers():
    """Refuse UPDATE and DELETE on audit_events in the database itself, not only in the ORM."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END; $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )


def _drop_audit_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
