"""Evidence revisions: every file an evidence item has had, with its dates and reviewer; the file each item
holds today becomes its revision 1.

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-03 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0090'
down_revision = '0080'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('review_status', sa.Enum('pending', 'accepted', 'rejected', name='reviewstatus', native_enum=False,
                                       length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_evidence_revision_created_by_id_user')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_item.id'], name=op.f('fk_evidence_revision_evidence_id_evidence_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_evidence_revision_file_id_stored_file')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_evidence_revision_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_revision')),
    sa.UniqueConstraint('evidence_id', 'number', name=op.f('uq_evidence_revision_evidence_id'))
    )
    with op.batch_alter_table('evidence_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_revision_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_revision_file_id'), ['file_id'], unique=False)
    # Every existing file is its item's first revision (uploader and upload time from the stored file).
    op.execute(
        "INSERT INTO evidence_revision (evidence_id, number, file_id, valid_from, valid_until, review_status, "
        "reviewed_by_id, reviewed_at, created_by_id, created_at) "
        "SELECT e.id, 1, e.file_id, e.valid_from, e.valid_until, e.review_status, e.reviewed_by_id, e.reviewed_at, "
        "f.uploaded_by_id, e.created_at FROM evidence_item e JOIN stored_file f ON f.id = e.file_id")


def downgrade():
    with op.batch_alter_table('evidence_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_revision_file_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_revision_evidence_id'))
    op.drop_table('evidence_revision')
