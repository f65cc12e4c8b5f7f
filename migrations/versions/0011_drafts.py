"""drafts: competency model and attendance policy versions proposed by the reports, approved by a person

Revision ID: 0011
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'drafts',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('base_version', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('proposal', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_drafts'),
    )
    op.create_index('ix_drafts_name', 'drafts', ['name'])


def downgrade() -> None:
    op.drop_index('ix_drafts_name', table_name='drafts')
    op.drop_table('drafts')
