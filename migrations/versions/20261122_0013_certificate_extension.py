"""Certificates: an Aspirant-status certificate names the certificate it extends.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extends_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_certificate_extends_id'), ['extends_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_certificate_extends_id_certificate'), 'certificate',
                                    ['extends_id'], ['id'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificate_extends_id_certificate'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_certificate_extends_id'))
        batch_op.drop_column('extends_id')
