"""signed requests: a per-client signing mode and encrypted secrets, and the replay cache of webhook ids

Revision ID: 0012
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_clients') as batch:
        batch.add_column(sa.Column('signing_mode', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('signing_secrets', sa.Text(), nullable=True))
    op.create_table(
        'signed_request_ids',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['api_clients.id'], name='fk_signed_request_ids_client_id_api_clients'),
        sa.PrimaryKeyConstraint('client_id', 'id_hash', name='pk_signed_request_ids'),
    )
    op.create_index('ix_signed_request_ids_expires_at', 'signed_request_ids', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_signed_request_ids_expires_at', table_name='signed_request_ids')
    op.drop_table('signed_request_ids')
    with op.batch_alter_table('api_clients') as batch:
        batch.drop_column('signing_secrets')
        batch.drop_column('signing_mode')
