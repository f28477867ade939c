"""Audits (sql/audits/): each returns the rows that break a rule; any row rolls the whole build back."""

from __future__ import annotations

import shutil

import pytest
from modeltest import bouw, rijen

from wijkprofiel.db import connect
from wijkprofiel.transform.audits import AuditError, audit_files, run_audits
from wijkprofiel.transform.build import build_marts


@pytest.fixture
def kopie(demo_volledig, tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_volledig, db)
    return db


def test_every_audit_passes_on_the_full_demo(demo_volledig):
    con = connect(demo_volledig, read_only=True)
    try:
        assert run_audits(con) == [p.stem for p in audit_files()]
    finally:
        con.close()
    assert {p.stem for p in audit_files()} == {
        "codes_van_de_gemeente", "gepubliceerde_persoonsaantallen", "loads_sluiten", "pub_kolommen_beschreven",
        "unieke_sleutels",
    }


def test_a_failing_audit_rolls_the_build_back(kopie):
    con = connect(kopie)
    try:
        # A state the build would replace: if the build were kept, this table would have all its rows again.
        con.execute("create or replace table marts.gebied_grenzen as select * from marts.gebied_grenzen limit 3")
        # A load that lost a row: 10 in, 9 loaded, 0 quarantined.
        con.execute(
            """insert into meta.loads (bron, bestand, sha256, via, rows_in, loaded, quarantined, geladen_op)
               values ('signalen', 'kwijt.csv', 'sha-kwijt', 'bestand', 10, 9, 0, now())"""
        )
    finally:
        con.close()
    with pytest.raises(AuditError) as info:
        build_marts(kopie)
    melding = str(info.value)
    assert "\n" not in melding
    assert melding.startswith("audit loads_sluiten failed (loads_sluiten.sql): 1 row(s) break it, e.g. load_id=")
    assert "bestand=kwijt.csv, rows_in=10, loaded=9, quarantined=0" in melding
    con = connect(kopie, read_only=True)
    try:
        assert rijen(con, "select count(*) from marts.gebied_grenzen") == [(3,)]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("audit", "breuk"),
    [
        ("unieke_sleutels", "insert into marts.indicator_waarden select * from marts.indicator_waarden limit 1"),
        (
            "gepubliceerde_persoonsaantallen",
            """update pub.openbaarmaking set waarde = 3, onderdrukt = false
               where (gebied_code, jaar, indicator) in (
                   select (w.gebied_code, w.jaar, w.indicator) from marts.indicator_waarden w
                   join raw.indicator_catalogus c using (indicator)
                   where w.bron = 'gemeente' and c.openbaarmaking = 'aantal_personen' limit 1)""",
        ),
        ("codes_van_de_gemeente", "update marts.gebied_grenzen set gemeente_code = 'GM0363' where gebied_niveau = 'wijk'"),
        ("pub_kolommen_beschreven", "comment on column pub.kansen.naam is ''"),
    ],
)
def test_each_audit_finds_what_it_guards(kopie, audit, breuk):
    con = connect(kopie)
    try:
        con.execute(breuk)
        with pytest.raises(AuditError, match=f"^audit {audit} failed"):
            run_audits(con)
    finally:
        con.close()


def test_a_selection_built_into_a_fresh_database_runs_the_audits_of_what_exists(con):
    """Only a selection (`build --select`, the model tests) can lack relations an audit reads; those audits have
    nothing to check, the others still run."""
    bouw(con, "staging.cbs_kwb")
    assert run_audits(con) == ["loads_sluiten", "pub_kolommen_beschreven"]
