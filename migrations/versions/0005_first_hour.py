"""connector deletion and API key lifetimes

A deleted connector keeps its row (renamed to free its name, its config erased), so the sync log still names
the connector of every job it had. An API key may be given an expiry.

Revision ID: 0005
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite needs no table rebuild for them (a rebuild of `connectors` would trip the
    # foreign keys of sync_jobs).
    op.add_column('connectors', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('api_clients', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('connectors', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
