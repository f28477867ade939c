"""Privacy of the rode-draden pipeline, end to end on the real SYNTHETIC data (synth_rodedraden, GM0344).

One run, shared by the tests of this module: CBS 2024 figures and the 2024 buurt and wijk boundaries, the CBS
postcode table, every rode-draden file through `ingest_bron` (casuïstiek noord CSV and zuid xlsx, signalen,
enquête, kansen, the earlier bespreking), `build_marts` and `publish_reports`. Then:

- no case id (read straight from the generated casuïstiek files) is anywhere: in no text, list or struct
  column of any table or view in any schema, not in the bytes of the database file, not in a published file;
- every casus_key is the keyed HMAC of its own case id;
- a signal's toelichting marked publiceerbaar 'nee' (the generator starts each with 'VERTROUWELIJK') stays in
  raw and staging: no other schema and no published file holds it; the publishable ones do reach the
  intermediate layer;
- the reports show their wijk's kansen and, for the wijken in the bespreking file, the previous bespreking's
  actions;
- the loader finds exactly the cases per wijk (and per wijk × thema) that the generator's manifest promises.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import BUURTEN_2024, DATA, GEMEENTE, KWB_2024, WIJKEN_2024
from gepubliceerd import gepubliceerde_tekst

from wijkprofiel.demo.synth_rodedraden import synth_rodedraden
from wijkprofiel.ingest import pseudonymise as pseudoniem
from wijkprofiel.ingest.cbs import ingest_cbs_file
from wijkprofiel.ingest.grenzen import ingest_grenzen_file
from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
from wijkprofiel.ingest.rodedraden import ingest_bron as _ingest_bron
from wijkprofiel.pipeline.keys import KeyFromEnvironment
from wijkprofiel.publish import publish_reports
from wijkprofiel.transform.build import build_marts


def ingest_bron(*args, **kw):
    """The stage with the key as the pipeline hands it over: read from the environment this module's fixture sets."""
    return _ingest_bron(*args, sleutel=KeyFromEnvironment(), **kw)


SLEUTEL = "test-sleutel-rodedraden-privacy-0123456789"
KOPPELTABEL = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
#: The generator writes case ids as C-<year>-<6 digits>; `casus_ids` checks that every id has this form, so a
#: search for the form finds every id, also inside a longer text.
ID_VORM = re.compile(r"C-\d{4}-\d{6}")
VERTROUWELIJK = "VERTROUWELIJK"


@dataclass
class Run:
    db: Path
    synth: object
    rapporten: Path
    published: dict[str, Path]
    loads: dict[str, object]
    manifest: dict


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    tmp = tmp_path_factory.mktemp("rodedraden-privacy")
    db = tmp / "wijkprofiel.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WIJKPROFIEL_PSEUDO_KEY", SLEUTEL)
        mp.delenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", raising=False)
        synth = synth_rodedraden(GEMEENTE, tmp / "synthetisch")
        ingest_cbs_file(db, KWB_2024, GEMEENTE, 2024)
        for grenzen in (BUURTEN_2024, WIJKEN_2024):
            ingest_grenzen_file(db, grenzen, GEMEENTE, 2024)
        ingest_koppeltabel(db, KOPPELTABEL)
        loads = {}
        for soort, pad in [("casuistiek", synth.casuistiek[0]), ("casuistiek", synth.casuistiek[1]),
                           ("signalen", synth.signalen), ("enquete", synth.enquete), ("kansen", synth.kansen),
                           ("besprekingen", synth.bespreking)]:
            loads[pad.name] = ingest_bron(db, soort, pad)
        build_marts(db)
        result = publish_reports(db, tmp / "rapporten")
    assert result.mislukt == {}
    published = {p.name: p for p in sorted((tmp / "rapporten").rglob("*")) if p.is_file()}
    manifest = json.loads(synth.manifest.read_text(encoding="utf-8"))
    return Run(db, synth, tmp / "rapporten", published, loads, manifest)


@pytest.fixture(scope="module")
def con(run):
    connection = duckdb.connect(str(run.db), read_only=True)
    yield connection
    connection.close()


# ------------------------------------------------------------------------------------------------ reading the generated files


def _noord_ids(pad: Path) -> list[str]:
    regels = list(csv.reader(io.StringIO(pad.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert regels[0][0] == "Casusnummer"
    return [r[0] for r in regels[1:]]


def _zuid_ids(pad: Path) -> list[str]:
    wb = openpyxl.load_workbook(pad, read_only=True)
    try:
        regels = list(wb["Casussen"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert regels[0][0] == "Casus ID"
    return [str(r[0]) for r in regels[1:]]


@pytest.fixture(scope="module")
def casus_per_rij(run) -> dict[tuple[str, int], str]:
    """(file, record number under the header) → the case id written there; the loader's bron_rij numbers the same."""
    noord, zuid = run.synth.casuistiek
    uit = {(str(noord), i): cid for i, cid in enumerate(_noord_ids(noord), start=1)}
    uit.update({(str(zuid), i): cid for i, cid in enumerate(_zuid_ids(zuid), start=1)})
    return uit


@pytest.fixture(scope="module")
def casus_ids(run, casus_per_rij) -> set[str]:
    ids = set(casus_per_rij.values())
    assert len(ids) == sum(run.manifest["casussen_per_wijk"].values()) == run.manifest["casussen_gevraagd"]
    assert all(ID_VORM.fullmatch(i) for i in ids)
    return ids


@pytest.fixture(scope="module")
def signalen(run) -> list[dict]:
    with run.synth.signalen.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["publiceerbaar"] for r in rows} == {"ja", "nee"}
    assert all(r["toelichting"].startswith(VERTROUWELIJK) == (r["publiceerbaar"] == "nee") for r in rows)
    return rows


def _tekstkolommen(con, *, schemas: set[str] | None = None, behalve: set[str] = frozenset()) -> list[tuple[str, str, str]]:
    """Every column of every table and view that can hold text: VARCHAR, lists, structs, maps."""
    rows = con.execute(
        """select schema_name, table_name, column_name, data_type from duckdb_columns()
           where database_name = current_database() order by 1, 2, 3"""
    ).fetchall()
    uit = []
    for schema, tabel, kolom, soort in rows:
        if schemas is not None and schema not in schemas or schema in behalve:
            continue
        if "VARCHAR" in soort or soort.endswith("]") or soort.startswith(("STRUCT", "MAP", "UNION", "JSON")):
            uit.append((schema, tabel, kolom))
    return uit


def _treffers(con, kolommen, zoek: str | list[str]) -> list[tuple[str, str, str, int]]:
    """(schema, table, column, rows) where the text form of the value matches the regular expression `zoek`,
    or (a list) contains one of the texts literally."""
    gevonden = []
    for schema, tabel, kolom in kolommen:
        waarde = f'"{kolom}"::varchar'
        if isinstance(zoek, str):
            voorwaarde, params = f"regexp_matches({waarde}, ?)", [zoek]
        else:
            voorwaarde, params = " or ".join([f"contains({waarde}, ?)"] * len(zoek)), list(zoek)
        n = con.execute(f'select count(*) from "{schema}"."{tabel}" where {voorwaarde}', params).fetchone()[0]
        if n:
            gevonden.append((schema, tabel, kolom, n))
    return gevonden


# ------------------------------------------------------------------------------------------------ the run itself


def test_alles_geladen_niets_in_quarantaine(run):
    rijen = run.synth.rijen_per_bestand
    assert {naam: (r.rows_in, r.loaded, r.quarantined, r.duplicate) for naam, r in run.loads.items()} == {
        naam: (rijen[naam], rijen[naam], 0, False) for naam in rijen}
    assert sorted(run.published) == sorted(
        ["index.html", *(f"WK0344{i:02d}{deel}" for i in range(1, 11)
                         for deel in (".html", "-factsheet.html", "-cijfers.csv", "-cijfers.xlsx"))]
    )


# ------------------------------------------------------------------------------------------------ case ids


def test_geen_casus_id_in_enige_kolom_van_enig_schema(con, casus_ids):
    kolommen = _tekstkolommen(con)
    assert {s for s, _, _ in kolommen} >= {"raw", "staging", "intermediate", "marts", "pub", "meta"}
    assert ("raw", "casuistiek", "casus_key") in kolommen and ("raw", "kansen", "themas") in kolommen
    assert _treffers(con, kolommen, ID_VORM.pattern) == []
    # the check would find one: a case id's form is matched inside any text
    assert con.execute("select regexp_matches('zie casus C-2024-000123, ', ?)", [ID_VORM.pattern]).fetchone() == (True,)


def test_geen_casus_id_in_de_bytes_van_het_databasebestand(run, casus_ids):
    # DuckDB may compress strings on disk, so the column scan above is the real check; this one catches an id
    # written uncompressed anywhere (a log, a comment, a write-ahead log left behind).
    for pad in [run.db, *run.db.parent.glob(run.db.name + ".*")]:
        data = pad.read_bytes()
        assert re.search(ID_VORM.pattern.encode(), data) is None, pad.name


def test_geen_casus_id_of_casus_key_in_gepubliceerde_bestanden(run, con, casus_ids):
    keys = {k for (k,) in con.execute("select distinct casus_key from raw.casuistiek").fetchall()}
    for naam, pad in run.published.items():
        tekst = gepubliceerde_tekst(pad)
        assert ID_VORM.search(tekst) is None, naam
        assert keys.isdisjoint(re.findall(r"[0-9a-f]{64}", tekst)), naam


def test_elke_casus_key_is_de_hmac_van_zijn_eigen_casus_id(con, casus_per_rij, casus_ids):
    sleutel = SLEUTEL.encode("utf-8")
    raw = con.execute("select bron_bestand, bron_rij, casus_key from raw.casuistiek").fetchall()
    assert {(b, r) for b, r, _ in raw} == set(casus_per_rij)  # every record loaded
    fout = [(b, r) for b, r, k in raw if k != pseudoniem.hmac_hex(sleutel, casus_per_rij[(b, r)])]
    assert fout == []
    verwacht = {pseudoniem.hmac_hex(sleutel, cid) for cid in casus_ids}
    assert {k for (k,) in con.execute("select distinct casus_key from staging.casuistiek").fetchall()} == verwacht


# ------------------------------------------------------------------------------------------------ signal texts


def test_vertrouwelijke_toelichting_blijft_in_raw_en_staging(con, signalen):
    nee = sorted({r["toelichting"] for r in signalen if r["publiceerbaar"] == "nee"})
    assert nee
    # they are loaded (raw and staging keep what the partner sent) ...
    for schema in ("raw", "staging"):
        opgeslagen = {t for (t,) in con.execute(f"select toelichting from {schema}.signalen where not publiceerbaar").fetchall()}
        assert opgeslagen == set(nee), schema
    # ... and nowhere else: not in intermediate, marts, pub or meta (nor any other schema)
    elders = _tekstkolommen(con, behalve={"raw", "staging"})
    assert {s for s, _, _ in elders} >= {"intermediate", "marts", "pub", "meta"}
    assert _treffers(con, elders, VERTROUWELIJK) == []
    # the exact texts too, in case a model strips the marker
    assert _treffers(con, elders, [t[len(VERTROUWELIJK) + 2:] for t in nee]) == []


def test_vertrouwelijke_toelichting_niet_in_gepubliceerde_bestanden(run, signalen):
    nee = {r["toelichting"] for r in signalen if r["publiceerbaar"] == "nee"}
    for naam, pad in run.published.items():
        tekst = html.unescape(gepubliceerde_tekst(pad))
        assert VERTROUWELIJK not in tekst, naam
        assert [t for t in nee if t[len(VERTROUWELIJK) + 2:] in tekst] == [], naam


def test_publiceerbare_toelichting_bereikt_intermediate(con, signalen):
    ja = sorted((r["wijkcode"] or "WK" + r["buurtcode"][2:8], r["toelichting"]) for r in signalen
                if r["publiceerbaar"] == "ja" and r["toelichting"])
    assert ja
    per_wijk = con.execute(
        "select wijkcode, unnest(toelichtingen_publiceerbaar) from intermediate.signalen_per_wijk "
        "where toelichtingen_publiceerbaar is not null"
    ).fetchall()
    assert sorted(per_wijk) == ja


# ------------------------------------------------------------------------------------------------ reports


def _rapport(run, wijk: str) -> str:
    return html.unescape(run.published[f"{wijk}.html"].read_text(encoding="utf-8"))


def test_rapport_toont_de_kansen_van_zijn_wijk(run, con):
    with run.synth.kansen.open(encoding="utf-8", newline="") as fh:
        namen = {r["naam"] for r in csv.DictReader(fh)}
    per_wijk = con.execute("select distinct wijkcode, naam from pub.kansen order by 1, 2").fetchall()
    assert {n for _, n in per_wijk} == namen                   # every kans placed in a wijk, none lost
    assert all(w is not None for w, _ in per_wijk)
    wijken = sorted({w for w, _ in per_wijk})
    assert len(wijken) == 10
    for wijk in wijken:
        rapport = _rapport(run, wijk)
        assert "Wat er al is in de wijk" in rapport
        assert [n for w, n in per_wijk if w == wijk and n not in rapport] == [], wijk


def test_rapport_toont_de_acties_van_de_vorige_bespreking(run):
    with run.synth.bespreking.open(encoding="utf-8", newline="") as fh:
        bespreking = list(csv.DictReader(fh))
    besproken = sorted({r["wijkcode"] for r in bespreking})
    assert 3 <= len(besproken) <= 4
    for wijk in besproken:
        rapport = _rapport(run, wijk)
        assert "Vorige bespreking" in rapport
        acties = [r["actie"] for r in bespreking if r["wijkcode"] == wijk]
        assert [a for a in acties if a not in rapport] == [], wijk
        assert "nog geen bespreking vastgelegd" not in rapport
    for wijk in (f"WK0344{i:02d}" for i in range(1, 11)):
        if wijk not in besproken:
            assert "Voor deze wijk is nog geen bespreking vastgelegd" in _rapport(run, wijk)


# ------------------------------------------------------------------------------------------------ what a correct loader finds


def test_casussen_per_wijk_zoals_het_manifest_belooft(run, con):
    # Every synthetic case lies in a buurt: the noord CSV gives a postcode from its buurt's PC6 list in the same
    # CBS postcode table the loader places with (so the 'pc6' placement lands in that buurt), the zuid xlsx its
    # buurtcode. No case is unplaced, so the wijk totals add up to the manifest's; an unplaced case would count
    # only at gemeente level and make the wijk sum smaller.
    assert con.execute("select count(*) from raw.casuistiek where wijkcode is null").fetchone() == (0,)
    per_wijk = dict(con.execute(
        """select gebied_code, sum(casussen)::integer from intermediate.casuistiek_themas
           where gebied_niveau = 'wijk' and periode_soort = 'jaar' and thema = '*' and jaar in (2023, 2024)
           group by 1"""
    ).fetchall())
    assert per_wijk == run.manifest["casussen_per_wijk"]


def test_casussen_per_wijk_en_thema_zoals_het_manifest_belooft(run, con):
    rijen = con.execute(
        """select gebied_code, thema, sum(casussen)::integer from intermediate.casuistiek_themas
           where gebied_niveau = 'wijk' and periode_soort = 'jaar' and thema <> '*' and not thema like 'onbekend:%'
           group by 1, 2"""
    ).fetchall()
    verwacht = {(w, t): n for w, d in run.manifest["casussen_per_wijk_thema"].items() for t, n in d.items() if n}
    assert {(w, t): n for w, t, n in rijen} == verwacht


def test_onbekende_tags_zoals_het_manifest_belooft(run, con):
    per_tag = dict(con.execute("select tag, sum(aantal)::integer from meta.unmapped_tags group by 1").fetchall())
    assert per_tag == run.manifest["tags_zonder_thema"]
