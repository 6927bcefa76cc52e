"""Where a value is at rest in a database: every text, varchar and JSON column searched."""

from __future__ import annotations

from sqlalchemy import text


def columns_containing(engine, needle: str) -> list[str]:
    """``table.column`` for every column of the public schema holding ``needle``."""
    with engine.connect() as connection:
        columns = connection.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', "
            "'jsonb', 'json')")).all()
        assert columns, "no text column to search"
        return [f"{t}.{c}" for t, c in columns if connection.execute(text(
            f'SELECT count(*) FROM "{t}" WHERE "{c}"::text LIKE :p'),
            {"p": f"%{needle}%"}).scalar()]
