"""erasure requests: crypto-shredding record, connector propagation and deadline

Revision ID: 0010
Revises: 0012

Candidates' data keys do not live in this database's tables (hub/privacy/keystore.py keeps them apart, so that a
copy of the data never carries them); this migration adds only the record of each erasure.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'erasure_requests',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('candidate_id', sa.String(length=36), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('key_destroyed', sa.Boolean(), nullable=False),
        sa.Column('data_keys', sa.JSON(), nullable=False),
        sa.Column('values_under_master_key', sa.Integer(), nullable=False),
        sa.Column('propagation', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name='fk_erasure_requests_candidate_id_candidates'),
        sa.PrimaryKeyConstraint('id', name='pk_erasure_requests'),
    )
    op.create_index('ix_erasure_requests_candidate_id', 'erasure_requests', ['candidate_id'])
    op.create_index('ix_erasure_requests_status', 'erasure_requests', ['status'])


def downgrade() -> None:
    op.drop_index('ix_erasure_requests_status', table_name='erasure_requests')
    op.drop_index('ix_erasure_requests_candidate_id', table_name='erasure_requests')
    op.drop_table('erasure_requests')
