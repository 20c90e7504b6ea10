"""fewer indexes written by every scan

Checkins by event and by member (the unique constraints' indexes lead with them), ledger records by source
(nothing looks records up by it; entry_status keeps its own).

Revision ID: 0015_fewer_scan_indexes
Revises: 0014_unit_file_jobs
Create Date: 2026-12-02 07:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_fewer_scan_indexes'
down_revision = '0014_unit_file_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_event_id')
        batch_op.drop_index('ix_checkins_member_id')
    with op.batch_alter_table('ledger_records', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_records_source')


def downgrade():
    with op.batch_alter_table('ledger_records', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_records_source', ['source', 'source_id'], unique=False)
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_member_id', ['member_id'], unique=False)
        batch_op.create_index('ix_checkins_event_id', ['event_id'], unique=False)
