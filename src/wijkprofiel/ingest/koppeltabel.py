"""The CBS postcode → buurt table ("Buurt, wijk en gemeente <jaar> voor postcode huisnummer").

Two layouts are read: `PC6;Huisnummer;Buurt<jaar>;Wijk<jaar>;Gemeente<jaar>` and the PC6-only variant
without Huisnummer. Codes come as bare numbers (3440111) or bare alphanumeric codes (0363AA01) and are prefixed
and zero-padded (BU03440111, BU0363AA01) by the SQL macros wp_buurtcode, wp_wijkcode and wp_gemeentecode.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import Path

from wijkprofiel.db import connect, create_sql_functions, init_database
from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.loads import LoadResult, previous_load, register_load, sha256_file
from wijkprofiel.ingest.readers.private.export import _decodeer_sample

log = logging.getLogger(__name__)

BRON = "koppeltabel"


def ingest_koppeltabel(db_path: str | Path, pad: str | Path, gemeente: str | None = None) -> LoadResult:
    pad = Path(pad)
    if not pad.is_file():
        raise SourceError(f"{pad}: file not found")
    with pad.open("rb") as fh:
        encoding, sample = _decodeer_sample(fh.read(64 * 1024))
    header_line = sample.splitlines()[0] if sample else ""
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    headers = next(csv.reader(io.StringIO(header_line), delimiter=delimiter), [])
    lower = [h.strip().lower() for h in headers]
    kolom = {}
    for naam, patroon in (("pc6", r"^(pc6|postcode)$"), ("huisnummer", r"^huisnummer$"),
                          ("buurt", r"^buurt(code)?\d{4}$|^buurtcode$"), ("wijk", r"^wijk(code)?\d{4}$|^wijkcode$"),
                          ("gemeente", r"^gemeente(code)?\d{4}$|^gemeentecode$")):
        kolom[naam] = next((headers[i] for i, h in enumerate(lower) if re.match(patroon, h)), None)
    ontbrekend = [k for k in ("pc6", "buurt", "wijk", "gemeente") if kolom[k] is None]
    if ontbrekend:
        raise SourceError(
            f"{pad.name}: not a CBS postcode table: missing column(s) {', '.join(ontbrekend)} "
            "(expected PC6;Huisnummer;Buurt<jaar>;Wijk<jaar>;Gemeente<jaar>)"
        )
    jaar_match = re.search(r"(\d{4})$", kolom["buurt"])
    jaar = int(jaar_match.group(1)) if jaar_match else 0
    huisnummer = f'try_cast("{kolom["huisnummer"]}" as integer)' if kolom["huisnummer"] else "null::integer"
    filter_sql = ""
    params: list = [str(pad), delimiter]
    if gemeente:
        filter_sql = "where gemeentecode = ?"
        params.append(gemeente)

    con = connect(db_path)
    try:
        init_database(con)
        create_sql_functions(con)
        digest = sha256_file(pad)
        earlier = previous_load(con, BRON, digest, gemeente, jaar)
        if earlier is not None:
            return earlier
        con.execute(
            f"""create or replace temp table _koppel as
                with bron as (
                    select * from read_csv(?, delim = ?, header = true, all_varchar = true,
                                           encoding = '{'utf-8' if encoding == 'utf-8' else 'latin-1'}')
                ),
                genormaliseerd as (
                    select
                        upper(replace(trim("{kolom['pc6']}"), ' ', '')) as pc6,
                        {huisnummer} as huisnummer,
                        wp_buurtcode("{kolom['buurt']}") as buurtcode,
                        wp_wijkcode("{kolom['wijk']}") as wijkcode,
                        wp_gemeentecode("{kolom['gemeente']}") as gemeentecode
                    from bron
                )
                select * from genormaliseerd {filter_sql}""",
            params,
        )
        rows_in = con.execute("select count(*) from _koppel").fetchone()[0]
        pc6_goed = "coalesce(regexp_full_match(pc6, '[1-9][0-9]{3}[A-Z]{2}'), false)"
        codes_goed = ("wp_geldige_buurtcode(buurtcode) and wp_geldige_wijkcode(wijkcode) "
                      "and regexp_full_match(coalesce(gemeentecode, ''), 'GM[0-9]{4}')")
        goed = f"{pc6_goed} and {codes_goed}"
        loaded = con.execute(f"select count(*) from _koppel where {goed}").fetchone()[0]
        con.execute("begin transaction")
        load_id = register_load(
            con, bron=BRON, bestand=str(pad), sha256=digest, via="bestand", gemeente=gemeente, jaar=jaar,
            tabel_id="pc6+huisnummer" if kolom["huisnummer"] else "pc6",
            rows_in=rows_in, loaded=loaded, quarantined=rows_in - loaded,
        )
        con.execute(
            f"""insert into meta.quarantine
                select ?, ?, null, 'pc6', 'not a postcode of the form 1234AB', pc6 from _koppel where not {pc6_goed}
                union all
                select ?, ?, null, 'buurtcode', 'not a CBS buurt, wijk or gemeente code (e.g. 3440111, 0363AA01)', buurtcode
                from _koppel where {pc6_goed} and not ({codes_goed})""",
            [load_id, str(pad), load_id, str(pad)],
        )
        con.execute(
            f"""insert into raw.cbs_koppeltabel
                select ?, ?, pc6, huisnummer, buurtcode, wijkcode, gemeentecode from _koppel where {goed}""",
            [load_id, jaar],
        )
        con.execute("commit")
    except Exception:
        con.close()
        raise
    con.close()
    log.info("%s: %d postcodes loaded", pad.name, loaded)
    return LoadResult(BRON, str(pad), rows_in, loaded, rows_in - loaded, load_id=load_id)


def heeft_koppeltabel(con) -> bool:
    return con.execute("select count(*) > 0 from raw.cbs_koppeltabel").fetchone()[0]
