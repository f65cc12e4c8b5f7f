"""candidates' rights: the consent record of each result (notice and opt-out) and the human review log

Revision ID: 0009
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'consent_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('result_id', sa.String(length=36), nullable=False),
        sa.Column('notice_id', sa.String(length=100), nullable=False),
        sa.Column('notice_version', sa.String(length=50), nullable=False),
        sa.Column('language', sa.String(length=20), nullable=False),
        sa.Column('jurisdiction', sa.String(length=20), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=True),
        sa.Column('automated_opt_out', sa.Boolean(), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['result_id'], ['interview_results.id'],
                                name='fk_consent_records_result_id_interview_results'),
        sa.PrimaryKeyConstraint('id', name='pk_consent_records'),
        sa.UniqueConstraint('result_id', name='uq_consent_records_result_id'),
    )
    op.create_index('ix_consent_records_automated_opt_out', 'consent_records', ['automated_opt_out'])
    op.create_table(
        'reviews',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('result_id', sa.String(length=36), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('target', sa.String(length=100), nullable=True),
        sa.Column('profile_version', sa.Integer(), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['result_id'], ['interview_results.id'], name='fk_reviews_result_id_interview_results'),
        sa.PrimaryKeyConstraint('id', name='pk_reviews'),
    )
    op.create_index('ix_reviews_result_id', 'reviews', ['result_id'])


def downgrade() -> None:
    op.drop_index('ix_reviews_result_id', table_name='reviews')
    op.drop_table('reviews')
    op.drop_index('ix_consent_records_automated_opt_out', table_name='consent_records')
    op.drop_table('consent_records')
