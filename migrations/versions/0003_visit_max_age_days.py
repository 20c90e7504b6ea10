"""county_settings.visit_max_age_days: how old a visit may be when it is logged

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('county_settings', schema=None) as batch_op:
        # The server default fills the county's existing row; the model's default fills new ones.
        batch_op.add_column(sa.Column('visit_max_age_days', sa.Integer(), nullable=False, server_default='31'))


def downgrade():
    with op.batch_alter_table('county_settings', schema=None) as batch_op:
        batch_op.drop_column('visit_max_age_days')
