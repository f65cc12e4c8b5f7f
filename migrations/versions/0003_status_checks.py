"""status checks: one CHECK constraint per status column, `skipped` jobs and their reason, no email index

Every status column is held to its enum (hub/storage/statuses.py) by a CHECK constraint, so a writer other than
the hub's models (a script, a hand-run UPDATE) cannot leave a status that no query finds. Jobs gain `skipped`
(nothing to send, e.g. the policy produced no goals) with `skip_reason`, and attempts the outcome `skipped`.
The candidates' `email_index` (a blind index nothing read, whose key changed at every key rotation) goes.

The value lists are written out here rather than imported, so this revision keeps meaning what it meant
when the enums grow.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 13:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CHECKS = {
    # (table, column): the values allowed
    ('interview_results', 'status'): ('queued', 'scored', 'failed', 'not_scored'),
    ('sync_jobs', 'status'): ('pending', 'in_progress', 'retrying', 'delivered', 'skipped', 'dead', 'cancelled'),
    ('delivery_attempts', 'outcome'): ('delivered', 'skipped', 'retryable', 'permanent'),
    ('connectors', 'breaker_state'): ('closed', 'open', 'half_open'),
}


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    with op.batch_alter_table('sync_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skip_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index('ix_candidates_email_index')
        batch_op.drop_column('email_index')
    for (table, column), values in CHECKS.items():
        # On SQLite batch mode copies the table into one that has the constraint; rows that break it stop here.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), _condition(column, values))


def downgrade() -> None:
    for table, column in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
    # Skipped jobs and attempts become what 0002 called them: delivered, with nothing sent.
    op.execute("UPDATE sync_jobs SET status = 'delivered' WHERE status = 'skipped'")
    op.execute("UPDATE delivery_attempts SET outcome = 'delivered' WHERE outcome = 'skipped'")
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_index', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_candidates_email_index', ['email_index'], unique=False)
    with op.batch_alter_table('sync_jobs', schema=None) as batch_op:
        batch_op.drop_column('skip_reason')
