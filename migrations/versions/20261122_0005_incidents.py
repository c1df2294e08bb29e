"""Incident log, investigations, hours worked (qms/incidents).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('own_staff', 'temporary', 'subcontractor', name='hourscategory', native_enum=False, length=24), nullable=False),
    sa.Column('hours', sa.Numeric(precision=12, scale=1), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_hours')),
    sa.UniqueConstraint('year', 'month', 'category', name='uq_incident_hours_month_category')
    )
    op.create_table('incident_report_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_report_attempt'))
    )
    with op.batch_alter_table('incident_report_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_incident_report_attempt_key_hour', ['key', 'hour'], unique=False)

    op.create_table('incident_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('retention_months', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_settings'))
    )
    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('type', sa.Enum('lti', 'medical_treatment', 'first_aid', 'near_miss', 'unsafe_situation', 'unsafe_act', 'environmental', 'property_damage', name='incidenttype', native_enum=False, length=24), nullable=False),
    sa.Column('state', sa.Enum('reported', 'triaged', 'investigating', 'actions', 'closed', name='incidentstate', native_enum=False, length=24), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', 'severe', name='severity', native_enum=False, length=24), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=255), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('involved', sa.String(length=120), nullable=False),
    sa.Column('injured_count', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('immediate_action', sa.Text(), nullable=True),
    sa.Column('persons_text', sa.Text(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_name', sa.String(length=160), nullable=True),
    sa.Column('reporter_contact', sa.String(length=160), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('via_qr', sa.Boolean(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('triaged_at', sa.DateTime(), nullable=True),
    sa.Column('arbo_reason', sa.Enum('death', 'permanent_injury', 'hospital_admission', name='arboreason', native_enum=False, length=24), nullable=True),
    sa.Column('arbo_notified_at', sa.DateTime(), nullable=True),
    sa.Column('arbo_reference', sa.String(length=80), nullable=True),
    sa.Column('lti_count', sa.Integer(), nullable=False),
    sa.Column('lost_days', sa.Integer(), nullable=False),
    sa.Column('max_lost_days', sa.Integer(), nullable=False),
    sa.Column('on_arbowet_list', sa.Boolean(), nullable=False),
    sa.Column('method', sa.Enum('five_whys', 'ishikawa', 'tripod', name='method', native_enum=False, length=24), nullable=True),
    sa.Column('root_causes', sa.Text(), nullable=True),
    sa.Column('contributing_factors', sa.Text(), nullable=True),
    sa.Column('lessons', sa.Text(), nullable=True),
    sa.Column('lessons_for_toolbox', sa.Boolean(), nullable=False),
    sa.Column('lessons_discussed_on', sa.Date(), nullable=True),
    sa.Column('lessons_meeting_ref', sa.String(length=120), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('purged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_incident_department_id_department')),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], name=op.f('fk_incident_reporter_id_user')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_incident_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
    sa.UniqueConstraint('number', name=op.f('uq_incident_number')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_incident_submission_token'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index('ix_incident_arbo_pending', ['arbo_reason', 'arbo_notified_at'], unique=False)
        batch_op.create_index('ix_incident_arbowet', ['on_arbowet_list', 'occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_incident_figures', ['occurred_on', 'type', 'lti_count', 'lost_days'], unique=False)
        batch_op.create_index('ix_incident_occurred_at', ['occurred_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_incident_state', ['state'], unique=False)
        batch_op.create_index('ix_incident_toolbox', ['lessons_for_toolbox', 'lessons_discussed_on'], unique=False)
        batch_op.create_index('ix_incident_type_occurred', ['type', 'occurred_on'], unique=False)

    op.create_table('incident_site_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_incident_site_token_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_site_token')),
    sa.UniqueConstraint('site_id', name=op.f('uq_incident_site_token_site_id')),
    sa.UniqueConstraint('token', name=op.f('uq_incident_site_token_token'))
    )
    op.create_table('incident_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('own_staff', 'temporary', 'subcontractor', 'apprentice', 'visitor', name='personcategory', native_enum=False, length=24), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=True),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('lost_days', sa.Integer(), nullable=False),
    sa.Column('absence_ongoing', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_incident_person_employee_id_employee')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_person_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_person'))
    )
    with op.batch_alter_table('incident_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_person_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_person_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_photo_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_incident_photo_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_photo')),
    sa.UniqueConstraint('stored_file_id', name=op.f('uq_incident_photo_stored_file_id'))
    )
    with op.batch_alter_table('incident_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_photo_incident_id'), ['incident_id'], unique=False)


def downgrade():
    with op.batch_alter_table('incident_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_photo_incident_id'))

    op.drop_table('incident_photo')
    with op.batch_alter_table('incident_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_person_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_person_employee_id'))

    op.drop_table('incident_person')
    op.drop_table('incident_site_token')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_type_occurred')
        batch_op.drop_index('ix_incident_toolbox')
        batch_op.drop_index('ix_incident_state')
        batch_op.drop_index(batch_op.f('ix_incident_site_id'))
        batch_op.drop_index(batch_op.f('ix_incident_reporter_id'))
        batch_op.drop_index('ix_incident_occurred_at')
        batch_op.drop_index('ix_incident_figures')
        batch_op.drop_index(batch_op.f('ix_incident_department_id'))
        batch_op.drop_index('ix_incident_arbowet')
        batch_op.drop_index('ix_incident_arbo_pending')

    op.drop_table('incident')
    op.drop_table('incident_settings')
    with op.batch_alter_table('incident_report_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_report_attempt_key_hour')

    op.drop_table('incident_report_attempt')
    op.drop_table('incident_hours')
