"""A table of rules kept as versions (intake's ``rule_versions`` and
``reorganisation_rules``, workflow's ``deadline_rules``, disclosure's
``publicity_term_versions``): each row a version, its effective date, its source and its rules
as JSON (the column ``column`` names), added and never changed, so what was decided under a
version can always be read again."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_common.errors import Conflict
from credit_common.sql import text


def versions(session: Session, table: str, column: str = "rules") -> list[tuple[str, date, dict]]:
    """(version, effective date, rules) of every version, the earliest in force first."""
    rows = session.execute(text(
        f"SELECT version, effective_from, {column} FROM {table} ORDER BY effective_from"))
    return [tuple(r) for r in rows]


def listing(session: Session, table: str, column: str = "rules") -> list[dict]:
    """Every version, the earliest in force first."""
    rows = session.execute(text(
        f"SELECT version, effective_from, source, {column}, created_at, created_by "
        f"FROM {table} ORDER BY effective_from"))
    return [dict(r._mapping) for r in rows]


def add(session: Session, table: str, version: str, effective_from: date, source: str,
        rules: dict, created_by, column: str = "rules") -> None:
    try:
        # a savepoint: the refused insert leaves the caller's transaction usable
        with session.begin_nested():
            session.execute(text(
                f"INSERT INTO {table} (version, effective_from, source, {column}, created_by) "
                "VALUES (:v, :d, :s, CAST(:r AS jsonb), :by)"),
                {"v": version, "d": effective_from, "s": source,
                 "r": json.dumps(rules, ensure_ascii=False), "by": created_by})
    except IntegrityError:
        raise Conflict("RULE_VERSION_EXISTS", "该规则版本号或生效日期已存在",
                       {"version": version,
                        "effective_from": effective_from.isoformat()}) from None
