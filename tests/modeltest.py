"""Helpers for SQL model tests on hand-made rows (the fresh database itself is conftest's `con` fixture)."""

from __future__ import annotations

import itertools
from datetime import date, datetime

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


def bouw(con, *modellen: str, catalogi: bool = False) -> None:
    """The real build on the rows a test wrote: the `modellen` a test reads and every model upstream of them (all
    models when none are named), then the audits of what was built, with the packaged indicator catalogue.
    raw.cbs_variabelen, raw.themas and raw.thema_koppelingen stay as the test (or init_database) wrote them, unless
    `catalogi`: then the packaged themes and koppelingen are written too."""
    if not catalogi:
        ververs_indicator_catalogus(con)
    bouw_modellen(con, catalogi=catalogi, select=[f"+{m}" for m in modellen] or None)


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


def cbs(con, jaar: int, rows: list[tuple[str, str | None, str, str | None]], *, tabel_id: str | None = None,
        ind_wbi: str | None = "1") -> int:
    """One CBS KWB release of `jaar` with (gebied_code, gebied_naam, indicator, waarde) rows; returns its load_id."""
    tabel_id = tabel_id or f"KWB{jaar}"
    load_id = laad(con, "cbs_kwb", tabel_id=tabel_id, jaar=jaar, bestand=f"/data/cbs/kwb-{jaar}.xlsx", loaded=len(rows))
    con.executemany(
        "insert into raw.cbs_kwb values (?, ?, ?, ?, ?, ?, ?, ?)",
        [[load_id, tabel_id, jaar, code, naam, ind_wbi, indicator, waarde] for code, naam, indicator, waarde in rows],
    )
    return load_id


def casus(con, load_id: int, key: str, datum: date, thema: str, buurt: str | None = None, *, wijk: str | None = None,
          bron: str = "wijkteam", periode: str = "volledig") -> None:
    """One casuïstiek row (a case and one of its themes) in raw.casuistiek, as the loader writes it."""
    schrijf_rij(con, "casuistiek", {
        "load_id": load_id, "bron": bron, "periode": periode, "casus_key": key, "wijkteam": "Noord",
        "registratiedatum": datum, "thema": thema, **gebied_kolommen(buurt, wijk), "bron_bestand": "/data/casuistiek.csv",
        "bron_rij": next(_rij),
    })  # fmt: skip


def casussen(con, load_id: int, wijk: str, aantal: int, thema: str, *, eerste: int = 0) -> None:
    """`aantal` cases in the wijk (no buurt known), one theme each, keys CASUS-GEHEIM-<wijk>-<n> numbered from `eerste`."""
    for i in range(eerste, eerste + aantal):
        casus(con, load_id, f"CASUS-GEHEIM-{wijk}-{i:03d}", date(2024, 3, 1), thema, wijk=wijk)


def kans(con, load_id: int, naam: str, themas: list[str], *, buurt: str | None = None, wijk: str | None = None,
         adres: str | None = None, lat: float | None = None, lon: float | None = None, soort: str = "buurthuis",
         contact: str | None = None, plaatsing: str | None = None, bron: str = "kansen", periode: str = "volledig",
         bron_rij: int | None = None) -> None:
    """One kans (a place or activity for a theme) in raw.kansen; `plaatsing` overrides how it was placed."""
    gebied = gebied_kolommen(buurt, wijk)
    if plaatsing:
        gebied["plaatsing"] = plaatsing
    schrijf_rij(con, "kansen", {
        "load_id": load_id, "bron": bron, "periode": periode, "naam": naam, "soort": soort, "themas": themas,
        "adres": adres, "lat": lat, "lon": lon, "contact": contact, **gebied, "bron_bestand": f"/data/{bron}.csv",
        "bron_rij": bron_rij if bron_rij is not None else next(_rij),
    })  # fmt: skip


def bespreking(con, load_id: int, wijk: str, datum: date, thema: str, herkend: str, actie: str | None = None, *,
               verklaring: str | None = None, eigenaar: str | None = None, wanneer: str | None = None,
               bron: str = "bespreking", periode: str = "volledig") -> None:
    """One outcome of a bespreektafel (recognised? explained? which action?) in raw.besprekingen."""
    schrijf_rij(con, "besprekingen", {
        "load_id": load_id, "bron": bron, "periode": periode, "datum": datum, "thema": thema, "herkend": herkend,
        "verklaring": verklaring, "actie": actie, "eigenaar": eigenaar, "wanneer": wanneer,
        **gebied_kolommen(None, wijk), "bron_bestand": "/data/bespreking.csv", "bron_rij": next(_rij),
    })  # fmt: skip
