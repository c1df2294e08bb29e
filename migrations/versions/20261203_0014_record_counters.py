"""Record counters: one row per number series and year, so record numbers cannot collide.

Seeded from the numbers already in use (INC, NC, AU, KL), so an existing database continues where it was.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

#: Number series and the table column that holds their numbers (SERIES-YEAR-SEQUENCE).
SERIES = {'INC': ('incident', 'number'), 'NC': ('nonconformity', 'number'), 'AU': ('audit_audit', 'number'),
          'KL': ('iso_complaint', 'number')}


def upgrade():
    counter = op.create_table(
        'record_counter',
        sa.Column('series', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_record_counter')),
    )
    bind = op.get_bind()
    rows = []
    for series, (table, column) in SERIES.items():
        pattern = re.compile(re.escape(series) + r'-(\d{4})-(\d+)$')
        highest = {}
        for (number,) in bind.execute(sa.text(f'SELECT {column} FROM {table} WHERE {column} LIKE :p'),
                                      {'p': series + '-%'}):
            match = pattern.match(number or '')
            if match:
                year, value = int(match.group(1)), int(match.group(2))
                highest[year] = max(highest.get(year, 0), value)
        rows += [{'series': series, 'year': year, 'value': value} for year, value in sorted(highest.items())]
    if rows:
        op.bulk_insert(counter, rows)


def downgrade():
    op.drop_table('record_counter')
