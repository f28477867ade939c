"""A national run: the scheduled refresh (the flow `wijkprofiel run` and `serve` run) with `gemeenten = "alle"`
on a small SYNTHETIC country (`synth landelijk`, with GM0363's alphanumeric wijk codes), once on the full release and
once on its later 43-column variant (no `regio`, no age columns). Every wijk of every gemeente gets a report, the
front page links every gemeente, nothing fails."""

from __future__ import annotations

import re

import pytest

from wijkprofiel.demo.synth_landelijk import synth_landelijk
from wijkprofiel.ingest.readers.public.pdok import read_grenzen_file

GEMEENTEN = 3


@pytest.fixture(scope="module")
def land(tmp_path_factory):
    return synth_landelijk(tmp_path_factory.mktemp("land"), seed=5, gemeenten=GEMEENTEN, jaar=2023)


@pytest.mark.parametrize("release", ["kwb", "kwb_43"])
def test_alle_publishes_every_wijk_of_every_gemeente_and_the_front_page(prefect_harness, land, release, tmp_path, monkeypatch):
    from prefect.artifacts import Artifact

    from flows.wijkprofiel import wijkprofiel_verversen

    monkeypatch.chdir(tmp_path)
    (tmp_path / "wijkprofiel.toml").write_text(
        f'gemeenten = "alle"\nonline = false\n'
        f'[[cbs_bestanden]]\npad = "{getattr(land, release)}"\njaar = 2023\n'
        f'[[grenzen_bestanden]]\npad = "{land.grenzen}"\njaar = 2023\n',
        encoding="utf-8",
    )

    published = wijkprofiel_verversen(config=str(tmp_path / "wijkprofiel.toml"))

    wijken = read_grenzen_file(land.grenzen, niveau="wijk")
    gemeenten = read_grenzen_file(land.grenzen, niveau="gemeente")
    namen = dict(zip(gemeenten["gebied_code"], gemeenten["gebied_naam"]))
    assert len(namen) == GEMEENTEN and "GM0363" in namen
    rapporten = tmp_path / "out" / "rapporten"
    for gemeente in namen:
        verwacht = sorted(c for c in wijken["gebied_code"] if c[2:6] == gemeente[2:])
        assert sorted(p.stem for p in (rapporten / gemeente).glob("WK??????.html")) == verwacht, gemeente
        assert (rapporten / gemeente / "index.html").is_file()
    assert {p.stem for p in (rapporten / "GM0363").glob("WK??????.html")} >= {"WK0363AA", "WK0363AB"}
    # The front page: a row per gemeente, named as the boundaries name it (the 43-column release has no names).
    voorpagina = (rapporten / "index.html").read_text(encoding="utf-8")
    rijen = re.findall(r'<th scope="row"><a href="([^"]+)/index.html">(.*?)</a></th>', voorpagina)
    assert sorted(rijen) == sorted(namen.items())
    # The summary says so: what the run returns (the CLI prints its counts) and a row per gemeente in its artifact.
    assert (len(published["rapporten"]), published["mislukt"]) == (len(wijken), {})
    artifact = Artifact.get("wijkprofiel-run").data
    for gemeente in namen:
        n = sum(c[2:6] == gemeente[2:] for c in wijken["gebied_code"])
        assert f"| {gemeente} | gelukt | {n} | 0 |" in artifact
    assert artifact.count("- mislukt: 0") == GEMEENTEN
