"""Read once, fan out: a national CBS release is parsed once per run and split per gemeente; each gemeente's load of
its part equals a load from the whole file. The national files are SYNTHETIC (tests/synthetische_gemeenten.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES
from synthetische_gemeenten import synthetische_release

from wijkprofiel.config import Export, load_config
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest import cbs
from wijkprofiel.ingest.loads import sha256_file
from wijkprofiel.pipeline import plan
from wijkprofiel.reference.areas import gemeente_keuze
from wijkprofiel.transform import build

GEBIEDEN = FIXTURES / "cbs" / "gebieden-in-nederland-SYNTHETISCH.csv"
#: meta.loads without the time of loading, which differs between any two loads
LOADS = "select * exclude (geladen_op) from meta.loads"


def _verschil(a: Path, b: Path, query: str) -> tuple[int, int]:
    """Rows of `query` in a and not in b, and in b and not in a (EXCEPT ALL: duplicates count)."""
    with duckdb.connect() as con:
        for naam, pad in (("a", a), ("b", b)):
            con.execute(f"attach '{pad}' as {naam} (read_only)")
            con.execute(f"use {naam}")
            con.execute(f"create temp table uit_{naam} as {query}")
        assert con.execute("select count(*) from temp.uit_a").fetchone()[0] > 0, f"{query}: no rows to compare"
        return tuple(
            con.execute(f"select count(*) from (from temp.uit_{x} except all from temp.uit_{y})").fetchone()[0]
            for x, y in (("a", "b"), ("b", "a"))
        )


def _tel_lezen(monkeypatch) -> list[str]:
    """Spy on the one parser of release files: the paths it read."""
    gelezen: list[str] = []
    echt = cbs.read_cbs_file

    def spion(path, jaar, *args, **kwargs):
        gelezen.append(str(path))
        return echt(path, jaar, *args, **kwargs)

    monkeypatch.setattr(cbs, "read_cbs_file", spion)
    return gelezen


def test_a_gemeentes_part_loads_exactly_what_the_whole_file_loads(tmp_path: Path, monkeypatch):
    release = synthetische_release(tmp_path, ["9901", "9902"])
    # Records every gemeente's load sees (no code: quarantined in each), none sees (NL00) and one bad code of 9901.
    kolommen = release.read_text(encoding="utf-8").splitlines()[0].split(";")
    with release.open("a", encoding="utf-8") as fh:
        for rij in ({"gwb_code_10": "NL00"}, {"regio": "Nergens"}, {"gwb_code_10": "WK99011", "regio": "Te kort"}):
            fh.write(";".join(rij.get(k, "") for k in kolommen) + "\n")
    gelezen = _tel_lezen(monkeypatch)

    deel = cbs.splits_cbs_bestand(release, 2024, tmp_path / "delen")
    assert deel["gemeenten"] == ["GM0344", "GM9901", "GM9902"]
    assert deel["sha256"] == sha256_file(release)
    for gemeente in ("GM9901", "GM0344"):
        uit_bestand = cbs.ingest_cbs_file(tmp_path / f"bestand-{gemeente}.duckdb", release, gemeente, 2024)
        uit_deel = cbs.ingest_cbs_file(tmp_path / f"deel-{gemeente}.duckdb", release, gemeente, 2024, deel["map"])
        assert uit_deel == uit_bestand
        for query in (LOADS, "select * from meta.quarantine", "select * from raw.cbs_kwb"):
            assert _verschil(tmp_path / f"bestand-{gemeente}.duckdb", tmp_path / f"deel-{gemeente}.duckdb", query) == (0, 0)
    assert uit_deel.quarantined == 1  # GM0344: the record without a code
    # The file was parsed once for the split and once for each load from the file; never for a load of a part.
    assert gelezen == [str(release)] * 3
    # A load of the part after a load of the file is the same content: nothing to do (meta.loads names the file).
    again = cbs.ingest_cbs_file(tmp_path / "bestand-GM9901.duckdb", release, "GM9901", 2024, deel["map"])
    assert again.duplicate and again.bestand == str(release)


def test_a_gemeente_not_in_the_file_fails_as_it_does_without_a_split(tmp_path: Path):
    release = synthetische_release(tmp_path, [])
    deel = cbs.splits_cbs_bestand(release, 2024, tmp_path / "delen")
    with pytest.raises(Exception, match=r"^kwb-2024-synthetisch-landelijk.csv: no areas of GM9903 in this file$"):
        cbs.ingest_cbs_file(tmp_path / "x.duckdb", release, "GM9903", 2024, deel["map"])


def test_an_unchanged_file_reuses_its_split_and_other_splits_are_removed(tmp_path: Path, monkeypatch):
    release = synthetische_release(tmp_path, ["9901"])
    gelezen = _tel_lezen(monkeypatch)
    root = tmp_path / "delen"
    eerste = cbs.splits_cbs_bestand(release, 2024, root)
    tweede = cbs.splits_cbs_bestand(release, 2024, root)
    assert tweede == eerste and len(gelezen) == 1
    assert (root.stat().st_mode & 0o777) == 0o700  # the run's own scratch space

    # The file changes (a later release in its place): a new split, and the old one goes.
    with release.open("a", encoding="utf-8") as fh:
        fh.write("\n")
    derde = cbs.splits_cbs_bestand(release, 2024, root)
    assert derde["map"] != eerste["map"] and len(gelezen) == 2
    # A split a killed run left unfinished goes after a day; a younger one may be another run's, still being written.
    oud, jong = root / ".deel-oud", root / ".deel-jong"
    oud.mkdir(), jong.mkdir()
    os.utime(oud, (time.time() - 2 * 86400,) * 2)
    cbs.ruim_delen_op(root, [derde["map"]])
    assert sorted(p.name for p in root.iterdir()) == [".deel-jong", Path(derde["map"]).name]


def test_alle_province_and_ggd_region_codes_expand_to_gemeenten(tmp_path: Path):
    delen = [{"gemeenten": ["GM0344", "GM9901"]}, {"gemeenten": ["GM9901", "GM9902"]}]
    assert plan.gemeenten_uitvouwen(["alle"], delen) == ["GM0344", "GM9901", "GM9902"]
    assert plan.gemeenten_uitvouwen(["PV26"], [], str(GEBIEDEN)) == ["GM0344", "GM9901", "GM9902"]
    assert plan.gemeenten_uitvouwen(["GG9902", "GM0344"], [], str(GEBIEDEN)) == ["GM9902", "GM9903", "GM0344"]
    # Without release files, 'alle' is every gemeente of the gebieden table.
    assert plan.gemeenten_uitvouwen(["alle"], [], str(GEBIEDEN)) == ["GM0344", "GM9901", "GM9902", "GM9903"]
    with pytest.raises(WijkprofielError, match=r"^gemeenten: PV27 is not in .*gebieden-in-nederland-SYNTHETISCH.csv$"):
        plan.gemeenten_uitvouwen(["PV27"], [], str(GEBIEDEN))
    with pytest.raises(WijkprofielError, match=r"^paden.gebieden: gemeenten names GG9902, which needs"):
        plan.gemeenten_uitvouwen(["GG9902"], [])
    with pytest.raises(WijkprofielError, match=r"^exports: gemeente GM9903 is not among the gemeenten of this run$"):
        plan.gemeenten_uitvouwen(["PV26"], [], str(GEBIEDEN), [Export(gemeente="GM9903", soort="signalen", pad="x.csv")])
    with pytest.raises(WijkprofielError, match=r"not a province \(PV20..PV31\) or GGD-region code"):
        gemeente_keuze("PV99")
    assert plan.meerdere(["alle"]) and plan.meerdere(["PV26"]) and not plan.meerdere(["344"])


def test_a_named_gemeente_gets_every_file_one_chosen_through_alle_only_its_own(tmp_path: Path):
    runs = plan.maak_plan(["GM0344", "GM9901"], str(tmp_path / "{gemeente}.duckdb"), str(tmp_path / "{gemeente}"))
    delen = [{"pad": "a.csv", "jaar": 2023, "map": "/d/a", "gemeenten": ["GM0344"]},
             {"pad": "b.csv", "jaar": 2024, "map": "/d/b", "gemeenten": ["GM0344", "GM9901"]}]
    per_gemeente = {r.gemeente: [(b.pad, b.deel) for b in r.cbs_bestanden] for r in plan.met_delen(runs, delen, ["alle"])}
    assert per_gemeente == {"GM0344": [("a.csv", "/d/a"), ("b.csv", "/d/b")], "GM9901": [("b.csv", "/d/b")]}
    genoemd = {r.gemeente: len(r.cbs_bestanden) for r in plan.met_delen(runs, delen, ["GM0344", "9901"])}
    assert genoemd == {"GM0344": 2, "GM9901": 2}


def _config(tmp_path: Path, regels: str) -> Path:
    pad = tmp_path / "wijkprofiel.toml"
    release = synthetische_release(tmp_path, ["9901"])
    pad.write_text(
        f'{regels}\nonline = false\n[paden]\ndatabase = "{{gemeente}}.duckdb"\nrapporten = "{{gemeente}}"\n'
        f'[[cbs_bestanden]]\npad = "{release}"\njaar = 2024\n'
        f'[[grenzen_bestanden]]\npad = "{release}"\njaar = 2024\n',
        encoding="utf-8",
    )
    return pad


def test_config_check_takes_alle_and_regions_and_names_the_missing_gebieden_setting(tmp_path: Path):
    assert load_config(_config(tmp_path, 'gemeenten = "alle"')).gemeenten == ["alle"]
    with pytest.raises(WijkprofielError, match=r"setting paden.gebieden: gemeenten names PV26, GG9901, which needs CBS's "
                                               r"table Gebieden in Nederland \(a CSV or XLSX download\) under \[paden\] gebieden$"):
        load_config(_config(tmp_path, 'gemeenten = ["PV26", "GG9901", "GM0344"]'))
    met_gebieden = _config(tmp_path, 'gemeenten = ["PV26"]')
    met_gebieden.write_text(met_gebieden.read_text().replace("[paden]\n", f'[paden]\ngebieden = "{GEBIEDEN}"\n'))
    cfg = load_config(met_gebieden)
    assert cfg.gemeenten == ["PV26"] and cfg.paden.gebieden == GEBIEDEN
    assert plan.parameters_uit_config(cfg, None)["gebieden"] == str(GEBIEDEN)


def test_a_run_of_alle_parses_the_national_file_once_and_equals_the_per_gemeente_read(
    prefect_harness, tmp_path: Path, monkeypatch
):
    from flows.wijkprofiel import BronBestand, wijkprofiel

    release = synthetische_release(tmp_path, ["9901", "9902"])
    gelezen = _tel_lezen(monkeypatch)
    snapshots = tmp_path / "snapshots"

    published = wijkprofiel(
        gemeenten=["alle"],
        db_path=str(tmp_path / "{gemeente}" / "wijkprofiel.duckdb"),
        out_dir=str(tmp_path / "rapporten" / "{gemeente}"),
        cbs_bestanden=[BronBestand(pad=str(release), jaar=2024)],
        snapshot_dir=str(snapshots),
    )

    assert gelezen == [str(release)]
    gemeenten = ("0344", "9901", "9902")
    assert sorted(published["rapporten"]) == sorted(f"WK{n}{w:02d}" for n in gemeenten for w in range(1, 11))
    assert published["mislukt"] == {}
    # One split, beside the snapshots, named after the file's content.
    assert [p.name for p in (snapshots / cbs.DELEN_MAP).iterdir()] == [f"{sha256_file(release)}-2024-85984NED"]
    with duckdb.connect(str(tmp_path / "GM9902" / "wijkprofiel.duckdb"), read_only=True) as con:
        assert con.execute("select bestand, sha256, via, gemeente from meta.loads").fetchall() == [
            (str(release), sha256_file(release), "bestand", "GM9902")
        ]

    # The same gemeente loaded from the whole file, as without a split: the same raw, staging and marts tables.
    eigen = tmp_path / "eigen.duckdb"
    cbs.ingest_cbs_file(eigen, release, "GM9902", 2024)
    build.build_marts(eigen)
    for query in (LOADS, "select * from raw.cbs_kwb", "select * from staging.cbs_kwb",
                  "select * from marts.indicator_waarden", "select * from marts.wijk_profiel"):
        assert _verschil(tmp_path / "GM9902" / "wijkprofiel.duckdb", eigen, query) == (0, 0), query
