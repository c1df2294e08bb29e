"""Audit trail: a hash version per entry (the chain is now keyed), and REPLACE refused on SQLite.

Rows already in the trail keep their plain SHA-256 hashes and get hash_version 1; they are never rewritten
(the trail stays append-only through the upgrade), and audit-verify accepts them only before the first
keyed entry, which seals them in. New entries are written with hash_version 2 (HMAC-SHA256).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Copied here so this revision never changes (the model's copy is in qms/audit/models.py).
SQLITE_NO_REPLACE = (
    "CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_entry "
    "WHEN (NEW.id <> -1 AND NEW.id <= (SELECT max(id) FROM audit_entry)) "
    "OR EXISTS (SELECT 1 FROM audit_entry WHERE hash = NEW.hash) "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
)
# Revision 0001's triggers, which a SQLite batch operation that rebuilds the table drops with it.
SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
]


def upgrade():
    # A plain ADD COLUMN on either database: no row is updated, so the append-only triggers stay quiet.
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_version', sa.SmallInteger(), server_default='1', nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_NO_REPLACE)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_replace")
        for name in ("audit_entry_no_update", "audit_entry_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('hash_version')
    if sqlite:
        for statement in SQLITE_APPEND_ONLY:
            op.execute(statement)
