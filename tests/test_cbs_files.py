"""Reading CBS's downloadable files: the bundled KWB releases (xlsx), a real StatLine CSV download, CSV and
national variants of the real release written in tmp_path, and the one-line errors a user sees for bad files.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import GEMEENTE, KWB_2023, KWB_2023_LATER, KWB_2024, STATLINE_85830

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.cbs import ingest_cbs_file
from wijkprofiel.ingest.readers.public import BRON_RIJ, GEBIED_KOLOMMEN
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file
from wijkprofiel.transform.build import build_marts

UTRECHT_GEBIEDEN = 1 + 10 + 111


def _rij(release, code: str) -> dict:
    rows = release.rijen[release.rijen.gebied_code == code]
    assert len(rows) == 1, f"{code} occurs {len(rows)} times"
    return rows.iloc[0].to_dict()


def _xlsx_frame(path: Path) -> pd.DataFrame:
    """The release's sheet exactly as CBS published it (cells as objects: str, int, float)."""
    return pd.read_excel(path, dtype=object, sheet_name=0)


def _raw(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------------------------ KWB release (xlsx)


def test_release_2024_xlsx_has_every_utrecht_area_with_values_as_text():
    release = read_cbs_file(KWB_2024, 2024)

    assert len(release.rijen) == UTRECHT_GEBIEDEN
    assert release.rijen["gebied_code"].is_unique
    assert list(release.rijen.columns[:4]) == [BRON_RIJ, *GEBIED_KOLOMMEN]
    assert list(release.rijen[BRON_RIJ][:2]) == [1, 2]
    west = _rij(release, "WK034401")
    assert west["inwoners"] == "29710"
    assert west["gebied_naam"] == "Wijk 01 West"
    assert west["gemiddelde_huishoudensgrootte"] == "1.8"
    assert west["wmo_clienten"] == "."  # not yet published in the early release: '.' stays text here
    assert release.ontbrekend == []


@pytest.mark.parametrize(("path", "jaar", "tabel_id"), [(KWB_2024, 2024, "85984NED"), (KWB_2023, 2023, "85618NED")])
def test_table_id_comes_from_the_year_when_the_file_name_has_none(path, jaar, tabel_id):
    release = read_cbs_file(path, jaar)

    assert release.tabel_id == tabel_id
    assert release.jaar == jaar
    assert release.bron == str(path)


def test_later_release_without_regio_names_the_gemeente_from_gm_naam_and_lists_the_missing_columns():
    release = read_cbs_file(KWB_2023_LATER, 2023)

    assert len(_xlsx_frame(KWB_2023_LATER).columns) == 43
    assert len(release.rijen) == UTRECHT_GEBIEDEN
    # gm_naam names the gemeente on every row: it is the gemeente's own name, never a wijk's or buurt's
    namen = dict(zip(release.rijen["gebied_code"], release.rijen["gebied_naam"]))
    assert namen["GM0344"] == "Utrecht"
    assert all(naam is None for code, naam in namen.items() if code != "GM0344")
    assert release.rijen["ind_wbi"].isna().all()
    assert "inwoners_65_plus" in release.ontbrekend
    assert "inwoners_65_plus" not in release.indicatoren
    assert "wmo_clienten" not in release.ontbrekend
    utrecht = _rij(release, "GM0344")
    assert utrecht["wmo_clienten"] == "19810"
    assert utrecht["inwoners"] == "367947"


def test_later_release_keeps_decimal_commas_as_text():
    release = read_cbs_file(KWB_2023_LATER, 2023)

    utrecht = _rij(release, "GM0344")
    assert utrecht["afstand_grote_supermarkt"] == "0,7"
    assert utrecht["scholen_binnen_3km"] == "19,1"
    assert utrecht["jongeren_jeugdzorg_pct"] == "11.8"


# ----------------------------------------------------------------------------------- StatLine CSV download


def test_statline_download_codes_are_stripped_of_padding():
    release = read_cbs_file(STATLINE_85830, 2023)

    codes = list(release.rijen["gebied_code"])
    assert codes[:3] == ["NL00", "GM0344", "WK034401"]
    assert all(code == code.strip() for code in codes)
    assert len(codes) == 1 + UTRECHT_GEBIEDEN
    assert _rij(release, "GM0344")["gebied_naam"] == "Utrecht"
    assert _rij(release, "WK034401")["gebied_naam"] == "Wijk 01 West"


def test_statline_table_id_comes_from_the_file_name_not_the_year():
    release = read_cbs_file(STATLINE_85830, 2023)

    assert release.tabel_id == "85830NED"


def test_statline_values_are_stripped_text_and_dot_stays_a_dot():
    release = read_cbs_file(STATLINE_85830, 2023)

    utrecht = _rij(release, "GM0344")
    assert utrecht["afstand_grote_supermarkt"] == "0.7"  # "     0.7" in the file
    assert utrecht["afstand_kinderdagverblijf"] == "0.5"
    assert utrecht["afstand_huisartsenpraktijk"] == "."  # "       ." in the file
    assert utrecht["ind_wbi"] == "1"
    assert _rij(release, "NL00")["afstand_grote_supermarkt"] == "1.0"


def test_statline_maps_only_catalogue_titles_and_lists_the_rest_as_missing():
    release = read_cbs_file(STATLINE_85830, 2023)

    assert set(release.indicatoren) == {
        "afstand_huisartsenpraktijk",
        "afstand_grote_supermarkt",
        "afstand_kinderdagverblijf",
        "afstand_school",
        "scholen_binnen_3km",
    }
    assert "inwoners" in release.ontbrekend


def test_statline_ingest_skips_the_nl00_row_and_staging_turns_dots_into_null(tmp_path):
    db = tmp_path / "w.duckdb"

    result = ingest_cbs_file(db, STATLINE_85830, GEMEENTE, 2023)
    build_marts(db)

    assert (result.rows_in, result.loaded, result.quarantined) == (UTRECHT_GEBIEDEN, UTRECHT_GEBIEDEN, 0)
    assert _raw(db, "select count(*) from raw.cbs_kwb where gebied_code = 'NL00'") == [(0,)]
    assert _raw(db, "select count(distinct gebied_code) from raw.cbs_kwb") == [(UTRECHT_GEBIEDEN,)]
    assert _raw(db, "select distinct tabel_id from raw.cbs_kwb") == [("85830NED",)]
    staged = dict(
        _raw(
            db,
            "select indicator, waarde from staging.cbs_kwb where gebied_code = 'GM0344' and indicator in (?, ?)",
            ["afstand_grote_supermarkt", "afstand_huisartsenpraktijk"],
        )
    )
    assert staged == {"afstand_grote_supermarkt": 0.7, "afstand_huisartsenpraktijk": None}


# ------------------------------------------------------------------ the release as CSV (written in tmp_path)

_NAAM_MET_ACCENT = "Wijk 01 Wést – Lombok"


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [(";", "cp1252"), (",", "utf-8-sig")],
    ids=["semicolon-cp1252", "comma-utf8-bom"],
)
def test_release_csv_gives_the_same_values_as_the_xlsx(tmp_path, sep, encoding):
    frame = _xlsx_frame(KWB_2024)
    frame.loc[frame["gwb_code_10"] == "WK034401", "regio"] = _NAAM_MET_ACCENT
    csv_path = tmp_path / "kwb-2024-utrecht.csv"
    frame.to_csv(csv_path, sep=sep, index=False, encoding=encoding)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert "Wést".encode("cp1252" if encoding == "cp1252" else "utf-8") in raw

    from_csv = read_cbs_file(csv_path, 2024)
    from_xlsx = read_cbs_file(KWB_2024, 2024)
    from_xlsx.rijen.loc[from_xlsx.rijen["gebied_code"] == "WK034401", "gebied_naam"] = _NAAM_MET_ACCENT

    pd.testing.assert_frame_equal(from_csv.rijen, from_xlsx.rijen)
    assert from_csv.ontbrekend == from_xlsx.ontbrekend == []
    assert from_csv.tabel_id == "85984NED"
    west = _rij(from_csv, "WK034401")
    assert west["gebied_naam"] == _NAAM_MET_ACCENT
    assert west["inwoners"] == "29710"
    assert west["gemiddelde_huishoudensgrootte"] == "1.8"
    assert _rij(from_csv, "BU03440111")["gebied_naam"] == "Welgelegen, Den Hommel"  # a comma inside a name


# ------------------------------------------------------------------------- a national file (two gemeenten)

_AMSTERDAM = {"GM0344": ("GM0363", "Amsterdam"), "WK034401": ("WK0363AA", "Burgwallen-Oude Zijde"),
              "BU03440111": ("BU0363AD07", "Kalverdriehoek")}  # fmt: skip


def _nationaal(tmp_path: Path, suffix: str) -> Path:
    """The 2024 Utrecht release plus three rows copied and recoded as Amsterdam (letter codes included)."""
    frame = _xlsx_frame(KWB_2024)
    copies = frame[frame["gwb_code_10"].isin(list(_AMSTERDAM))].copy()
    for oud, (nieuw, naam) in _AMSTERDAM.items():
        at = copies["gwb_code_10"] == oud
        copies.loc[at, ["gwb_code_10", "gwb_code", "gwb_code_8", "regio", "gm_naam"]] = [nieuw, nieuw, nieuw[2:], naam, "Amsterdam"]
    # Amsterdam between Utrecht's gemeente row and its wijken, as in CBS's national files (sorted by code).
    national = pd.concat([frame.iloc[:1], copies, frame.iloc[1:]], ignore_index=True)
    path = tmp_path / f"kwb-2024-nederland.{suffix}"
    if suffix == "xlsx":
        national.to_excel(path, index=False)
    else:
        national.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_national_file_loads_only_the_requested_gemeente(tmp_path, suffix):
    path = _nationaal(tmp_path, suffix)
    db = tmp_path / "w.duckdb"

    utrecht = ingest_cbs_file(db, path, "GM0344", 2024)
    amsterdam = ingest_cbs_file(db, path, "GM0363", 2024)

    assert len(read_cbs_file(path, 2024).rijen) == UTRECHT_GEBIEDEN + 3
    assert (utrecht.rows_in, utrecht.loaded, utrecht.quarantined, utrecht.duplicate) == (122, 122, 0, False)
    assert (amsterdam.rows_in, amsterdam.loaded, amsterdam.quarantined, amsterdam.duplicate) == (3, 3, 0, False)
    per_load = dict(
        _raw(db, "select load_id, list(distinct substr(gebied_code, 3, 4) order by 1) from raw.cbs_kwb group by load_id")
    )
    assert per_load == {utrecht.load_id: ["0344"], amsterdam.load_id: ["0363"]}
    assert _raw(db, "select gemeente, rows_in, loaded from meta.loads order by load_id") == [
        ("GM0344", 122, 122),
        ("GM0363", 3, 3),
    ]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_national_file_keeps_letter_codes_as_strings(tmp_path, suffix):
    path = _nationaal(tmp_path, suffix)
    db = tmp_path / "w.duckdb"

    ingest_cbs_file(db, path, "GM0363", 2024)

    rows = _raw(db, "select distinct gebied_code, gebied_naam from raw.cbs_kwb order by gebied_code")
    assert rows == [
        ("BU0363AD07", "Kalverdriehoek"),
        ("GM0363", "Amsterdam"),
        ("WK0363AA", "Burgwallen-Oude Zijde"),
    ]
    assert _raw(db, "select distinct typeof(gebied_code) from raw.cbs_kwb") == [("VARCHAR",)]
    inwoners = _raw(db, "select waarde from raw.cbs_kwb where gebied_code = 'WK0363AA' and indicator = 'inwoners'")
    assert inwoners == [("29710",)]  # the copied row of WK034401


# --------------------------------------------------------------------------------------- one-line errors


def _one_line_source_error(path: Path, jaar: int = 2024) -> str:
    with pytest.raises(SourceError) as info:
        read_cbs_file(path, jaar)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message
    return message


def test_missing_file_is_a_one_line_source_error(tmp_path):
    message = _one_line_source_error(tmp_path / "kwb-2024-utrecht.xlsx")

    assert "file not found" in message


def test_csv_without_a_code_column_is_a_one_line_source_error(tmp_path):
    path = tmp_path / "inwoners.csv"
    path.write_text("regio;a_inw;a_65_oo\nUtrecht;374238;40261\nWijk 01 West;29710;2855\n", encoding="utf-8")

    message = _one_line_source_error(path)

    assert "not a CBS wijken-en-buurten file" in message
    assert "gwb_code_10" in message


def test_binary_file_passed_as_csv_is_a_one_line_source_error(tmp_path):
    path = tmp_path / "statline-85830NED-utrecht.csv"
    path.write_bytes(gzip.compress(STATLINE_85830.read_bytes(), mtime=0))

    message = _one_line_source_error(path)

    assert "binary file" in message


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n"], ids=["zero-bytes", "only-bom", "only-newline"])
def test_empty_file_is_a_one_line_source_error(tmp_path, content):
    path = tmp_path / "kwb-2024-utrecht.csv"
    path.write_bytes(content)

    message = _one_line_source_error(path)

    assert "empty file" in message


def test_zip_that_is_not_a_workbook_is_a_one_line_source_error(tmp_path):
    path = tmp_path / "kwb-2024-utrecht.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("kwb-2024-utrecht.csv", "gwb_code_10;a_inw\nGM0344;374238\n")

    message = _one_line_source_error(path)

    assert "cannot read as Excel" in message
