"""Background jobs: a generic job table; the dossier job keeps only its own columns and points at it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

JOB_STATE = sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False, length=20)
MOVED = ('locale', 'state', 'progress', 'total', 'error', 'requested_by_id', 'created_at', 'finished_at')


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('task', sa.String(length=60), nullable=False),
    sa.Column('state', JOB_STATE, nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('params', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_job_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_requested_by_id'), ['requested_by_id'], unique=False)

    # Existing dossier jobs become jobs with the same id.
    op.execute(
        "INSERT INTO job (id, kind, task, state, progress, total, locale, error, requested_by_id, created_at, "
        "finished_at) SELECT id, 'evidence.dossier', 'evidence.dossier', state, progress, total, locale, error, "
        "requested_by_id, created_at, finished_at FROM evidence_dossier_job")
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('job', 'id'), COALESCE((SELECT MAX(id) FROM job), 0) + 1, "
                   "false)")
        op.execute("ALTER TABLE evidence_dossier_job ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS evidence_dossier_job_id_seq")

    with op.batch_alter_table('evidence_dossier_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_dossier_job_requested_by_id'))
        batch_op.drop_constraint(batch_op.f('fk_evidence_dossier_job_requested_by_id_user'), type_='foreignkey')
        for column in MOVED:
            batch_op.drop_column(column)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_dossier_job_id_job'), 'job', ['id'], ['id'])


def downgrade():
    with op.batch_alter_table('evidence_dossier_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_dossier_job_id_job'), type_='foreignkey')
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=False, server_default='nl'))
        batch_op.add_column(sa.Column('state', JOB_STATE, nullable=False, server_default='failed'))
        batch_op.add_column(sa.Column('progress', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('total', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE evidence_dossier_job SET locale = (SELECT locale FROM job WHERE job.id = evidence_dossier_job.id), "
        "state = (SELECT state FROM job WHERE job.id = evidence_dossier_job.id), "
        "progress = (SELECT progress FROM job WHERE job.id = evidence_dossier_job.id), "
        "total = (SELECT total FROM job WHERE job.id = evidence_dossier_job.id), "
        "error = (SELECT error FROM job WHERE job.id = evidence_dossier_job.id), "
        "requested_by_id = (SELECT requested_by_id FROM job WHERE job.id = evidence_dossier_job.id), "
        "created_at = (SELECT created_at FROM job WHERE job.id = evidence_dossier_job.id), "
        "finished_at = (SELECT finished_at FROM job WHERE job.id = evidence_dossier_job.id)")
    with op.batch_alter_table('evidence_dossier_job', schema=None) as batch_op:
        for column in ('locale', 'state', 'progress', 'total', 'created_at'):
            batch_op.alter_column(column, server_default=None)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_dossier_job_requested_by_id_user'), 'user',
                                    ['requested_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_evidence_dossier_job_requested_by_id'), ['requested_by_id'],
                              unique=False)
    if op.get_bind().dialect.name == 'postgresql':  # the dossier job numbers itself again
        op.execute("CREATE SEQUENCE evidence_dossier_job_id_seq OWNED BY evidence_dossier_job.id")
        op.execute("SELECT setval('evidence_dossier_job_id_seq', "
                   "COALESCE((SELECT MAX(id) FROM evidence_dossier_job), 0) + 1, false)")
        op.execute("ALTER TABLE evidence_dossier_job ALTER COLUMN id SET DEFAULT nextval('evidence_dossier_job_id_seq')")
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_requested_by_id'))
    op.drop_table('job')
