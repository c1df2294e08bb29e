"""Incidents: a partial index of the accidents still to report to the Arbeidsinspectie, in the order the start
page lists them (PostgreSQL walked the whole log by date to find none).

Revision ID: 0160
Revises: 0150
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0160'
down_revision = '0150'
branch_labels = None
depends_on = None

OPEN = sa.text("arbo_reason IS NOT NULL AND arbo_notified_at IS NULL")


def upgrade():
    op.create_index('ix_incident_arbo_open', 'incident', ['occurred_at', 'id'], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('ix_incident_arbo_open', table_name='incident')
