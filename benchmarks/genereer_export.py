"""Write a large SYNTHETIC beschikking export (';', dd-mm-jjjj, suite4 layout) quickly, with DuckDB.

Realistic repetition: about 15% distinct clients (1.5M BSNs in 10M rows). BSNs pass the elfproef; postcodes
come from the bundled Utrecht postcode table. Nothing here is a real person.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
KOPPELTABEL = REPO / "data" / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"


def genereer(pad: Path, rijen: int, clienten_aandeel: float = 0.15) -> Path:
    clienten = max(1, int(rijen * clienten_aandeel))
    con = duckdb.connect()
    con.execute(f"create table pc as select row_number() over () - 1 as i, PC6 as pc6 from read_csv('{KOPPELTABEL}', delim=';', header=true, all_varchar=true)")
    aantal_pc = con.execute("select count(*) from pc").fetchone()[0]
    con.execute(
        f"""
        copy (
            with r as (
                select i, hash(i * 7919 + 1) as h, hash(i * 104729 + 3) as h2 from range({rijen}) t(i)
            ),
            c as (
                select i, h, h2, (h % {clienten}) as client from r
            ),
            cijfers as (
                select *, lpad(((10000000 + client * 37) % 100000000)::varchar, 8, '0') as p from c
            ),
            s7 as (
                select *, 9*p[1]::int + 8*p[2]::int + 7*p[3]::int + 6*p[4]::int + 5*p[5]::int + 4*p[6]::int + 3*p[7]::int as s
                from cijfers
            ),
            d8 as (
                select *, case when (s + 2 * p[8]::int) % 11 = 10 then (p[8]::int + 1) % 10 else p[8]::int end as d
                from s7
            ),
            bsn as (
                select *, left(p, 7) || d::varchar || ((s + 2 * d) % 11)::varchar as bsn from d8
            ),
            velden as (
                select
                    bsn,
                    case h2 % 10 when 0 then 'Jeugdwet' when 1 then 'Jeugdwet' when 2 then 'Jeugdwet' when 3 then 'Participatiewet'
                                 when 4 then 'Schuldhulpverlening' else 'Wmo 2015' end as wet,
                    (h2 // 10) % 18 + 1 as wmo_cat,
                    [31, 32, 33, 34, 35, 36, 40, 41, 43, 44, 45, 46, 47, 48][(((h2 // 100) % 14) + 1)::bigint] as jeugd_cat,
                    ['BL', 'BB', 'IT', 'RI'][(((h2 // 1000) % 4) + 1)::bigint] as pw_cat,
                    ['SV', 'BB', 'BW', 'SR'][(((h2 // 1000) % 4) + 1)::bigint] as sh_cat,
                    date '2021-01-01' + ((h // 7) % 1400)::int as ingang,
                    (h // 11) % 10 < 4 as beeindigd,
                    (h // 13) % 300 + 1 as duur,
                    (h // 17) % {aantal_pc} as pc_i,
                    (h // 19) % 150 + 1 as huisnummer,
                    date '1935-01-01' + ((client * 7919) % 30000)::int as geboren,
                    case when (h // 23) % 10 < 2 then 'PGB' else 'ZIN' end as leveringsvorm,
                    'B' || i::varchar as beschikkingnummer
                from bsn
            )
            select
                v.bsn as "BSN",
                v.wet as "Wet",
                case v.wet when 'Wmo 2015' then lpad(v.wmo_cat::varchar, 2, '0') when 'Jeugdwet' then v.jeugd_cat::varchar
                           when 'Participatiewet' then v.pw_cat else v.sh_cat end as "Productcategorie",
                'Product ' || v.wet as "Product",
                strftime(v.ingang, '%d-%m-%Y') as "Ingangsdatum",
                case when v.beeindigd then strftime(v.ingang + v.duur::int, '%d-%m-%Y') else '' end as "Einddatum",
                pc.pc6 as "Postcode",
                v.huisnummer as "Huisnummer",
                strftime(v.geboren, '%d-%m-%Y') as "Geboortedatum",
                v.leveringsvorm as "Leveringsvorm",
                v.beschikkingnummer as "Beschikkingnummer",
                '' as "Reden wijziging"
            from velden v join pc on pc.i = v.pc_i
        ) to '{pad}' (header, delimiter ';')
        """
    )
    return pad


if __name__ == "__main__":
    genereer(Path(sys.argv[1]), int(sys.argv[2]))
