"""Helpers for SQL model tests on hand-made rows (the fresh database itself is conftest's `con` fixture)."""

from __future__ import annotations


def rijen(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def kolommen(con, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


def schrijf_rij(con, tabel: str, rij: dict) -> None:
    """One hand-made row into raw.<tabel>, columns by name."""
    con.execute(f"insert into raw.{tabel} ({', '.join(rij)}) values ({', '.join('?' * len(rij))})", list(rij.values()))


def gebied_kolommen(buurt: str | None, wijk: str | None = None, gemeente: str = "GM0344") -> dict:
    """Area columns as the loader writes them: a buurt names its wijk and gemeente; nothing given: gemeente only."""
    if buurt:
        return {"buurtcode": buurt, "wijkcode": "WK" + buurt[2:8], "gemeentecode": gemeente, "plaatsing": "buurtcode"}
    if wijk:
        return {"buurtcode": None, "wijkcode": wijk, "gemeentecode": gemeente, "plaatsing": "wijkcode"}
    return {"buurtcode": None, "wijkcode": None, "gemeentecode": gemeente, "plaatsing": "geen"}
