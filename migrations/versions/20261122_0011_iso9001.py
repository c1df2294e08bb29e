"""ISO 9001 module: context, risks, objectives, complaints, supplier evaluation, competence (qms/iso9001).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('iso_context_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('climate_relevant', sa.Boolean(), nullable=True),
    sa.Column('climate_reasoning', sa.Text(), nullable=True),
    sa.Column('climate_determined_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_context_statement'))
    )
    op.create_table('iso_exclusion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm_version', sa.String(length=20), nullable=False),
    sa.Column('requirement', sa.String(length=20), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_exclusion'))
    )
    op.create_table('iso_function',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_function')),
    sa.UniqueConstraint('name', name=op.f('uq_iso_function_name'))
    )
    op.create_table('iso_interested_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('monitoring', sa.Text(), nullable=True),
    sa.Column('climate_related', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_interested_party'))
    )
    op.create_table('iso_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('internal', 'external', name='issuekind', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('effect', sa.Text(), nullable=True),
    sa.Column('climate_related', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_issue'))
    )
    op.create_table('iso_learning_path',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_learning_path')),
    sa.UniqueConstraint('name', name=op.f('uq_iso_learning_path_name'))
    )
    op.create_table('iso_satisfaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('surveyed_on', sa.Date(), nullable=False),
    sa.Column('client', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('method', sa.String(length=120), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_satisfaction'))
    )
    with op.batch_alter_table('iso_satisfaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_satisfaction_surveyed_on'), ['surveyed_on'], unique=False)
    op.create_table('iso_competence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('training_kind', sa.String(length=20), nullable=True),
    sa.Column('training_title', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['function_id'], ['iso_function.id'], name=op.f('fk_iso_competence_function_id_iso_function')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_competence'))
    )
    with op.batch_alter_table('iso_competence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_competence_function_id'), ['function_id'], unique=False)
    op.create_table('iso_complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('complaint', 'feedback', 'compliment', name='feedbackkind', native_enum=False, length=20), nullable=False),
    sa.Column('channel', sa.Enum('phone', 'email', 'in_person', 'logbook', 'website', 'other', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('client', sa.String(length=200), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('received', 'in_progress', 'answered', 'closed', name='complaintstate', native_enum=False, length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_iso_complaint_owner_id_user')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_iso_complaint_reported_by_id_user')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_iso_complaint_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_complaint')),
    sa.UniqueConstraint('number', name=op.f('uq_iso_complaint_number'))
    )
    with op.batch_alter_table('iso_complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_complaint_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iso_complaint_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_iso_complaint_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_iso_complaint_state_deadline', ['state', 'deadline'], unique=False)
    op.create_table('iso_context_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_iso_context_review_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_context_review'))
    )
    with op.batch_alter_table('iso_context_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_context_review_reviewed_on'), ['reviewed_on'], unique=False)
    op.create_table('iso_learning_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['path_id'], ['iso_learning_path.id'], name=op.f('fk_iso_learning_step_path_id_iso_learning_path')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_learning_step'))
    )
    with op.batch_alter_table('iso_learning_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_learning_step_path_id'), ['path_id'], unique=False)
    op.create_table('iso_objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.Enum('at_least', 'at_most', name='direction', native_enum=False, length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('resources', sa.Text(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('active', 'achieved', 'not_achieved', name='objectivestate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_iso_objective_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_objective'))
    )
    with op.batch_alter_table('iso_objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_objective_owner_id'), ['owner_id'], unique=False)
    op.create_table('iso_process',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('inputs_outputs', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_iso_process_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_process'))
    )
    with op.batch_alter_table('iso_process', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_process_owner_id'), ['owner_id'], unique=False)
    op.create_table('iso_risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('risk', 'opportunity', name='riskkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('likelihood', sa.SmallInteger(), nullable=False),
    sa.Column('impact', sa.SmallInteger(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('effectiveness', sa.Text(), nullable=True),
    sa.Column('effective', sa.Boolean(), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('open', 'treated', 'closed', name='riskstate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_iso_risk_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_risk'))
    )
    with op.batch_alter_table('iso_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_risk_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_iso_risk_state', ['state'], unique=False)
    op.create_table('iso_supplier_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('evaluated_by_id', sa.Integer(), nullable=True),
    sa.Column('quality', sa.SmallInteger(), nullable=False),
    sa.Column('delivery', sa.SmallInteger(), nullable=False),
    sa.Column('communication', sa.SmallInteger(), nullable=False),
    sa.Column('price', sa.SmallInteger(), nullable=False),
    sa.Column('sustainability', sa.SmallInteger(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('decision', sa.Enum('approved', 'conditional', 'rejected', name='decision', native_enum=False, length=20), nullable=False),
    sa.Column('next_evaluation', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['evaluated_by_id'], ['user.id'], name=op.f('fk_iso_supplier_evaluation_evaluated_by_id_user')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_iso_supplier_evaluation_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_supplier_evaluation'))
    )
    with op.batch_alter_table('iso_supplier_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_supplier_evaluation_next_evaluation'), ['next_evaluation'], unique=False)
        batch_op.create_index('ix_iso_supplier_evaluation_supplier_on', ['supplier_id', 'evaluated_on'], unique=False)
    op.create_table('iso_competence_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('obtained_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['competence_id'], ['iso_competence.id'], name=op.f('fk_iso_competence_evidence_competence_id_iso_competence')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_iso_competence_evidence_employee_id_employee')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_iso_competence_evidence_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_competence_evidence'))
    )
    with op.batch_alter_table('iso_competence_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_competence_evidence_competence_id'), ['competence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iso_competence_evidence_employee_id'), ['employee_id'], unique=False)
    op.create_table('iso_employee_function',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('function_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_iso_employee_function_employee_id_employee')),
    sa.ForeignKeyConstraint(['function_id'], ['iso_function.id'], name=op.f('fk_iso_employee_function_function_id_iso_function')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_employee_function')),
    sa.UniqueConstraint('employee_id', 'function_id', name=op.f('uq_iso_employee_function_employee_id'))
    )
    with op.batch_alter_table('iso_employee_function', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_employee_function_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iso_employee_function_function_id'), ['function_id'], unique=False)
    op.create_table('iso_learning_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_iso_learning_assignment_employee_id_employee')),
    sa.ForeignKeyConstraint(['path_id'], ['iso_learning_path.id'], name=op.f('fk_iso_learning_assignment_path_id_iso_learning_path')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_learning_assignment')),
    sa.UniqueConstraint('employee_id', 'path_id', name=op.f('uq_iso_learning_assignment_employee_id'))
    )
    with op.batch_alter_table('iso_learning_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_learning_assignment_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iso_learning_assignment_path_id'), ['path_id'], unique=False)
    op.create_table('iso_measurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['iso_objective.id'], name=op.f('fk_iso_measurement_objective_id_iso_objective')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_iso_measurement_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_measurement'))
    )
    with op.batch_alter_table('iso_measurement', schema=None) as batch_op:
        batch_op.create_index('ix_iso_measurement_objective_on', ['objective_id', 'measured_on'], unique=False)
    op.create_table('iso_step_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('signed_by_employee_id', sa.Integer(), nullable=False),
    sa.Column('signed_by_user_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_iso_step_signoff_employee_id_employee')),
    sa.ForeignKeyConstraint(['signed_by_employee_id'], ['employee.id'], name=op.f('fk_iso_step_signoff_signed_by_employee_id_employee')),
    sa.ForeignKeyConstraint(['signed_by_user_id'], ['user.id'], name=op.f('fk_iso_step_signoff_signed_by_user_id_user')),
    sa.ForeignKeyConstraint(['step_id'], ['iso_learning_step.id'], name=op.f('fk_iso_step_signoff_step_id_iso_learning_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iso_step_signoff')),
    sa.UniqueConstraint('employee_id', 'step_id', name=op.f('uq_iso_step_signoff_employee_id'))
    )
    with op.batch_alter_table('iso_step_signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iso_step_signoff_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iso_step_signoff_step_id'), ['step_id'], unique=False)


def downgrade():
    with op.batch_alter_table('iso_step_signoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_step_signoff_step_id'))
        batch_op.drop_index(batch_op.f('ix_iso_step_signoff_employee_id'))
    op.drop_table('iso_step_signoff')
    with op.batch_alter_table('iso_measurement', schema=None) as batch_op:
        batch_op.drop_index('ix_iso_measurement_objective_on')
    op.drop_table('iso_measurement')
    with op.batch_alter_table('iso_learning_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_learning_assignment_path_id'))
        batch_op.drop_index(batch_op.f('ix_iso_learning_assignment_employee_id'))
    op.drop_table('iso_learning_assignment')
    with op.batch_alter_table('iso_employee_function', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_employee_function_function_id'))
        batch_op.drop_index(batch_op.f('ix_iso_employee_function_employee_id'))
    op.drop_table('iso_employee_function')
    with op.batch_alter_table('iso_competence_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_competence_evidence_employee_id'))
        batch_op.drop_index(batch_op.f('ix_iso_competence_evidence_competence_id'))
    op.drop_table('iso_competence_evidence')
    with op.batch_alter_table('iso_supplier_evaluation', schema=None) as batch_op:
        batch_op.drop_index('ix_iso_supplier_evaluation_supplier_on')
        batch_op.drop_index(batch_op.f('ix_iso_supplier_evaluation_next_evaluation'))
    op.drop_table('iso_supplier_evaluation')
    with op.batch_alter_table('iso_risk', schema=None) as batch_op:
        batch_op.drop_index('ix_iso_risk_state')
        batch_op.drop_index(batch_op.f('ix_iso_risk_owner_id'))
    op.drop_table('iso_risk')
    with op.batch_alter_table('iso_process', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_process_owner_id'))
    op.drop_table('iso_process')
    with op.batch_alter_table('iso_objective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_objective_owner_id'))
    op.drop_table('iso_objective')
    with op.batch_alter_table('iso_learning_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_learning_step_path_id'))
    op.drop_table('iso_learning_step')
    with op.batch_alter_table('iso_context_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_context_review_reviewed_on'))
    op.drop_table('iso_context_review')
    with op.batch_alter_table('iso_complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_iso_complaint_state_deadline')
        batch_op.drop_index(batch_op.f('ix_iso_complaint_site_id'))
        batch_op.drop_index(batch_op.f('ix_iso_complaint_received_on'))
        batch_op.drop_index(batch_op.f('ix_iso_complaint_owner_id'))
    op.drop_table('iso_complaint')
    with op.batch_alter_table('iso_competence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_competence_function_id'))
    op.drop_table('iso_competence')
    with op.batch_alter_table('iso_satisfaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iso_satisfaction_surveyed_on'))
    op.drop_table('iso_satisfaction')
    op.drop_table('iso_learning_path')
    op.drop_table('iso_issue')
    op.drop_table('iso_interested_party')
    op.drop_table('iso_function')
    op.drop_table('iso_exclusion')
    op.drop_table('iso_context_statement')
