"""Which tables changed: one row per write transaction and table, the newest id per table being the stamp
that figures kept between requests are checked against (qms/core/changes.py).

Revision ID: 0150
Revises: 0140
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0150'
down_revision = '0140'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'table_change',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('table_name', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_table_change')),
    )
    op.create_index('ix_table_change_table_id', 'table_change', ['table_name', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_table_change_table_id', table_name='table_change')
    op.drop_table('table_change')
