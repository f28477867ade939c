"""The run plan: one typed GemeenteRun per gemeente, made in one place from what a run asks for."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.pipeline.plan import BronBestand, GemeenteRun, maak_plan


def test_one_run_per_gemeente_with_its_own_database_and_the_shared_settings():
    runs = maak_plan(
        ["344", "GM0599"], "data/{gemeente}/wijkprofiel.duckdb", "out/{gemeente}",
        cbs_bestanden=[BronBestand(pad="kwb.xlsx", jaar=2024)], online_jaren=None, pseudo_key_block="sleutel",
    )
    assert [(r.gemeente, r.db_path, r.out_dir) for r in runs] == [
        ("GM0344", "data/GM0344/wijkprofiel.duckdb", "out/GM0344"),
        ("GM0599", "data/GM0599/wijkprofiel.duckdb", "out/GM0599"),
    ]
    assert all(r.cbs_bestanden == [BronBestand(pad="kwb.xlsx", jaar=2024)] for r in runs)
    assert all(r.online_jaren == [] and r.pseudo_key_block == "sleutel" for r in runs)  # None means the default


def test_the_shorthand_files_become_the_gemeentes_exports():
    (run,) = maak_plan(["GM0344"], "w.duckdb", "out", beschikking_bestanden=["b.csv"], profiel="auto",
                       rodedraden_bestanden={"signalen": ["s.csv"]})
    assert [(e.gemeente, e.soort, e.pad, e.profiel) for e in run.exports] == [
        ("GM0344", "beschikkingen", "b.csv", "auto"), ("GM0344", "signalen", "s.csv", None),
    ]
    with pytest.raises(WijkprofielError, match="are for one gemeente"):
        maak_plan(["GM0344", "GM0599"], "{gemeente}.duckdb", "{gemeente}", beschikking_bestanden=["b.csv"])


def test_a_run_refuses_a_setting_it_does_not_know():
    with pytest.raises(ValidationError, match="onbekend"):
        GemeenteRun(gemeente="GM0344", db_path="w.duckdb", out_dir="out", onbekend=1)
