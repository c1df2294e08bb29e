"""VCA module: toolbox meetings, inspections, equipment, risk assessments (qms/vca).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vca_equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=True),
    sa.Column('location', sa.String(length=160), nullable=True),
    sa.Column('interval_months', sa.Integer(), nullable=False),
    sa.Column('last_keuring_on', sa.Date(), nullable=True),
    sa.Column('next_keuring_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_equipment'))
    )
    with op.batch_alter_table('vca_equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_equipment_next_keuring_on'), ['next_keuring_on'], unique=False)

    op.create_table('vca_inspection_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_inspection_template'))
    )
    op.create_table('vca_lmra_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=True),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_lmra_card'))
    )
    op.create_table('vca_inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('planned', 'done', name='inspectionstate', native_enum=False, length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['inspector_id'], ['user.id'], name=op.f('fk_vca_inspection_inspector_id_user')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_vca_inspection_site_id_site')),
    sa.ForeignKeyConstraint(['template_id'], ['vca_inspection_template.id'], name=op.f('fk_vca_inspection_template_id_vca_inspection_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_inspection'))
    )
    with op.batch_alter_table('vca_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_inspection_planned_on'), ['planned_on'], unique=False)

    op.create_table('vca_inspection_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=300), nullable=False),
    sa.Column('result', sa.Enum('ok', 'not_ok', 'na', name='findingresult', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('nonconformity_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['vca_inspection.id'], name=op.f('fk_vca_inspection_finding_inspection_id_vca_inspection')),
    sa.ForeignKeyConstraint(['photo_id'], ['stored_file.id'], name=op.f('fk_vca_inspection_finding_photo_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_inspection_finding'))
    )
    with op.batch_alter_table('vca_inspection_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_inspection_finding_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('vca_keuring',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('result', sa.Enum('approved', 'rejected', name='keuringresult', native_enum=False, length=20), nullable=False),
    sa.Column('inspected_by', sa.String(length=160), nullable=True),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['equipment_id'], ['vca_equipment.id'], name=op.f('fk_vca_keuring_equipment_id_vca_equipment')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_vca_keuring_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_keuring'))
    )
    with op.batch_alter_table('vca_keuring', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_keuring_equipment_id'), ['equipment_id'], unique=False)

    op.create_table('vca_ppe_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=160), nullable=False),
    sa.Column('size', sa.String(length=20), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('replace_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_vca_ppe_issue_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_ppe_issue'))
    )
    with op.batch_alter_table('vca_ppe_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_ppe_issue_employee_id'), ['employee_id'], unique=False)

    op.create_table('vca_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('policy_title', sa.String(length=200), nullable=True),
    sa.Column('policy_document_id', sa.Integer(), nullable=True),
    sa.Column('policy_signed_on', sa.Date(), nullable=True),
    sa.Column('policy_signed_by', sa.String(length=160), nullable=True),
    sa.Column('policy_evaluated_on', sa.Date(), nullable=True),
    sa.Column('policy_file_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['policy_file_id'], ['stored_file.id'], name=op.f('fk_vca_profile_policy_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_profile'))
    )
    op.create_table('vca_risk_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('rie', 'function_rie', 'tra', name='assessmentkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.String(length=160), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_vca_risk_assessment_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_risk_assessment'))
    )
    with op.batch_alter_table('vca_risk_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_risk_assessment_kind'), ['kind'], unique=False)

    op.create_table('vca_toolbox_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('presenter_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('live', 'digital', name='meetingmode', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('planned', 'held', 'closed', 'cancelled', name='meetingstate', native_enum=False, length=20), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('lessons', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['presenter_id'], ['employee.id'], name=op.f('fk_vca_toolbox_meeting_presenter_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_toolbox_meeting'))
    )
    with op.batch_alter_table('vca_toolbox_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_toolbox_meeting_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_toolbox_meeting_planned_on'), ['planned_on'], unique=False)

    op.create_table('vca_worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('risky_work_since', sa.Date(), nullable=True),
    sa.Column('engagement', sa.Enum('own', 'intern', 'temporary', name='engagement', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_vca_worker_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_worker')),
    sa.UniqueConstraint('employee_id', name=op.f('uq_vca_worker_employee_id'))
    )
    op.create_table('vca_risk_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['vca_risk_assessment.id'], name=op.f('fk_vca_risk_measure_assessment_id_vca_risk_assessment')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_vca_risk_measure_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_risk_measure'))
    )
    with op.batch_alter_table('vca_risk_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_risk_measure_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('vca_toolbox_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('signed', 'recorded', 'catch_up', name='attendancemethod', native_enum=False, length=20), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_vca_toolbox_attendance_employee_id_employee')),
    sa.ForeignKeyConstraint(['meeting_id'], ['vca_toolbox_meeting.id'], name=op.f('fk_vca_toolbox_attendance_meeting_id_vca_toolbox_meeting')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_vca_toolbox_attendance_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_toolbox_attendance')),
    sa.UniqueConstraint('meeting_id', 'employee_id', name='uq_vca_toolbox_attendance_person')
    )
    with op.batch_alter_table('vca_toolbox_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_toolbox_attendance_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_toolbox_attendance_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vca_toolbox_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_toolbox_attendance_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_vca_toolbox_attendance_employee_id'))

    op.drop_table('vca_toolbox_attendance')
    with op.batch_alter_table('vca_risk_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_risk_measure_assessment_id'))

    op.drop_table('vca_risk_measure')
    op.drop_table('vca_worker')
    with op.batch_alter_table('vca_toolbox_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_toolbox_meeting_planned_on'))
        batch_op.drop_index(batch_op.f('ix_vca_toolbox_meeting_held_on'))

    op.drop_table('vca_toolbox_meeting')
    with op.batch_alter_table('vca_risk_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_risk_assessment_kind'))

    op.drop_table('vca_risk_assessment')
    op.drop_table('vca_profile')
    with op.batch_alter_table('vca_ppe_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_ppe_issue_employee_id'))

    op.drop_table('vca_ppe_issue')
    with op.batch_alter_table('vca_keuring', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_keuring_equipment_id'))

    op.drop_table('vca_keuring')
    with op.batch_alter_table('vca_inspection_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_inspection_finding_inspection_id'))

    op.drop_table('vca_inspection_finding')
    with op.batch_alter_table('vca_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_inspection_planned_on'))

    op.drop_table('vca_inspection')
    op.drop_table('vca_lmra_card')
    op.drop_table('vca_inspection_template')
    with op.batch_alter_table('vca_equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_equipment_next_keuring_on'))

    op.drop_table('vca_equipment')
