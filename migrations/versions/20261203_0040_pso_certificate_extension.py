"""PSO: which certificate extends an Aspirant-status moves from the core certificate table into PSO's own
table (pso_certificate_extension), values copied; downgrade copies them back.

Revision ID: 0040
Revises: 0021
Create Date: 2026-12-03 17:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pso_certificate_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('extends_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'],
                            name=op.f('fk_pso_certificate_extension_certificate_id_certificate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['extends_id'], ['certificate.id'],
                            name=op.f('fk_pso_certificate_extension_extends_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pso_certificate_extension')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_pso_certificate_extension_certificate_id'))
    )
    with op.batch_alter_table('pso_certificate_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pso_certificate_extension_extends_id'), ['extends_id'], unique=False)
    op.execute("INSERT INTO pso_certificate_extension (certificate_id, extends_id) "
               "SELECT id, extends_id FROM certificate WHERE extends_id IS NOT NULL ORDER BY id")
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificate_extends_id_certificate'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_certificate_extends_id'))
        batch_op.drop_column('extends_id')


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extends_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_certificate_extends_id'), ['extends_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_certificate_extends_id_certificate'), 'certificate',
                                    ['extends_id'], ['id'])
    op.execute("UPDATE certificate SET extends_id = (SELECT e.extends_id FROM pso_certificate_extension e "
               "WHERE e.certificate_id = certificate.id)")
    with op.batch_alter_table('pso_certificate_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pso_certificate_extension_extends_id'))
    op.drop_table('pso_certificate_extension')
