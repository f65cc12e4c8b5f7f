"""console users' language and time zone (the console in zh-CN and en)

Revision ID: 0014
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('console_users') as batch:
        batch.add_column(sa.Column('language', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('console_users') as batch:
        batch.drop_column('time_zone')
        batch.drop_column('language')
