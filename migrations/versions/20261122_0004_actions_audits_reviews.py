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
    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('effectiveness_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effectiveness_check_nonconformity_id'))
    op.drop_table('effectiveness_check')
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_action_source')
        batch_op.drop_index(batch_op.f('ix_corrective_action_owner_id'))
        batch_op.drop_index('ix_corrective_action_open_due')
        batch_op.drop_index(batch_op.f('ix_corrective_action_nonconformity_id'))
    op.drop_table('corrective_action')
    with op.batch_alter_table('nonconformity', schema=None) as batch_op:
        batch_op.drop_index('ix_nonconformity_state')
        batch_op.drop_index('ix_nonconformity_source')
        batch_op.drop_index('ix_nonconformity_requirement')
        batch_op.drop_index(batch_op.f('ix_nonconformity_owner_id'))
    op.drop_table('nonconformity')
    # ### end Alembic commands ###
