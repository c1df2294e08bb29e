"""ISO 9001 module: context, risks, objectives, complaints, supplier evaluation, competence (qms/iso9001).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
