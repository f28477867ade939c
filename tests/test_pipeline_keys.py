"""The pseudonymisation key reaches each gemeente's load as a value (a key provider), never through os.environ.

Gemeenten run side by side in threads of one process. When the Secret block's name travelled through an
environment variable, one gemeente's flow could change or remove it while another was still loading.
"""

from __future__ import annotations

import threading

import duckdb
import pytest

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest import beschikkingen as beschikkingen_stage
from wijkprofiel.ingest.pseudonymise import hmac_hex
from wijkprofiel.pipeline.keys import ENV_BLOCK, ENV_KEY, KeyFromEnvironment

SLEUTELS = {"GM0344": "sleutel-van-gemeente-een-0123456789abcdef", "GM0599": "sleutel-van-gemeente-twee-fedcba9876543210"}


def _een_bsn() -> str:
    """An elfproef-valid 9-digit number, constructed (no real person's)."""
    n = 30_000_001
    while (controle := sum(int(d) * w for d, w in zip(f"{n:08d}", range(9, 1, -1))) % 11) >= 10:
        n += 1
    return f"{n:08d}{controle}"


def test_two_gemeenten_loading_side_by_side_each_pseudonymise_with_their_own_key_block(
    prefect_harness, tmp_path, monkeypatch
):
    from prefect.blocks.system import Secret

    from flows.ingest import ingest_beschikkingen

    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.delenv(ENV_BLOCK, raising=False)
    for gemeente, sleutel in SLEUTELS.items():
        Secret(value=sleutel).save(f"sleutel-{gemeente.lower()}", overwrite=True)
    bsn = _een_bsn()
    export = tmp_path / "export.csv"
    export.write_text(
        "BSN;Wet;Productcategorie;Product;Ingangsdatum;Einddatum;Postcode;Huisnummer;Geboortedatum\n"
        f"{bsn};Wmo;02;Begeleiding;01-01-2024;;;;01-01-1950\n",
        encoding="utf-8",
    )
    # Both loads wait here until the other one has started too, so both flows are inside their run at once.
    samen = threading.Barrier(len(SLEUTELS), timeout=120)
    echte_load = beschikkingen_stage.ingest_beschikkingen

    def samen_laden(*args, **kwargs):
        samen.wait()
        return echte_load(*args, **kwargs)

    monkeypatch.setattr(beschikkingen_stage, "ingest_beschikkingen", samen_laden)
    fouten: list[BaseException] = []

    def draai(gemeente: str) -> None:
        try:
            ingest_beschikkingen(
                str(tmp_path / f"{gemeente}.duckdb"), gemeente, [str(export)], pseudo_key_block=f"sleutel-{gemeente.lower()}"
            )
        except BaseException as exc:  # reported below, with the gemeente
            fouten.append(exc)

    threads = [threading.Thread(target=draai, args=(g,)) for g in SLEUTELS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not fouten, fouten
    for gemeente, sleutel in SLEUTELS.items():
        con = duckdb.connect(str(tmp_path / f"{gemeente}.duckdb"), read_only=True)
        try:
            sleutels = [k for (k,) in con.execute("select client_key from raw.beschikkingen").fetchall()]
        finally:
            con.close()
        assert sleutels == [hmac_hex(sleutel.encode("utf-8"), bsn)], gemeente
    assert ENV_BLOCK not in __import__("os").environ  # nothing left behind for the next run


def test_a_provider_reads_the_environment_only_when_asked(monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.delenv(ENV_BLOCK, raising=False)
    provider = KeyFromEnvironment()
    monkeypatch.setenv(ENV_KEY, SLEUTELS["GM0344"])
    assert provider() == SLEUTELS["GM0344"]
    monkeypatch.delenv(ENV_KEY)
    with pytest.raises(WijkprofielError, match="no pseudonymisation key: set WIJKPROFIEL_PSEUDO_KEY"):
        provider()
