"""Alembic's entry point for the store's migrations: run on the connection the store gives."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from shopperkit.store.tables import Base

connection: Connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
