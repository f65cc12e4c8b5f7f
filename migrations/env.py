"""Alembic environment: runs on the connection the hub hands over, or on sqlalchemy.url."""
from alembic import context
from sqlalchemy import create_engine

from hub.storage.migrate import migration_connection
from hub.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with migration_connection(create_engine(config.get_main_option("sqlalchemy.url"))) as own_connection:
        _run(own_connection)
