"""outcomes: performance reviews and attendance summaries linked to hires

Revision ID: 0006
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outcomes',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('natural_key', sa.String(length=64), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('employee_id', sa.String(length=200), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('result_id', sa.String(length=36), nullable=True),
        sa.Column('record', sa.Text(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['result_id'], ['interview_results.id'], name='fk_outcomes_result_id_interview_results'),
        sa.PrimaryKeyConstraint('id', name='pk_outcomes'),
        sa.UniqueConstraint('natural_key', name='uq_outcomes_natural_key'),
    )
    op.create_index('ix_outcomes_employee_id', 'outcomes', ['employee_id'])
    op.create_index('ix_outcomes_result_id', 'outcomes', ['result_id'])


def downgrade() -> None:
    op.drop_index('ix_outcomes_result_id', table_name='outcomes')
    op.drop_index('ix_outcomes_employee_id', table_name='outcomes')
    op.drop_table('outcomes')
