"""Helpers for SQL model tests on hand-made rows (the fresh database itself is conftest's `con` fixture)."""

from __future__ import annotations


def rijen(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def kolommen(con, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
