"""Certification evidence, own certificates, readiness snapshots, dossiers (qms/evidence).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=True),
    sa.Column('certifying_body', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_norm'), ['norm'], unique=False)
    op.create_table('evidence_readiness_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('covered', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('expired', sa.Integer(), nullable=False),
    sa.Column('expiring', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_readiness_snapshot')),
    sa.UniqueConstraint('norm', 'version', 'level', 'on_date', name='uq_evidence_snapshot')
    )
    op.create_table('evidence_dossier_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False, length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=True),
    sa.Column('pdf_name', sa.String(length=120), nullable=True),
    sa.Column('zip_name', sa.String(length=120), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_evidence_dossier_job_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_dossier_job'))
    )
    with op.batch_alter_table('evidence_dossier_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_dossier_job_requested_by_id'), ['requested_by_id'], unique=False)
    op.create_table('evidence_record_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_evidence_record_link_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_record_link')),
    sa.UniqueConstraint('norm', 'version', 'code', 'record_type', 'record_id', name='uq_evidence_record_link')
    )
    with op.batch_alter_table('evidence_record_link', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_record_link_key', ['norm', 'version', 'code'], unique=False)
    op.create_table('evidence_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('review_status', sa.Enum('pending', 'accepted', 'rejected', name='reviewstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_evidence_item_file_id_stored_file')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_evidence_item_owner_id_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_evidence_item_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_item'))
    )
    with op.batch_alter_table('evidence_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_item_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_item_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_item_valid_until'), ['valid_until'], unique=False)
    op.create_table('evidence_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_item.id'], name=op.f('fk_evidence_requirement_evidence_id_evidence_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_requirement')),
    sa.UniqueConstraint('evidence_id', 'norm', 'version', 'code', name='uq_evidence_requirement')
    )
    with op.batch_alter_table('evidence_requirement', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_requirement_key', ['norm', 'version', 'code'], unique=False)


def downgrade():
    with op.batch_alter_table('evidence_requirement', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_requirement_key')
    op.drop_table('evidence_requirement')
    with op.batch_alter_table('evidence_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_item_valid_until'))
        batch_op.drop_index(batch_op.f('ix_evidence_item_owner_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_item_file_id'))
    op.drop_table('evidence_item')
    with op.batch_alter_table('evidence_record_link', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_record_link_key')
    op.drop_table('evidence_record_link')
    with op.batch_alter_table('evidence_dossier_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_dossier_job_requested_by_id'))
    op.drop_table('evidence_dossier_job')
    op.drop_table('evidence_readiness_snapshot')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_norm'))
        batch_op.drop_index(batch_op.f('ix_certificate_expires_on'))
    op.drop_table('certificate')
