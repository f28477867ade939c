"""marts.buurt_profiel, marts.wijk_profiel and marts.gemeente_profiel: one model at three levels.

Each is marts.indicator_waarden of one area level turned wide (one column per indicator), for analysts who
prefer a spreadsheet shape. The columns come from a PIVOT, so they differ per level and per build; their
comments are written here from the labels and units in marts.indicator_waarden.
"""

from __future__ import annotations

NIVEAUS = ("buurt", "wijk", "gemeente")
TABELLEN = tuple(f"marts.{niveau}_profiel" for niveau in NIVEAUS)

_SLEUTELKOLOMMEN = {
    "gebied_code": "CBS area code as text.",
    "gebied_naam": "Area name as CBS publishes it.",
    "ouder_code": "Enclosing area (wijk of a buurt, gemeente of a wijk).",
    "gemeente_code": "The gemeente the area lies in.",
    "jaar": "Reference year.",
}


def schrijf_profielen(con) -> None:
    labels = dict(
        con.execute(
            "select indicator, any_value(label || coalesce(' (' || eenheid || ')', '')) from marts.indicator_waarden group by 1"
        ).fetchall()
    )
    for niveau, tabel in zip(NIVEAUS, TABELLEN):
        con.execute(
            f"""create or replace table {tabel} as
                with waarden as (
                    select gebied_code, gebied_naam, ouder_code, gemeente_code, jaar, indicator, waarde
                    from marts.indicator_waarden
                    where gebied_niveau = '{niveau}'
                ),
                breed as (
                    pivot waarden
                    on indicator
                    using first(waarde)
                    group by gebied_code, gebied_naam, ouder_code, gemeente_code, jaar
                )
                select * from breed
                order by gemeente_code, jaar, gebied_code"""
        )
        con.execute(
            f"comment on table {tabel} is 'One row per {niveau} and year with every indicator as a column; "
            "see marts.indicator_waarden for units and sources.'"
        )
        kolommen = con.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?", [tabel.split(".")[1]]
        ).fetchall()
        for (kolom,) in kolommen:
            tekst = _SLEUTELKOLOMMEN.get(kolom) or labels.get(kolom) or kolom
            con.execute(f"comment on column {tabel}.{kolom} is '{tekst.replace(chr(39), chr(39) * 2)}'")
