"""PSO module: reference data, register, measurements, purchases (qms/pso).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pso_planned_hire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('contract_type', sa.String(length=40), nullable=False),
    sa.Column('hours_per_week', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('starting_position', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_planned_hire'))
    )
    op.create_table('pso_reference_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('title_nl', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_reference_version')),
    sa.UniqueConstraint('code', name=op.f('uq_pso_reference_version_code'))
    )
    op.create_table('pso_measurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('reference_code', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Enum('DRAFT', 'SUBMITTED', 'DISCARDED', name='measurementstate', native_enum=False, length=20), nullable=False),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('total_pct', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['corrects_id'], ['pso_measurement.id'], name=op.f('fk_pso_measurement_corrects_id_pso_measurement')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_pso_measurement_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_measurement'))
    )
    with op.batch_alter_table('pso_measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pso_measurement_year'), ['year'], unique=False)

    op.create_table('pso_purchase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('supplier_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('PSO', 'SW', name='supplierkind', native_enum=False, length=10), nullable=False),
    sa.Column('certificate_number', sa.String(length=60), nullable=True),
    sa.Column('invoice_value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('supplier_turnover', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('supplier_target_fte', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_pso_purchase_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_purchase'))
    )
    with op.batch_alter_table('pso_purchase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pso_purchase_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pso_purchase_year'), ['year'], unique=False)

    op.create_table('pso_employment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('contract_type', sa.String(length=40), nullable=False),
    sa.Column('hours_per_week', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('norm_week_hours', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_pso_employment_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_employment'))
    )
    with op.batch_alter_table('pso_employment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pso_employment_employee_id'), ['employee_id'], unique=False)

    op.create_table('pso_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('hours_worked', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_pso_hours_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_hours')),
    sa.UniqueConstraint('employee_id', 'year', name='uq_pso_hours_employee_year')
    )
    with op.batch_alter_table('pso_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pso_hours_employee_id'), ['employee_id'], unique=False)

    op.create_table('pso_target_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('starting_position', sa.String(length=40), nullable=False),
    sa.Column('intake_date', sa.Date(), nullable=False),
    sa.Column('status_until', sa.Date(), nullable=True),
    sa.Column('evidence_file_id', sa.Integer(), nullable=True),
    sa.Column('education_route', sa.String(length=3), nullable=True),
    sa.Column('education_level', sa.Integer(), nullable=True),
    sa.Column('school', sa.String(length=160), nullable=True),
    sa.Column('agreement_file_id', sa.Integer(), nullable=True),
    sa.Column('suitable_work', sa.Text(), nullable=True),
    sa.Column('integration', sa.Text(), nullable=True),
    sa.Column('support_needed', sa.Boolean(), nullable=False),
    sa.Column('support', sa.Text(), nullable=True),
    sa.Column('job_coach', sa.String(length=160), nullable=True),
    sa.ForeignKeyConstraint(['agreement_file_id'], ['stored_file.id'], name=op.f('fk_pso_target_status_agreement_file_id_stored_file')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_pso_target_status_employee_id_employee')),
    sa.ForeignKeyConstraint(['evidence_file_id'], ['stored_file.id'], name=op.f('fk_pso_target_status_evidence_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_target_status')),
    sa.UniqueConstraint('employee_id', name=op.f('uq_pso_target_status_employee_id'))
    )
    op.create_table('pso_conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('PERFORMANCE', 'DEVELOPMENT', name='conversationkind', native_enum=False, length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_pso_conversation_file_id_stored_file')),
    sa.ForeignKeyConstraint(['status_id'], ['pso_target_status.id'], name=op.f('fk_pso_conversation_status_id_pso_target_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_conversation'))
    )
    with op.batch_alter_table('pso_conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pso_conversation_status_id'), ['status_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pso_conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pso_conversation_status_id'))

    op.drop_table('pso_conversation')
    op.drop_table('pso_target_status')
    with op.batch_alter_table('pso_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pso_hours_employee_id'))

    op.drop_table('pso_hours')
    with op.batch_alter_table('pso_employment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pso_employment_employee_id'))

    op.drop_table('pso_employment')
    with op.batch_alter_table('pso_purchase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pso_purchase_year'))
        batch_op.drop_index(batch_op.f('ix_pso_purchase_supplier_id'))

    op.drop_table('pso_purchase')
    with op.batch_alter_table('pso_measurement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pso_measurement_year'))

    op.drop_table('pso_measurement')
    op.drop_table('pso_reference_version')
    op.drop_table('pso_planned_hire')
