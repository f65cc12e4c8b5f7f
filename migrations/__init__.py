"""Alembic migrations for the hub's database (applied by `hris-hub db upgrade`)."""
