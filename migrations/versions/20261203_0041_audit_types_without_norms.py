"""Audits: the audit types "PSO audit" and "VCA audit" become internal audits (the norms an audit covers are in
audit_norm, so nothing is lost); downgrade gives an internal audit held against PSO or VCA alone its old type.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-03 17:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE audit_audit SET type = 'internal' WHERE type IN ('pso', 'vca')")


def downgrade():
    for norm in ("pso", "vca"):
        op.execute(f"UPDATE audit_audit SET type = '{norm}' WHERE type = 'internal' AND id IN ("
                   f"SELECT audit_id FROM audit_norm GROUP BY audit_id "
                   f"HAVING COUNT(*) = 1 AND MIN(norm) = '{norm}')")
