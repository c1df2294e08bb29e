"""VCA: hazardous substances register (products, safety data sheets, hazard codes, CMR list and registration,
instruction confirmations, links to incidents and toolbox meetings).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:09:22.868057

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vca_cmr_substance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cas', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=3), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('version_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_cmr_substance')),
    sa.UniqueConstraint('cas', name=op.f('uq_vca_cmr_substance_cas'))
    )
    op.create_table('vca_hazard_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('pictogram', 'hazard', 'precaution', name='hazardkind', native_enum=False, length=20), nullable=False),
    sa.Column('text_nl', sa.String(length=300), nullable=False),
    sa.Column('text_en', sa.String(length=300), nullable=False),
    sa.Column('source_version', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_hazard_code')),
    sa.UniqueConstraint('code', name=op.f('uq_vca_hazard_code_code'))
    )
    with op.batch_alter_table('vca_hazard_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_hazard_code_kind'), ['kind'], unique=False)

    op.create_table('vca_substance_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sds_max_age_years', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_substance_settings'))
    )
    op.create_table('vca_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('purpose', sa.String(length=160), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('functions', sa.String(length=500), nullable=True),
    sa.Column('quantity_band', sa.Enum('small', 'medium', 'large', 'bulk', name='quantityband', native_enum=False, length=20), nullable=False),
    sa.Column('signal_word', sa.Enum('none', 'warning', 'danger', name='signalword', native_enum=False, length=20), nullable=False),
    sa.Column('pictograms', sa.String(length=100), nullable=True),
    sa.Column('hazard_statements', sa.String(length=500), nullable=True),
    sa.Column('precaution_statements', sa.String(length=500), nullable=True),
    sa.Column('ppe', sa.String(length=200), nullable=True),
    sa.Column('do_text', sa.Text(), nullable=True),
    sa.Column('dont_text', sa.Text(), nullable=True),
    sa.Column('first_aid', sa.Text(), nullable=True),
    sa.Column('disposal', sa.Text(), nullable=True),
    sa.Column('sds_file_id', sa.Integer(), nullable=True),
    sa.Column('sds_issued_on', sa.Date(), nullable=True),
    sa.Column('sds_language', sa.String(length=5), nullable=True),
    sa.Column('sds_revision', sa.String(length=20), nullable=True),
    sa.Column('sds_reviewed_on', sa.Date(), nullable=True),
    sa.Column('newer_revision_on', sa.Date(), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['vca_risk_assessment.id'], name=op.f('fk_vca_product_assessment_id_vca_risk_assessment')),
    sa.ForeignKeyConstraint(['sds_file_id'], ['stored_file.id'], name=op.f('fk_vca_product_sds_file_id_stored_file')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_vca_product_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_product'))
    )
    with op.batch_alter_table('vca_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_product_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('vca_cmr_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('exposed', sa.Text(), nullable=True),
    sa.Column('exposure', sa.String(length=300), nullable=True),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('substitution', sa.Enum('open', 'substituted', 'not_possible', 'planned', name='substitution', native_enum=False, length=20), nullable=False),
    sa.Column('substitution_reason', sa.Text(), nullable=True),
    sa.Column('substitution_planned_on', sa.Date(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['vca_product.id'], name=op.f('fk_vca_cmr_registration_product_id_vca_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_cmr_registration')),
    sa.UniqueConstraint('product_id', name=op.f('uq_vca_cmr_registration_product_id'))
    )
    op.create_table('vca_product_incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_vca_product_incident_incident_id_incident')),
    sa.ForeignKeyConstraint(['product_id'], ['vca_product.id'], name=op.f('fk_vca_product_incident_product_id_vca_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_product_incident')),
    sa.UniqueConstraint('product_id', 'incident_id', name='uq_vca_product_incident')
    )
    with op.batch_alter_table('vca_product_incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_product_incident_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_incident_product_id'), ['product_id'], unique=False)

    op.create_table('vca_product_instruction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['vca_product.id'], name=op.f('fk_vca_product_instruction_product_id_vca_product')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_vca_product_instruction_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_product_instruction')),
    sa.UniqueConstraint('product_id', 'user_id', name='uq_vca_product_instruction')
    )
    with op.batch_alter_table('vca_product_instruction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_product_instruction_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_instruction_user_id'), ['user_id'], unique=False)

    op.create_table('vca_product_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['vca_product.id'], name=op.f('fk_vca_product_site_product_id_vca_product'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_vca_product_site_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_product_site')),
    sa.UniqueConstraint('product_id', 'site_id', name='uq_vca_product_site')
    )
    with op.batch_alter_table('vca_product_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_product_site_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_site_site_id'), ['site_id'], unique=False)

    op.create_table('vca_product_substance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('cas', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('concentration', sa.Enum('lt1', '1_5', '5_10', '10_25', '25_50', 'gt50', name='concentrationband', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['vca_product.id'], name=op.f('fk_vca_product_substance_product_id_vca_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_product_substance'))
    )
    with op.batch_alter_table('vca_product_substance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_product_substance_cas'), ['cas'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_substance_product_id'), ['product_id'], unique=False)

    op.create_table('vca_product_toolbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['vca_toolbox_meeting.id'], name=op.f('fk_vca_product_toolbox_meeting_id_vca_toolbox_meeting')),
    sa.ForeignKeyConstraint(['product_id'], ['vca_product.id'], name=op.f('fk_vca_product_toolbox_product_id_vca_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vca_product_toolbox')),
    sa.UniqueConstraint('product_id', 'meeting_id', name='uq_vca_product_toolbox')
    )
    with op.batch_alter_table('vca_product_toolbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vca_product_toolbox_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vca_product_toolbox_product_id'), ['product_id'], unique=False)



def downgrade():
    with op.batch_alter_table('vca_product_toolbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_product_toolbox_product_id'))
        batch_op.drop_index(batch_op.f('ix_vca_product_toolbox_meeting_id'))

    op.drop_table('vca_product_toolbox')
    with op.batch_alter_table('vca_product_substance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_product_substance_product_id'))
        batch_op.drop_index(batch_op.f('ix_vca_product_substance_cas'))

    op.drop_table('vca_product_substance')
    with op.batch_alter_table('vca_product_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_product_site_site_id'))
        batch_op.drop_index(batch_op.f('ix_vca_product_site_product_id'))

    op.drop_table('vca_product_site')
    with op.batch_alter_table('vca_product_instruction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_product_instruction_user_id'))
        batch_op.drop_index(batch_op.f('ix_vca_product_instruction_product_id'))

    op.drop_table('vca_product_instruction')
    with op.batch_alter_table('vca_product_incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_product_incident_product_id'))
        batch_op.drop_index(batch_op.f('ix_vca_product_incident_incident_id'))

    op.drop_table('vca_product_incident')
    op.drop_table('vca_cmr_registration')
    with op.batch_alter_table('vca_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_product_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_vca_product_name'))
        batch_op.drop_index(batch_op.f('ix_vca_product_active'))

    op.drop_table('vca_product')
    op.drop_table('vca_substance_settings')
    with op.batch_alter_table('vca_hazard_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vca_hazard_code_kind'))

    op.drop_table('vca_hazard_code')
    op.drop_table('vca_cmr_substance')
