"""wijkprofiel.toml + environment: one Config; a wrong setting is one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkprofiel.config import load_config
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.pipeline.plan import parameters_uit_config

REPO = Path(__file__).resolve().parents[1]


def _schrijf(tmp_path: Path, tekst: str) -> Path:
    pad = tmp_path / "wijkprofiel.toml"
    pad.write_text(tekst, encoding="utf-8")
    return pad


def test_the_example_file_is_valid_and_relative_paths_follow_the_file(monkeypatch):
    for naam in ("WIJKPROFIEL_GEMEENTEN", "WIJKPROFIEL_PSEUDO_KEY_BLOCK"):
        monkeypatch.delenv(naam, raising=False)
    cfg = load_config(REPO / "wijkprofiel.example.toml")

    assert cfg.gemeenten == ["GM0344"] and cfg.jaren == [2023, 2024]
    assert cfg.database("GM0344") == str(REPO / "data" / "GM0344" / "wijkprofiel.duckdb")
    assert cfg.paden.snapshots == REPO / "data" / "snapshots"
    assert cfg.drempels.snapshot_max_leeftijd_dagen == 25


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    pad = _schrijf(tmp_path, 'gemeenten = ["GM0344"]\njaren = [2024]\n[drempels]\nsnapshot_max_leeftijd_dagen = 25\n')
    monkeypatch.setenv("WIJKPROFIEL_GEMEENTEN", '["gm344", "GM0363"]')
    monkeypatch.setenv("WIJKPROFIEL_DREMPELS__SNAPSHOT_MAX_LEEFTIJD_DAGEN", "7")
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", "wijkprofiel-sleutel")

    cfg = load_config(pad)

    assert cfg.gemeenten == ["GM0344", "GM0363"]
    assert cfg.drempels.snapshot_max_leeftijd_dagen == 7
    assert cfg.pseudo_key_block == "wijkprofiel-sleutel"
    params = parameters_uit_config(cfg, ["cbs"])
    assert params["online_jaren"] == [2024] and params["exports"] is None and params["max_leeftijd_dagen"] == 7


@pytest.mark.parametrize(
    ("tekst", "melding"),
    [
        ('gemeenten = ["Utrecht"]\n', r"setting gemeenten: not a gemeentecode: 'Utrecht'"),
        ('gemeenten = []\n', r"setting gemeenten: List should have at least 1 item"),
        ('gemeenten = ["GM0344"]\n[drempels]\nsnapshot_max_leeftijd_dagen = -1\n',
         r"setting drempels\.snapshot_max_leeftijd_dagen: Input should be greater than or equal to 0"),
        ('gemeenten = ["GM0344"]\ngemeentes = ["GM0363"]\n', r"setting gemeentes: Extra inputs are not permitted"),
        ('gemeenten = ["GM0344", "GM0363"]\n[paden]\ndatabase = "een.duckdb"\n',
         r"setting paden\.database: with several gemeenten it must contain \{gemeente\}"),
        ('gemeenten = ["GM0344"]\n[[exports]]\ngemeente = "GM0363"\nsoort = "beschikkingen"\npad = "x.csv"\n',
         r"setting exports: gemeente GM0363 is not in gemeenten"),
        ('gemeenten = ["GM0344"]\n[[exports]]\ngemeente = "GM0344"\nsoort = "facturen"\npad = "x.csv"\n',
         r"setting exports\.0\.soort: Input should be 'beschikkingen'"),
        ('gemeenten = ["GM0344"\n', r"not valid TOML"),
        ('gemeenten = ["GM0344"]\n[[cbs_bestanden]]\npad = "kwb-2024-WEG.xlsx"\njaar = 2024\n',
         r"setting cbs_bestanden\.0\.pad: file not found: .*kwb-2024-WEG\.xlsx"),
        ('gemeenten = ["GM0344"]\n[[exports]]\ngemeente = "GM0344"\nsoort = "beschikkingen"\npad = "x.csv"\nprofiel = "bogus"\n',
         r"setting exports\.0\.profiel: .*bogus"),
        ('gemeenten = ["GM0344"]\n[paden]\nkoppeltabel = "pc6-WEG.csv"\n', r"setting paden\.koppeltabel: file not found"),
        ('gemeenten = ["GM0344"]\n[[exports]]\ngemeente = "GM0344"\nsoort = "beschikkingen"\npad = "x.csv"\nprofiel = "dubbel.yaml"\n',
         r"setting exports\.0\.profiel: profile dubbel: the spelling 'Wmo 2015' of wet stands for both"),
        ('gemeenten = ["GM0193"]\nonline = false\n',
         r"setting cbs_bestanden: no CBS source for GM0193 \(online = false\): list the CBS release files"),
        ('gemeenten = ["GM0193"]\n', r"setting cbs_bestanden: no CBS source for GM0193 \(jaren is empty\)"),
        (f'gemeenten = ["GM0193"]\nonline = false\n[[cbs_bestanden]]\npad = "{REPO}/data/cbs/kwb-2024-utrecht.xlsx"\n'
         'jaar = 2024\n', r"setting grenzen_bestanden: no boundaries for GM0193: list the CBS wijk- en buurtkaart"),
    ],
)
def test_a_wrong_setting_gives_one_line_naming_it(tmp_path, monkeypatch, tekst, melding):
    monkeypatch.delenv("WIJKPROFIEL_GEMEENTEN", raising=False)
    (tmp_path / "dubbel.yaml").write_text("extends: auto\nnaam: dubbel\nwaarden:\n  wet:\n    jeugdwet: [Wmo 2015]\n",
                                         encoding="utf-8")
    pad = _schrijf(tmp_path, tekst)

    with pytest.raises(WijkprofielError, match=melding) as info:
        load_config(pad)

    assert "\n" not in str(info.value) and str(info.value).startswith(str(pad))


def test_a_missing_file_says_where_to_start(tmp_path):
    with pytest.raises(WijkprofielError, match="configuration file not found .*wijkprofiel.example.toml"):
        load_config(tmp_path / "nergens.toml")


def test_config_check_warns_per_year_with_only_an_early_kwb_release(cli):
    """2023 has the early and the later release, 2024 only the early one (its income and care columns are '.')."""
    data = REPO / "data"
    bestanden = (("cbs/kwb-2023-utrecht.xlsx", 2023), ("cbs/kwb-2023-utrecht-later-release-43cols.xlsx", 2023),
                 ("cbs/kwb-2024-utrecht.xlsx", 2024))
    tekst = 'gemeenten = ["GM0344"]\nonline = false\n' + "".join(
        f'[[cbs_bestanden]]\npad = "{data / pad}"\njaar = {jaar}\n' for pad, jaar in bestanden
    ) + f'[[grenzen_bestanden]]\npad = "{data / "geo" / "buurten-2024-utrecht.geojson"}"\njaar = 2024\n'
    Path("wijkprofiel.toml").write_text(tekst, encoding="utf-8")

    result = cli("config", "check")

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: 2024 has only CBS's early release of Kerncijfers wijken en buurten (kwb-2024-utrecht.xlsx), without "
        "income and care figures: add the later release of that year under [[cbs_bestanden]] once CBS publishes it"
    ]
    # Without the later release of 2023, that year is early too.
    Path("wijkprofiel.toml").write_text(tekst.replace("kwb-2023-utrecht-later-release-43cols.xlsx", "kwb-2023-utrecht.xlsx"))
    assert [r.split(" has only")[0] for r in cli("config", "check").stderr.splitlines()] == ["warning: 2023", "warning: 2024"]


def test_config_check_tells_an_early_odata_snapshot_from_a_later_one(cli, tmp_path):
    """The OData feed's snapshot of an online year: the same rule, on what the feed served."""
    import json
    import shutil

    from wijkprofiel.ingest.readers.public.cbs_odata import BRON

    snapshot = tmp_path / "snapshots" / BRON / "85984NED-GM0344" / "20250101T000000000000Z"
    shutil.copytree(REPO / "tests" / "corpus" / "cbs-odata" / "markup-in-titles", snapshot)  # no income or care keys
    Path("wijkprofiel.toml").write_text(
        'gemeenten = ["GM0344"]\njaren = [2024]\n[paden]\nsnapshots = "snapshots"\n', encoding="utf-8"
    )

    vroeg = cli("config", "check")
    assert vroeg.returncode == 0
    assert vroeg.stderr.strip() == (
        "warning: 2024 has only CBS's early release of Kerncijfers wijken en buurten (OData 85984NED GM0344), without "
        "income and care figures: the CBS refresh fetches the later release once CBS publishes it"
    )

    # The later release: the feed now serves Wmo clients with a value for every area.
    eigenschappen = json.loads((snapshot / "001-dataproperties.json").read_text(encoding="utf-8"))
    eigenschappen["value"].append({"Type": "Topic", "Key": "WmoClienten_100", "Title": "Wmo-cliënten"})
    (snapshot / "001-dataproperties.json").write_text(json.dumps(eigenschappen), encoding="utf-8")
    rijen = json.loads((snapshot / "003-typeddataset.json").read_text(encoding="utf-8"))
    for rij in rijen["value"]:
        rij["WmoClienten_100"] = 120
    (snapshot / "003-typeddataset.json").write_text(json.dumps(rijen), encoding="utf-8")
    assert cli("config", "check").stderr == ""
