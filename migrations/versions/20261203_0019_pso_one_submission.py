"""PSO: one submitted measurement per peiljaar; later submissions are corrections linked to the one before.

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pso_measurement', schema=None) as batch_op:
        batch_op.create_index('uq_pso_measurement_submitted_year', ['year'], unique=True,
                              sqlite_where=sa.text("state = 'SUBMITTED' AND corrects_id IS NULL"),
                              postgresql_where=sa.text("state = 'SUBMITTED' AND corrects_id IS NULL"))
        batch_op.create_index('uq_pso_measurement_submitted_correction', ['corrects_id'], unique=True,
                              sqlite_where=sa.text("state = 'SUBMITTED'"),
                              postgresql_where=sa.text("state = 'SUBMITTED'"))


def downgrade():
    with op.batch_alter_table('pso_measurement', schema=None) as batch_op:
        batch_op.drop_index('uq_pso_measurement_submitted_correction')
        batch_op.drop_index('uq_pso_measurement_submitted_year')
