"""The bench's own connections to the services' databases (to prepare data and to count)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def engine(database_url: str, **options) -> Iterator[sa.Engine]:
    """An engine for one bench step; its connections are closed when the step ends."""
    created = sa.create_engine(database_url, **options)
    try:
        yield created
    finally:
        created.dispose()
