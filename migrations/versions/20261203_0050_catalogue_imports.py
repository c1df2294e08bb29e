"""Catalogue versions imported by an administrator (stored in the database, never in the package), and the
norm version each own certificate was issued against.

Revision ID: 0050
Revises: 0041
Create Date: 2026-12-03 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0050'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogue_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('preview', 'active', 'replaced', 'discarded', name='importstate', native_enum=False, length=20), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('requirement_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('activated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_catalogue_import_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_import')),
    sa.UniqueConstraint('norm', 'version', 'revision', name='uq_catalogue_import_revision')
    )
    with op.batch_alter_table('catalogue_import', schema=None) as batch_op:
        batch_op.create_index('ix_catalogue_import_state', ['state'], unique=False)
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('catalogue_import', schema=None) as batch_op:
        batch_op.drop_index('ix_catalogue_import_state')
    op.drop_table('catalogue_import')
