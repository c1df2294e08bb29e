"""incident: what the handler shares with the reporter

Revision ID: 0120
Revises: 0100
Create Date: 2026-12-03 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0120'
down_revision = '0100'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reporter_note_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('reporter_note_at')
        batch_op.drop_column('reporter_note')
