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


# Plain ALTER TABLE (SQLite 3.35+ drops a column in place): a batch copy of the incident table would break the
# foreign keys of the tables that point at it.
def upgrade():
    op.add_column('incident', sa.Column('reporter_note', sa.Text(), nullable=True))
    op.add_column('incident', sa.Column('reporter_note_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('incident', 'reporter_note_at')
    op.drop_column('incident', 'reporter_note')
