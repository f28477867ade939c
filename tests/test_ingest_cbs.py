"""Loading CBS releases into raw.cbs_kwb: loads are idempotent, every row is accounted for in meta.loads,
bad area codes go to quarantine, and a later release of the same year fills what the early one left empty.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import GEMEENTE, KWB_2023, KWB_2023_LATER, KWB_2024, STATLINE_85830

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.cbs import ingest_cbs_file
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file
from wijkprofiel.transform.build import build_marts

UTRECHT_GEBIEDEN = 122


def _query(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _counts(db: Path) -> tuple[int, int]:
    return _query(db, "select (select count(*) from raw.cbs_kwb), (select count(*) from meta.loads)")[0]


def _release_met_foute_codes(tmp_path: Path) -> Path:
    """The real 2024 release as CSV with two extra Utrecht rows whose codes are not valid CBS codes."""
    frame = pd.read_excel(KWB_2024, dtype=object)
    bad = frame[frame["gwb_code_10"] == "BU03440111"].copy()
    bad = pd.concat([bad, bad], ignore_index=True)
    bad["gwb_code_10"] = ["BU0344XYZ123", "WK0344"]
    path = tmp_path / "kwb-2024-utrecht-foute-codes.csv"
    pd.concat([frame, bad], ignore_index=True).to_csv(path, sep=";", index=False)
    return path


# ------------------------------------------------------------------------------------------- idempotence


def test_loading_the_same_file_twice_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"

    first = ingest_cbs_file(db, KWB_2024, GEMEENTE, 2024)
    after_first = _counts(db)
    second = ingest_cbs_file(db, KWB_2024, GEMEENTE, 2024)

    indicatoren = len(read_cbs_file(KWB_2024, 2024).indicatoren)
    assert after_first == (UTRECHT_GEBIEDEN * indicatoren, 1)
    assert first.duplicate is False
    assert second.duplicate is True
    assert second.load_id == first.load_id
    assert (second.rows_in, second.loaded, second.quarantined) == (first.rows_in, first.loaded, first.quarantined)
    assert _counts(db) == after_first


def test_same_content_under_another_name_is_still_a_duplicate(tmp_path):
    db = tmp_path / "w.duckdb"
    copy = tmp_path / "kwb-2024-utrecht-kopie.xlsx"
    copy.write_bytes(KWB_2024.read_bytes())

    first = ingest_cbs_file(db, KWB_2024, GEMEENTE, 2024)
    second = ingest_cbs_file(db, copy, GEMEENTE, 2024)

    assert second.duplicate is True
    assert second.load_id == first.load_id
    assert _query(db, "select count(*) from meta.loads") == [(1,)]


def test_gemeente_code_without_prefix_is_normalised(tmp_path):
    db = tmp_path / "w.duckdb"

    result = ingest_cbs_file(db, KWB_2024, "344", 2024)

    assert result.loaded == UTRECHT_GEBIEDEN
    assert _query(db, "select gemeente, jaar, tabel_id, via from meta.loads") == [("GM0344", 2024, "85984NED", "bestand")]


# -------------------------------------------------------------------------------- accounting and quarantine


def test_every_load_has_rows_in_equal_to_loaded_plus_quarantined(tmp_path):
    db = tmp_path / "w.duckdb"
    for path, jaar in (
        (KWB_2023, 2023),
        (KWB_2023_LATER, 2023),
        (KWB_2024, 2024),
        (STATLINE_85830, 2023),
        (_release_met_foute_codes(tmp_path), 2024),
    ):
        ingest_cbs_file(db, path, GEMEENTE, jaar)

    rows = _query(db, "select rows_in, loaded, quarantined from meta.loads order by load_id")
    assert rows == [(122, 122, 0), (122, 122, 0), (122, 122, 0), (122, 122, 0), (124, 122, 2)]
    assert all(rows_in == loaded + quarantined for rows_in, loaded, quarantined in rows)


def test_invalid_code_inside_the_gemeente_is_quarantined_and_counted(tmp_path):
    db = tmp_path / "w.duckdb"
    path = _release_met_foute_codes(tmp_path)

    result = ingest_cbs_file(db, path, GEMEENTE, 2024)

    assert (result.rows_in, result.loaded, result.quarantined) == (124, 122, 2)
    quarantined = _query(
        db,
        "select load_id, bestand, rij, kolom, reden, waarde_gemaskeerd from meta.quarantine order by rij",
    )
    assert [(q[0], q[1], q[2], q[3], q[5]) for q in quarantined] == [
        (result.load_id, str(path), 123, "gebied_code", "BU0344XYZ123"),
        (result.load_id, str(path), 124, "gebied_code", "WK0344"),
    ]
    assert all(q[4] for q in quarantined), "every quarantined row says why"
    assert _query(db, "select count(*) from raw.cbs_kwb where gebied_code in ('BU0344XYZ123', 'WK0344')") == [(0,)]
    assert _query(db, "select count(distinct gebied_code) from raw.cbs_kwb") == [(UTRECHT_GEBIEDEN,)]
    assert _query(db, "select rows_in, loaded, quarantined from meta.loads") == [(124, 122, 2)]


def test_gemeente_not_in_the_file_is_a_source_error_naming_the_gemeente(tmp_path):
    db = tmp_path / "w.duckdb"

    with pytest.raises(SourceError) as info:
        ingest_cbs_file(db, KWB_2024, "GM0363", 2024)

    message = str(info.value)
    assert "GM0363" in message
    assert KWB_2024.name in message
    assert "\n" not in message
    if db.exists():
        assert _counts(db) == (0, 0)


# ---------------------------------------------------------------------- two releases of the same year


def _waarden_2023(db: Path, gebied: str, indicatoren: list[str]) -> dict[str, tuple[float | None, int]]:
    placeholders = ", ".join("?" for _ in indicatoren)
    rows = _query(
        db,
        f"""select indicator, waarde, release_load_id from marts.indicator_waarden
            where jaar = 2023 and gebied_code = ? and indicator in ({placeholders})""",
        [gebied, *indicatoren],
    )
    return {indicator: (waarde, load_id) for indicator, waarde, load_id in rows}


def test_later_release_fills_cells_the_early_release_left_empty(tmp_path):
    db = tmp_path / "w.duckdb"

    early = ingest_cbs_file(db, KWB_2023, GEMEENTE, 2023)
    later = ingest_cbs_file(db, KWB_2023_LATER, GEMEENTE, 2023)
    build_marts(db)

    assert later.duplicate is False
    waarden = _waarden_2023(db, "GM0344", ["wmo_clienten", "afstand_grote_supermarkt", "inwoners_65_plus"])
    assert waarden == {
        "wmo_clienten": (19810.0, later.load_id),  # '.' in the early release
        "afstand_grote_supermarkt": (0.7, later.load_id),  # '0,7' in the later release
        "inwoners_65_plus": (39373.0, early.load_id),  # not in the later release at all
    }


def test_a_known_value_from_either_release_wins_whatever_the_load_order(tmp_path):
    forward, backward = tmp_path / "vooruit.duckdb", tmp_path / "achteruit.duckdb"
    for db, paths in ((forward, (KWB_2023, KWB_2023_LATER)), (backward, (KWB_2023_LATER, KWB_2023))):
        for path in paths:
            ingest_cbs_file(db, path, GEMEENTE, 2023)
        build_marts(db)

    # Cells that exactly one of the two releases knows (the other has '.', an empty cell or no column).
    one_release_sql = """
        select gebied_code, indicator from staging.cbs_kwb where jaar = 2023
        group by all having count(waarde) = 1"""
    cells = set(_query(forward, one_release_sql))
    assert cells == set(_query(backward, one_release_sql))
    assert {("GM0344", "wmo_clienten"), ("GM0344", "inwoners_65_plus"), ("WK034401", "jongeren_jeugdzorg")} <= cells

    marts_sql = f"""
        select gebied_code, indicator, waarde from marts.indicator_waarden
        where jaar = 2023 and (gebied_code, indicator) in ({one_release_sql})
        order by all"""
    forward_values = _query(forward, marts_sql)
    assert len(forward_values) == len(cells)
    assert all(waarde is not None for _, _, waarde in forward_values)
    assert _query(backward, marts_sql) == forward_values

    backward_loads = dict(_query(backward, "select bestand, load_id from meta.loads"))
    assert _waarden_2023(backward, "GM0344", ["wmo_clienten", "inwoners_65_plus"]) == {
        "wmo_clienten": (19810.0, backward_loads[str(KWB_2023_LATER)]),
        "inwoners_65_plus": (39373.0, backward_loads[str(KWB_2023)]),
    }
