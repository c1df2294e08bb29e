"""Training records and diplomas shared by VCA and ISO 9001 competence (qms/training).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('b_vca', 'vol_vca', 'vil_vcu', 'bhv', 'first_aid', 'other', name='trainingkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_training_record_employee_id_employee')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_training_record_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_record'))
    )
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_record_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('ix_training_record_valid_until', ['valid_until'], unique=False)


def downgrade():
    with op.batch_alter_table('training_record', schema=None) as batch_op:
        batch_op.drop_index('ix_training_record_valid_until')
        batch_op.drop_index(batch_op.f('ix_training_record_employee_id'))

    op.drop_table('training_record')
