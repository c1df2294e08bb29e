"""Speak-up channel (cases, messages, photos, attempts, settings) and how and by whom an accident was
reported to the Arbeidsinspectie.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('speakup_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakup_attempt'))
    )
    with op.batch_alter_table('speakup_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_speakup_attempt_key_hour', ['kind', 'key', 'hour'], unique=False)

    op.create_table('speakup_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('secret_hash', sa.String(length=255), nullable=False),
    sa.Column('category', sa.Enum('wrongdoing', 'manager_behaviour', 'harassment', 'other', name='category', native_enum=False, length=24), nullable=False),
    sa.Column('state', sa.Enum('received', 'acknowledged', 'feedback_given', 'closed', name='casestate', native_enum=False, length=24), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('reporter_name', sa.String(length=160), nullable=True),
    sa.Column('reporter_contact', sa.String(length=160), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('feedback_at', sa.DateTime(), nullable=True),
    sa.Column('feedback_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakup_case')),
    sa.UniqueConstraint('code', name=op.f('uq_speakup_case_code')),
    sa.UniqueConstraint('number', name=op.f('uq_speakup_case_number')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_speakup_case_submission_token'))
    )
    with op.batch_alter_table('speakup_case', schema=None) as batch_op:
        batch_op.create_index('ix_speakup_case_state_received', ['state', 'received_on'], unique=False)

    op.create_table('speakup_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.Enum('reporter', 'handler', name='author', native_enum=False, length=24), nullable=False),
    sa.Column('kind', sa.Enum('reporter', 'to_reporter', 'internal_note', name='messagekind', native_enum=False, length=24), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['user.id'], name=op.f('fk_speakup_message_author_user_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['speakup_case.id'], name=op.f('fk_speakup_message_case_id_speakup_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakup_message'))
    )
    with op.batch_alter_table('speakup_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speakup_message_author_user_id'), ['author_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_speakup_message_case_id'), ['case_id'], unique=False)

    op.create_table('speakup_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['speakup_case.id'], name=op.f('fk_speakup_photo_case_id_speakup_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_speakup_photo_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakup_photo')),
    sa.UniqueConstraint('stored_file_id', name=op.f('uq_speakup_photo_stored_file_id'))
    )
    with op.batch_alter_table('speakup_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speakup_photo_case_id'), ['case_id'], unique=False)

    op.create_table('speakup_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['procedure_document_id'], ['document.id'], name=op.f('fk_speakup_settings_procedure_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakup_settings'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arbo_method', sa.Enum('phone', 'online_form', name='arbomethod', native_enum=False, length=24), nullable=True))
        batch_op.add_column(sa.Column('arbo_reported_by', sa.String(length=160), nullable=True))



def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('arbo_reported_by')
        batch_op.drop_column('arbo_method')

    op.drop_table('speakup_settings')
    with op.batch_alter_table('speakup_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speakup_photo_case_id'))

    op.drop_table('speakup_photo')
    with op.batch_alter_table('speakup_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speakup_message_case_id'))
        batch_op.drop_index(batch_op.f('ix_speakup_message_author_user_id'))

    op.drop_table('speakup_message')
    with op.batch_alter_table('speakup_case', schema=None) as batch_op:
        batch_op.drop_index('ix_speakup_case_state_received')

    op.drop_table('speakup_case')
    with op.batch_alter_table('speakup_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_speakup_attempt_key_hour')

    op.drop_table('speakup_attempt')
