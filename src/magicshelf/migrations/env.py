"""Alembic environment: runs on the connection handed over by ``magicshelf.migrations``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

# Registers every table with Base.metadata.
import magicshelf.books.models
import magicshelf.classes.models
import magicshelf.teachers.models  # noqa: F401
from magicshelf.db import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("Run migrations with `magicshelf migrate`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
