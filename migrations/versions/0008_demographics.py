"""demographics: voluntary self-identified categories for bias audits (encrypted, a table of their own);
decisions.advanced: whether the candidate moved on to a later stage

Revision ID: 0008
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'demographics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.String(length=36), nullable=False),
        sa.Column('category_set', sa.String(length=40), nullable=False),
        sa.Column('categories', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name='fk_demographics_candidate_id_candidates'),
        sa.PrimaryKeyConstraint('id', name='pk_demographics'),
        sa.UniqueConstraint('candidate_id', name='uq_demographics_candidate_id'),
    )
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('advanced', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.drop_column('advanced')
    op.drop_table('demographics')
