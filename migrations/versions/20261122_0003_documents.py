"""Document control: documents, versions, signatures, distribution, reading (qms/documents).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


#: Full-text search over document.search_text, per dialect (same statements as qms/documents/models.py).
SEARCH_DDL = {
    "sqlite": ["CREATE VIRTUAL TABLE document_fts USING fts5(body)"],
    "postgresql": ["CREATE INDEX ix_document_search ON document "
                   "USING gin (to_tsvector('simple', coalesce(search_text, '')))"],
}
SEARCH_DROP = {
    "sqlite": ["DROP TABLE IF EXISTS document_fts"],
    "postgresql": ["DROP INDEX IF EXISTS ix_document_search"],
}


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('type', sa.Enum('policy', 'procedure', 'work_instruction', 'form', 'external', 'record_template', name='documenttype', native_enum=False, length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('retention_years', sa.Integer(), nullable=True),
    sa.Column('review_interval_months', sa.Integer(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'in_review', 'approved', 'published', 'superseded', 'withdrawn', name='versionstate', native_enum=False, length=20), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_document_department_id_department')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_document_owner_id_user')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_document_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('number', name=op.f('uq_document_number'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_next_review_on'), ['next_review_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_document_status_number', ['status', 'number'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_title'), ['title'], unique=False)
        batch_op.create_index('ix_document_type_status_review', ['type', 'status', 'next_review_on'], unique=False)

    op.create_table('document_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('norm', sa.String(length=20), nullable=False),
    sa.Column('norm_version', sa.String(length=20), nullable=False),
    sa.Column('requirement', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_requirement_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_requirement')),
    sa.UniqueConstraint('document_id', 'norm', 'norm_version', 'requirement', name='uq_document_requirement')
    )
    with op.batch_alter_table('document_requirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_requirement_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_document_requirement_key', ['norm', 'norm_version', 'requirement'], unique=False)

    op.create_table('document_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('role', 'user', 'department', name='targetkind', native_enum=False, length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_document_target_department_id_department')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_target_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_document_target_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_target'))
    )
    with op.batch_alter_table('document_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_target_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_target_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_target_user_id'), ['user_id'], unique=False)

    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('minor', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'in_review', 'approved', 'published', 'superseded', 'withdrawn', name='versionstate', native_enum=False, length=20), nullable=False),
    sa.Column('content_markdown', sa.Text(), nullable=True),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('change_summary', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('reject_comment', sa.Text(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['user.id'], name=op.f('fk_document_version_approver_id_user')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_document_version_author_id_user')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_version_document_id_document')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_document_version_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'major', 'minor', name='uq_document_version_label')
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_document_id'), ['document_id'], unique=False)

    op.create_table('document_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_read_document_id_document')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_document_read_user_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_read_version_id_document_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_read')),
    sa.UniqueConstraint('user_id', 'version_id', name='uq_document_read')
    )
    with op.batch_alter_table('document_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_read_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_read_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_read_version_id'), ['version_id'], unique=False)

    op.create_table('document_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.Enum('confirmed', 'new_version', name='reviewoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_review_document_id_document')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_document_review_reviewed_by_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_review_version_id_document_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_review'))
    )
    with op.batch_alter_table('document_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_review_document_id'), ['document_id'], unique=False)

    op.create_table('document_reviewer',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_document_reviewer_user_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_reviewer_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'user_id', name=op.f('pk_document_reviewer'))
    )
    op.create_table('document_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('meaning', sa.Enum('reviewed', 'approved', name='signaturemeaning', native_enum=False, length=20), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['signer_id'], ['user.id'], name=op.f('fk_document_signature_signer_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_signature_version_id_document_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_signature'))
    )
    with op.batch_alter_table('document_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_signature_version_id'), ['version_id'], unique=False)
    for statement in SEARCH_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in SEARCH_DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('document_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_signature_version_id'))

    op.drop_table('document_signature')
    op.drop_table('document_reviewer')
    with op.batch_alter_table('document_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_review_document_id'))

    op.drop_table('document_review')
    with op.batch_alter_table('document_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_read_version_id'))
        batch_op.drop_index(batch_op.f('ix_document_read_user_id'))
        batch_op.drop_index(batch_op.f('ix_document_read_document_id'))

    op.drop_table('document_read')
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_version_document_id'))

    op.drop_table('document_version')
    with op.batch_alter_table('document_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_document_target_document_id'))
        batch_op.drop_index(batch_op.f('ix_document_target_department_id'))

    op.drop_table('document_target')
    with op.batch_alter_table('document_requirement', schema=None) as batch_op:
        batch_op.drop_index('ix_document_requirement_key')
        batch_op.drop_index(batch_op.f('ix_document_requirement_document_id'))

    op.drop_table('document_requirement')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_type_status_review')
        batch_op.drop_index(batch_op.f('ix_document_title'))
        batch_op.drop_index('ix_document_status_number')
        batch_op.drop_index(batch_op.f('ix_document_site_id'))
        batch_op.drop_index(batch_op.f('ix_document_owner_id'))
        batch_op.drop_index(batch_op.f('ix_document_next_review_on'))
        batch_op.drop_index(batch_op.f('ix_document_department_id'))

    op.drop_table('document')
