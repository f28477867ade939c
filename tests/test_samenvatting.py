"""The run artifact's Markdown: files with their counts, unmapped tags, stale sources, reports."""

from __future__ import annotations

from wijkprofiel.db import connect, init_database
from wijkprofiel.ingest.loads import LoadResult, register_load
from wijkprofiel.pipeline.summary import run_samenvatting
from wijkprofiel.publish.rapport import KERNCIJFERS


def test_summary_lists_files_unmapped_tags_stale_sources_and_failed_reports(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    init_database(con)
    casus = register_load(con, bron="casuistiek", bestand="/x/cases|2025.csv", sha256="a", via="bestand",
                          rows_in=12, loaded=10, quarantined=2, gemeente="GM0344")
    oud = register_load(con, bron="cbs_kwb", bestand="https://cbs/85984NED", sha256="b", via="snapshot", tabel_id="85984NED",
                        rows_in=122, loaded=122, quarantined=0, gemeente="GM0344", jaar=2024,
                        toelichting="verouderd: ophalen mislukt (HTTP 503)")
    con.execute("insert into meta.unmapped_tags values (?, 'cases|2025.csv', 'straatvrees', 3, 'eenzaamheid')", [casus])
    con.close()
    loads = [LoadResult("casuistiek", "/x/cases|2025.csv", 12, 10, 2, load_id=casus),
             LoadResult("cbs_kwb", "https://cbs/85984NED", 122, 122, 0, load_id=oud)]

    md = run_samenvatting(db, "GM0344", loads, {"rapporten": {"WK034401": "a.html"}, "mislukt": {"WK034402": "no map"}, "index": ["i.html"]})

    assert "| casuistiek | cases\\|2025.csv | bestand | 12 | 10 | 2 | nee |" in md
    assert "| cbs_kwb | 85984NED | snapshot | 122 | 122 | 0 | nee |" in md
    assert "| cases\\|2025.csv | straatvrees | 3 | eenzaamheid |" in md
    assert "| cbs_kwb | 2024 | 85984NED | verouderd: ophalen mislukt (HTTP 503) |" in md
    assert "- gepubliceerd: 1\n- mislukt: 1\n  - WK034402: no map\n- index: i.html" in md


def test_summary_says_which_reports_came_out_without_a_map_or_key_figures(demo_db, tmp_path):
    """A run can "work" and still publish reports without a map (no boundaries loaded): the summary says so."""
    import shutil

    import duckdb

    rapporten = {f"WK0344{n:02d}": f"WK0344{n:02d}.html" for n in range(1, 11)}
    volledig = run_samenvatting(demo_db, "GM0344", [], {"rapporten": rapporten, "mislukt": {}, "index": []})
    assert "Alle 10 wijkrapporten hebben een kaart en minstens de helft van de kerncijfers." in volledig

    kaal = tmp_path / "kaal.duckdb"
    shutil.copy(demo_db, kaal)
    with duckdb.connect(str(kaal)) as con:
        # WK034401 loses its boundaries and those of its buurten; WK034402 keeps 5 of its 14 key figures.
        con.execute("create table kale_grenzen as select * from pub.gebied_grenzen where gebied_code not like '__034401%'")
        con.execute("create or replace view pub.gebied_grenzen as select * from kale_grenzen")
        con.execute(
            "create table kale_waarden as select * from pub.indicator_waarden "
            "where not (gebied_code = 'WK034402' and indicator in (select unnest(?::varchar[])))", [KERNCIJFERS[5:]]
        )
        con.execute("create or replace view pub.indicator_waarden as select * from kale_waarden")
    md = run_samenvatting(kaal, "GM0344", [], {"rapporten": rapporten, "mislukt": {}, "index": []})

    assert "- zonder kaart (geen grenzen geladen voor de wijk of haar buurten): 1 van 10: WK034401" in md
    assert "- minder dan de helft van de 14 kerncijfers bekend: 1 van 10: WK034402 (5)" in md
