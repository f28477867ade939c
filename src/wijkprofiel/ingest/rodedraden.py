"""Stage `verzamel` for the rode-draden sources: wijkteam casuïstiek, partner signals, enquête results,
kansen and bespreektafel outcomes. Each is a `Bronsoort` on the shared loading path (ingest/private.py): the same
reading, validation, quarantine, pseudonymisation and placement as beschikkingen.

Themes go through the taxonomy (reference/themes.py). A tag that maps to no theme is kept as 'onbekend:<tag>' and
listed in meta.unmapped_tags with the closest theme as a suggestion, so the data team can extend the
taxonomy; it is never dropped.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from pathlib import Path

from wijkprofiel.db import connect, create_sql_functions, init_database
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest.loads import register_load, sha256_text
from wijkprofiel.ingest.private import Bronsoort, ExportLoad, laad_export, tabel_uit_rijen
from wijkprofiel.ingest.profiles import Profiel
from wijkprofiel.ingest.pseudonymise import KeyProvider
from wijkprofiel.reference.areas import gemeente_van
from wijkprofiel.reference.spelling import sleutel as spelling_sleutel
from wijkprofiel.reference.themes import HERKEND, Taxonomie, laad_taxonomie, schrijf_themas

log = logging.getLogger(__name__)



def _thema_tabel(mem, taxonomie: Taxonomie) -> None:
    tabel_uit_rijen(mem, "thema_spellingen", ["spelling", "thema"], [(spelling_sleutel(v), k) for v, k in taxonomie.spellingen()])


def _casuistiek_voorbereiden(mem, prof: Profiel, *, taxonomie: Taxonomie) -> None:
    _thema_tabel(mem, taxonomie)


def _signalen_voorbereiden(mem, prof: Profiel, *, taxonomie: Taxonomie) -> None:
    _thema_tabel(mem, taxonomie)
    tabel_uit_rijen(mem, "partner_spellingen", ["spelling", "bron"], prof.waarde_spellingen("bron"))
    tabel_uit_rijen(mem, "publiceerbaar_spellingen", ["spelling", "publiceerbaar"], prof.waarde_spellingen("publiceerbaar"))


def _besprekingen_voorbereiden(mem, prof: Profiel, *, taxonomie: Taxonomie) -> None:
    _thema_tabel(mem, taxonomie)
    tabel_uit_rijen(mem, "herkend_spellingen", ["spelling", "herkend"], prof.waarde_spellingen("herkend"))


def _onbekende_tags(mem, load_id: int, bestand: str, *, taxonomie: Taxonomie, themas: str = "thema") -> None:
    """List the tags that mapped to no theme, with how often they occur and the closest theme, and record
    the themes the rows were read with (a gemeente's own themes and questions reach the rode draden so).
    `themas` is the expression giving a row's theme(s): a column, or unnest() of a list."""
    schrijf_themas(mem, taxonomie, catalogus="doel", overschrijven=len(taxonomie.bronnen) > 1)
    rows = mem.execute(
        f"""select substr(t, 10) as tag, count(*)
            from (select {themas} as t from gecontroleerd where in_orde)
            where t like 'onbekend:%' group by 1 order by 2 desc, 1"""
    ).fetchall()
    if rows:
        mem.executemany(
            "insert into doel.meta.unmapped_tags values (?, ?, ?, ?, ?)",
            [[load_id, bestand, tag, aantal, taxonomie.suggestie(tag)] for tag, aantal in rows],
        )


def _soort(naam: str, taxonomie: Taxonomie) -> Bronsoort:
    if naam == "casuistiek":
        return Bronsoort(
            naam="casuistiek",
            velden=("casus_id", "wijkteam", "registratiedatum", "postcode", "huisnummer", "buurtcode", "themas"),
            valideren="casuistiek_valideren.sql",
            standaard_profiel="casuistiek",
            pseudonimiseren=True,
            rijen_per_record=True,
            tekstvelden=("casus_id",),
            vrije_tekst=("wijkteam", "themas"),
            voorbereiden=partial(_casuistiek_voorbereiden, taxonomie=taxonomie),
            na_schrijven=partial(_onbekende_tags, taxonomie=taxonomie),
        )
    if naam == "signalen":
        return Bronsoort(
            naam="signalen",
            velden=("bron", "periode", "wijkcode", "buurtcode", "thema", "aantal", "toelichting", "publiceerbaar"),
            valideren="signalen_valideren.sql",
            vrije_tekst=("thema", "toelichting"),
            standaard_profiel="signalen",
            voorbereiden=partial(_signalen_voorbereiden, taxonomie=taxonomie),
            na_schrijven=partial(_onbekende_tags, taxonomie=taxonomie),
        )
    if naam == "enquete":
        return Bronsoort(
            naam="enquete",
            tabel="signalen",
            velden=("wijkcode", "vraag", "thema", "percentage", "n", "periode"),
            valideren="enquete_valideren.sql",
            vrije_tekst=("vraag", "thema"),
            standaard_profiel="enquete",
            voorbereiden=partial(_casuistiek_voorbereiden, taxonomie=taxonomie),
            na_schrijven=partial(_onbekende_tags, taxonomie=taxonomie),
        )
    if naam == "kansen":
        return Bronsoort(
            naam="kansen",
            velden=("naam", "soort", "themas", "adres", "postcode", "huisnummer", "buurtcode", "lat", "lon", "contact"),
            valideren="kansen_valideren.sql",
            vrije_tekst=("naam", "soort", "themas", "adres", "contact"),
            standaard_profiel="kansen",
            voorbereiden=partial(_casuistiek_voorbereiden, taxonomie=taxonomie),
            na_schrijven=partial(_onbekende_tags, taxonomie=taxonomie, themas="unnest(themas)"),
        )
    if naam == "besprekingen":
        return Bronsoort(
            naam="besprekingen",
            velden=("wijkcode", "datum", "thema", "herkend", "verklaring", "actie", "eigenaar", "wanneer", "aanwezig"),
            valideren="besprekingen_valideren.sql",
            vrije_tekst=("thema", "verklaring", "actie", "eigenaar", "aanwezig"),
            standaard_profiel="besprekingen",
            voorbereiden=partial(_besprekingen_voorbereiden, taxonomie=taxonomie),
            na_schrijven=partial(_onbekende_tags, taxonomie=taxonomie),
        )
    raise WijkprofielError(f"unknown source {naam!r} (known: casuistiek, signalen, enquete, kansen, besprekingen)")


def ingest_bron(
    db_path: str | Path,
    soort: str,
    pad: str | Path,
    *,
    profiel: str | Path | None = None,
    taxonomie: str | Path | None = None,
    koppeltabel: str | Path | None = None,
    bron: str | None = None,
    periode: str = "volledig",
    gemeente: str | None = None,
    sleutel: str | KeyProvider | None = None,
) -> ExportLoad:
    """Load one file of casuistiek, signalen, enquete, kansen or besprekingen (casuïstiek needs `sleutel`)."""
    tax = laad_taxonomie(taxonomie)
    return laad_export(
        db_path, pad, _soort(soort, tax), profiel=profiel, koppeltabel=koppeltabel, bron=bron, periode=periode,
        gemeente=gemeente, sleutel=sleutel,
    )


def bespreking_toevoegen(
    db_path: str | Path,
    *,
    wijkcode: str,
    datum: date,
    thema: str,
    herkend: str,
    verklaring: str | None = None,
    actie: str | None = None,
    eigenaar: str | None = None,
    wanneer: str | None = None,
    aanwezig: str | None = None,
    taxonomie: str | Path | None = None,
) -> int:
    """Record one outcome of the bespreektafel (the CLI's `bespreking add`); returns its load_id."""
    from wijkprofiel.reference.areas import is_geldige_code, uit_koppeltabel

    wijkcode = wijkcode.strip().upper()
    if not wijkcode.startswith("WK"):
        wijkcode = uit_koppeltabel(wijkcode, "WK")  # as the koppeltabel writes it: 34403 → WK034403, 363AA → WK0363AA
    if not (is_geldige_code(wijkcode) and wijkcode.startswith("WK")):
        raise WijkprofielError(f"not a CBS wijkcode: {wijkcode!r} (expected e.g. WK034403)")
    if herkend not in HERKEND:
        raise WijkprofielError(f"herkend must be one of {', '.join(HERKEND)}, not {herkend!r}")
    tax = laad_taxonomie(taxonomie)
    sleutel_thema = tax.match(thema)
    if sleutel_thema is None:
        suggestie = tax.suggestie(thema)
        raise WijkprofielError(
            f"unknown thema {thema!r}" + (f"; did you mean {suggestie}?" if suggestie else "; see `wijkprofiel themes list`")
        )
    regel = [wijkcode, datum.isoformat(), sleutel_thema, herkend, verklaring, actie, eigenaar, wanneer, aanwezig]
    con = connect(db_path)
    try:
        init_database(con)
        create_sql_functions(con)
        # the same masking of free text as a loaded form (sql/ingest/besprekingen_valideren.sql)
        getypt = (verklaring, actie, eigenaar, wanneer, aanwezig)
        verklaring, actie, eigenaar, wanneer, aanwezig = con.execute(
            "select wp_maskeer(?), wp_maskeer(?), wp_maskeer(?), wp_maskeer_termijn(?, ?), wp_maskeer(?)",
            [verklaring, actie, eigenaar, wanneer, datum, aanwezig],
        ).fetchone()
        masked = sum(a != b for a, b in zip(getypt, (verklaring, actie, eigenaar, wanneer, aanwezig)))
        con.execute("begin transaction")
        load_id = register_load(
            con, bron="besprekingen", bestand="wijkprofiel bespreking add", sha256=sha256_text(repr(regel)), via="invoer",
            gemeente=gemeente_van(wijkcode), rows_in=1, loaded=1, quarantined=0, tabel_id="invoer", masked=masked,
        )
        con.execute(
            """insert into raw.besprekingen (load_id, bron, periode, datum, thema, herkend, verklaring, actie, eigenaar,
                                             wanneer, aanwezig, wijkcode, gemeentecode, plaatsing, bron_bestand, bron_rij)
               values (?, 'invoer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'wijkcode', 'wijkprofiel bespreking add', 1)""",
            [load_id, f"invoer-{load_id}", datum, sleutel_thema, herkend, verklaring, actie, eigenaar, wanneer, aanwezig,
             wijkcode, gemeente_van(wijkcode)],
        )
        con.execute("commit")
    finally:
        con.close()
    return load_id


def besprekingen_lijst(db_path: str | Path, wijkcode: str | None = None) -> list[dict]:
    con = connect(db_path, read_only=True)
    try:
        init_needed = not con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'besprekingen'"
        ).fetchone()[0]
        if init_needed:
            return []
        cursor = con.execute(
            """select wijkcode, datum, thema, herkend, verklaring, actie, eigenaar, wanneer
               from raw.besprekingen where ? is null or wijkcode = ? order by datum desc, wijkcode, thema""",
            [wijkcode, wijkcode],
        )
        kolommen = [d[0] for d in cursor.description]
        return [dict(zip(kolommen, rij)) for rij in cursor.fetchall()]
    finally:
        con.close()
