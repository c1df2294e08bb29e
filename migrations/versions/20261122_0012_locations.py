"""Work locations: employees' usual site and document distribution by site.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_target_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_target_site_id_site'), 'site', ['site_id'], ['id'])

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_employee_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_employee_site_id_site'), 'site', ['site_id'], ['id'])


def downgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_employee_site_id_site'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_employee_site_id'))
        batch_op.drop_column('site_id')

    with op.batch_alter_table('document_target', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_target_site_id_site'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_target_site_id'))
        batch_op.drop_column('site_id')
