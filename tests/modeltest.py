"""Helpers for SQL model tests on hand-made rows (the fresh database itself is conftest's `con` fixture)."""

from __future__ import annotations

import itertools
from datetime import datetime

from wijkprofiel.publish.bewijs import bewijszin, bewijszinnen
from wijkprofiel.transform.build import bouw_modellen, ververs_indicator_catalogus

_sha = itertools.count(1)
_rij = itertools.count(1)


def rijen(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def als_dicts(resultaat) -> list[dict]:
    """The rows of an executed query as dicts by column name."""
    namen = [d[0] for d in resultaat.description]
    return [dict(zip(namen, rij)) for rij in resultaat.fetchall()]


def kolommen(con, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


def laad(
    con,
    bron: str = "cbs_kwb",
    *,
    jaar: int | None = None,
    tabel_id: str | None = "export",
    via: str = "bestand",
    bestand: str = "/data/export.csv",
    gemeente: str | None = "GM0344",
    loaded: int = 1,
    opgehaald_op: datetime | None = None,
    geladen_op: datetime = datetime(2025, 1, 1, 12, 0),
) -> int:
    """One meta.loads row, as a loader writes it (rows_in = loaded, nothing quarantined); returns its load_id."""
    return con.execute(
        """insert into meta.loads (bron, bestand, sha256, tabel_id, gemeente, jaar, via, opgehaald_op,
                                   rows_in, loaded, quarantined, geladen_op)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) returning load_id""",
        [bron, bestand, f"sha-{next(_sha)}", tabel_id, gemeente, jaar, via, opgehaald_op, loaded, loaded, geladen_op],
    ).fetchone()[0]


def bouw(con) -> None:
    """The real build (models, disclosure control, pub, audits) on the rows a test wrote, with the packaged indicator
    catalogue; raw.cbs_variabelen, raw.themas and raw.thema_koppelingen stay as the test (or init_database) wrote them.
    A test that needs the packaged themes and koppelingen calls bouw_modellen(con) itself."""
    ververs_indicator_catalogus(con)
    bouw_modellen(con, catalogi=False)


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


def rode_draden_in_woorden(con, where: str = "true", params=None) -> list[dict]:
    """Rows of pub.rode_draden, each with its evidence said in sentences as the report says it (publish/bewijs.py)."""
    rijen_ = als_dicts(con.execute(f"select * from pub.rode_draden where {where} order by wijkcode, rang", params or []))
    return [{**r, "bewijs": bewijszinnen(r)} for r in rijen_]


def bewijs_in_woorden(con, where: str = "true") -> list[dict]:
    """Rows of pub.rode_draden_bewijs, each with `zin`: the sentence the report makes of it (None: says nothing)."""
    rijen_ = als_dicts(con.execute(
        f"""select b.*, t.label as thema_label from pub.rode_draden_bewijs b join raw.themas t using (thema)
            where {where} order by wijkcode, thema, bewijsbron, indicator"""
    ))
    return [{**r, "zin": bewijszin(r, r["thema_label"], r["peiljaar"])} for r in rijen_]


def signaal(con, load_id: int, partner: str, periode: str | None, thema: str, *, buurt: str | None = None,
            wijk: str | None = None, aantal: int | None = None, percentage: float | None = None, n: int | None = None,
            vraag: str | None = None, toelichting: str | None = None, publiceerbaar: bool = False,
            bron: str = "partners", bron_periode: str = "volledig", bron_rij: int | None = None) -> None:
    """One partner signal (or enquête answer) in raw.signalen, as the loader writes it."""
    schrijf_rij(con, "signalen", {
        "load_id": load_id, "bron": bron, "periode": bron_periode, "partner": partner, "signaal_periode": periode,
        "thema": thema, "aantal": aantal, "percentage": percentage, "n": n, "vraag": vraag, "toelichting": toelichting,
        "publiceerbaar": publiceerbaar, **gebied_kolommen(buurt, wijk), "bron_bestand": f"/data/{bron}.csv",
        "bron_rij": bron_rij if bron_rij is not None else next(_rij),
    })  # fmt: skip
