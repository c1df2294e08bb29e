"""Nonconformities and corrective actions, internal audits, management review (qms/actions, qms/audits, qms/reviews).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('type', sa.Enum('internal', 'certifying_body', 'pso', 'vca', 'customer', 'supplier', name='audittype', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('planned', 'prepared', 'in_progress', 'reported', 'closed', name='auditstate', native_enum=False, length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('processes', sa.String(length=255), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('planned_start', sa.Date(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('lead_auditor_id', sa.Integer(), nullable=False),
    sa.Column('independence_note', sa.Text(), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('conducted_on', sa.Date(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_audit_audit_department_id_department')),
    sa.ForeignKeyConstraint(['lead_auditor_id'], ['user.id'], name=op.f('fk_audit_audit_lead_auditor_id_user')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_audit_audit_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_audit')),
    sa.UniqueConstraint('number', name=op.f('uq_audit_audit_number'))
    )
    with op.batch_alter_table('audit_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_audit_lead_auditor_id'), ['lead_auditor_id'], unique=False)
        batch_op.create_index('ix_audit_audit_planned_start', ['planned_start'], unique=False)
    op.create_table('nonconformity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_type', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.String(length=80), nullable=True),
    sa.Column('norm', sa.String(length=20), nullable=True),
    sa.Column('norm_version', sa.String(length=20), nullable=True),
    sa.Column('requirement', sa.String(length=40), nullable=True),
    sa.Column('severity', sa.Enum('major', 'minor', 'observation', 'improvement', name='severity', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('open', 'actions_planned', 'awaiting_check', 'closed', name='ncstate', native_enum=False, length=20), nullable=False),
    sa.Column('correction', sa.Text(), nullable=True),
    sa.Column('root_cause', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_nonconformity_opened_by_id_user')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_nonconformity_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nonconformity')),
    sa.UniqueConstraint('number', name=op.f('uq_nonconformity_number'))
    )
    with op.batch_alter_table('nonconformity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nonconformity_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_nonconformity_requirement', ['norm', 'requirement'], unique=False)
        batch_op.create_index('ix_nonconformity_source', ['source_type', 'source_id'], unique=False)
        batch_op.create_index('ix_nonconformity_state', ['state'], unique=False)
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('planned', 'held', 'closed', name='reviewstate', native_enum=False, length=20), nullable=False),
    sa.Column('conclusions', sa.Text(), nullable=True),
    sa.Column('input_pack', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['user.id'], name=op.f('fk_review_chair_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    op.create_table('audit_auditee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_audit.id'], name=op.f('fk_audit_auditee_audit_id_audit_audit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_audit_auditee_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_auditee')),
    sa.UniqueConstraint('audit_id', 'employee_id', name='uq_audit_auditee_audit_employee')
    )
    with op.batch_alter_table('audit_auditee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_auditee_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_auditee_employee_id'), ['employee_id'], unique=False)
    op.create_table('audit_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=20), nullable=True),
    sa.Column('version', sa.String(length=20), nullable=True),
    sa.Column('requirement', sa.String(length=40), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('must', sa.Boolean(), nullable=False),
    sa.Column('result', sa.Enum('conform', 'major', 'minor', 'observation', 'improvement', 'not_applicable', name='result', native_enum=False, length=20), nullable=True),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('nonconformity_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_audit_item_answered_by_id_user')),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_audit.id'], name=op.f('fk_audit_item_audit_id_audit_audit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nonconformity_id'], ['nonconformity.id'], name=op.f('fk_audit_item_nonconformity_id_nonconformity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_item'))
    )
    with op.batch_alter_table('audit_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_item_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index('ix_audit_item_requirement', ['norm', 'requirement'], unique=False)
    op.create_table('audit_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_audit.id'], name=op.f('fk_audit_member_audit_id_audit_audit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_member')),
    sa.UniqueConstraint('audit_id', 'user_id', name='uq_audit_member_audit_user')
    )
    with op.batch_alter_table('audit_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_member_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_member_user_id'), ['user_id'], unique=False)
    op.create_table('audit_norm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=20), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_audit.id'], name=op.f('fk_audit_norm_audit_id_audit_audit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_norm')),
    sa.UniqueConstraint('audit_id', 'norm', name='uq_audit_norm_audit_norm')
    )
    with op.batch_alter_table('audit_norm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_norm_audit_id'), ['audit_id'], unique=False)
    op.create_table('audit_scope',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=20), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_audit.id'], name=op.f('fk_audit_scope_audit_id_audit_audit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_scope'))
    )
    with op.batch_alter_table('audit_scope', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_scope_audit_id'), ['audit_id'], unique=False)
    op.create_table('corrective_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonconformity_id', sa.Integer(), nullable=True),
    sa.Column('source_type', sa.String(length=40), nullable=True),
    sa.Column('source_id', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.Enum('immediate', 'corrective', 'preventive', 'improvement', name='actionkind', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_corrective_action_done_by_id_user')),
    sa.ForeignKeyConstraint(['nonconformity_id'], ['nonconformity.id'], name=op.f('fk_corrective_action_nonconformity_id_nonconformity')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_corrective_action_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action'))
    )
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_nonconformity_id'), ['nonconformity_id'], unique=False)
        batch_op.create_index('ix_corrective_action_open_due', ['done_at', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_action_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_corrective_action_source', ['source_type', 'source_id'], unique=False)
    op.create_table('effectiveness_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonconformity_id', sa.Integer(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('effective', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_effectiveness_check_checked_by_id_user')),
    sa.ForeignKeyConstraint(['nonconformity_id'], ['nonconformity.id'], name=op.f('fk_effectiveness_check_nonconformity_id_nonconformity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effectiveness_check'))
    )
    with op.batch_alter_table('effectiveness_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effectiveness_check_nonconformity_id'), ['nonconformity_id'], unique=False)
    op.create_table('audit_item_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['audit_item.id'], name=op.f('fk_audit_item_file_item_id_audit_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_audit_item_file_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_item_file'))
    )
    with op.batch_alter_table('audit_item_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_item_file_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_item_file_stored_file_id'), ['stored_file_id'], unique=False)
    op.create_table('audit_item_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['audit_item.id'], name=op.f('fk_audit_item_link_item_id_audit_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_item_link'))
    )
    with op.batch_alter_table('audit_item_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_item_link_item_id'), ['item_id'], unique=False)
    op.create_table('review_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_action.id'], name=op.f('fk_review_decision_action_id_corrective_action')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_decision_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decision'))
    )
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_decision_review_id'), ['review_id'], unique=False)
    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decision_review_id'))
    op.drop_table('review_decision')
    with op.batch_alter_table('audit_item_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_item_link_item_id'))
    op.drop_table('audit_item_link')
    with op.batch_alter_table('audit_item_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_item_file_stored_file_id'))
        batch_op.drop_index(batch_op.f('ix_audit_item_file_item_id'))
    op.drop_table('audit_item_file')
    with op.batch_alter_table('effectiveness_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effectiveness_check_nonconformity_id'))
    op.drop_table('effectiveness_check')
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_action_source')
        batch_op.drop_index(batch_op.f('ix_corrective_action_owner_id'))
        batch_op.drop_index('ix_corrective_action_open_due')
        batch_op.drop_index(batch_op.f('ix_corrective_action_nonconformity_id'))
    op.drop_table('corrective_action')
    with op.batch_alter_table('audit_scope', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_scope_audit_id'))
    op.drop_table('audit_scope')
    with op.batch_alter_table('audit_norm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_norm_audit_id'))
    op.drop_table('audit_norm')
    with op.batch_alter_table('audit_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_member_audit_id'))
    op.drop_table('audit_member')
    with op.batch_alter_table('audit_item', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_item_requirement')
        batch_op.drop_index(batch_op.f('ix_audit_item_audit_id'))
    op.drop_table('audit_item')
    with op.batch_alter_table('audit_auditee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_auditee_employee_id'))
        batch_op.drop_index(batch_op.f('ix_audit_auditee_audit_id'))
    op.drop_table('audit_auditee')
    op.drop_table('review')
    with op.batch_alter_table('nonconformity', schema=None) as batch_op:
        batch_op.drop_index('ix_nonconformity_state')
        batch_op.drop_index('ix_nonconformity_source')
        batch_op.drop_index('ix_nonconformity_requirement')
        batch_op.drop_index(batch_op.f('ix_nonconformity_owner_id'))
    op.drop_table('nonconformity')
    with op.batch_alter_table('audit_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_audit_planned_start')
        batch_op.drop_index(batch_op.f('ix_audit_audit_lead_auditor_id'))
    op.drop_table('audit_audit')
    # ### end Alembic commands ###
