"""Supplier register shared by ISO 9001 and PSO (qms/suppliers).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('supplier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kvk_number', sa.String(length=8), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('contact', sa.String(length=160), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('supplies', sa.String(length=255), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier'))
    )
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.create_index('ix_supplier_name', ['name'], unique=False)
    op.create_table('supplier_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.Enum('iso9001', 'vca', 'pso', 'other', name='certificatescheme', native_enum=False, length=20), nullable=False),
    sa.Column('level', sa.String(length=60), nullable=True),
    sa.Column('number', sa.String(length=80), nullable=True),
    sa.Column('issuer', sa.String(length=160), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_certificate_supplier_id_supplier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_certificate'))
    )
    with op.batch_alter_table('supplier_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_certificate_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_certificate_valid_until'), ['valid_until'], unique=False)


def downgrade():
    with op.batch_alter_table('supplier_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_certificate_valid_until'))
        batch_op.drop_index(batch_op.f('ix_supplier_certificate_supplier_id'))
    op.drop_table('supplier_certificate')
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.drop_index('ix_supplier_name')
    op.drop_table('supplier')
