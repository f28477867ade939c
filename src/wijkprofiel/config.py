"""One configuration object for scheduled runs: `wijkprofiel.toml` plus the environment (prefix WIJKPROFIEL_).

Environment variables win over the file; nested settings use a double underscore, e.g.
`WIJKPROFIEL_DREMPELS__SNAPSHOT_MAX_LEEFTIJD_DAGEN=14` or `WIJKPROFIEL_GEMEENTEN='["GM0344","GM0363"]'`.
The pseudonymisation key itself never lives in the file: it comes from WIJKPROFIEL_PSEUDO_KEY or from the
Prefect Secret block named in `pseudo_key_block` (read by the pipeline at load time).

A wrong setting gives one line naming it (`load_config` turns pydantic's report into a WijkprofielError).
"""

from __future__ import annotations

import glob
import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from wijkprofiel.db import geheugen_waarde
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest.profiles import laad_profiel
from wijkprofiel.reference.areas import ALLE, GEMEENTECODE, gemeente_keuze, gemeentecode, is_regiocode
from wijkprofiel.reference.catalogue import KAART_VOLGORDE

ENV_CONFIG = "WIJKPROFIEL_CONFIG"
DEFAULT_CONFIG = Path("wijkprofiel.toml")

Soort = Literal["beschikkingen", "casuistiek", "signalen", "enquete", "kansen", "besprekingen"]
#: Which flow loads which kind of export (the rest goes through ingest_signalen's shared path).
GEMEENTE_BRONNEN = ("beschikkingen", "casuistiek", "signalen", "enquete", "kansen", "besprekingen")


ALLE_ZONDER_BESTANDEN = (
    'gemeenten: "alle" takes the gemeenten of the CBS release files: list them under [[cbs_bestanden]] '
    "(or set paden.gebieden)"
)


def regio_zonder_gebieden(regio: list[str]) -> str:
    return (
        f"paden.gebieden: gemeenten names {', '.join(regio)}, which needs CBS's table Gebieden in Nederland "
        "(a CSV or XLSX download) under [paden] gebieden"
    )


class _Strikt(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bestand(_Strikt):
    """A local CBS release or boundary file and the year it belongs to."""

    pad: Path
    jaar: int = Field(ge=1990, le=2100)

    _bestaat = field_validator("pad")(lambda cls, v: _bestaand_bestand(v))


class GrenzenBestand(Bestand):
    """A boundary file; `niveau` picks one layer of a multi-layer GeoPackage (default: every level it holds)."""

    niveau: Literal["buurt", "wijk", "gemeente"] | None = None


class Export(_Strikt):
    """One export location of the gemeente: a file, a folder or a glob, read through a mapping profile."""

    gemeente: str
    soort: Soort
    pad: str
    profiel: str | None = None

    _gemeente = field_validator("gemeente")(lambda cls, v: _code(v))

    @field_validator("profiel")
    @classmethod
    def _bekend_profiel(cls, v: str | None) -> str | None:
        # (The export files themselves may arrive later: a folder or glob can be empty when it is configured.)
        if v is not None:
            try:
                laad_profiel(v)
            except WijkprofielError as exc:
                raise ValueError(str(exc)) from None
        return v

    def bestanden(self) -> list[str]:
        """The files now at this location, sorted (a folder gives its files, a glob its matches)."""
        p = Path(self.pad)
        if p.is_dir():
            return sorted(str(f) for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
        return sorted(glob.glob(self.pad)) if any(c in self.pad for c in "*?[") else [self.pad]


class Paden(_Strikt):
    """Where things live. `{gemeente}` in `database` and `rapporten` gives every gemeente its own."""

    database: str = "data/{gemeente}/wijkprofiel.duckdb"
    rapporten: str = "out/rapporten/{gemeente}"
    snapshots: Path = Path("data/snapshots")
    #: Read-only national database with every gemeente's marts and pub tables (None: not made).
    landelijk: Path | None = Path("data/landelijk.duckdb")
    #: CBS postcode → buurt table used to place beschikkingen and cases.
    koppeltabel: Path | None = None
    taxonomie: Path | None = None
    #: CBS's table "Gebieden in Nederland" (CSV or XLSX): expands province and GGD-region codes in `gemeenten`.
    gebieden: Path | None = None

    _bestaan = field_validator("koppeltabel", "taxonomie", "gebieden")(lambda cls, v: _bestaand_bestand(v))


class Drempels(_Strikt):
    """Thresholds. (The small-number rule for published figures is not here: it lives in transform/disclosure.py.)"""

    #: A complete CBS or PDOK snapshot younger than this is read back instead of fetched again (the cache
    #: expiry); a monthly schedule with 25 days fetches once a month, a manual rerun the same week does not.
    snapshot_max_leeftijd_dagen: float = Field(default=25.0, ge=0)


class Config(BaseSettings):
    """Everything a scheduled run needs."""

    model_config = SettingsConfigDict(env_prefix="WIJKPROFIEL_", env_nested_delimiter="__", extra="forbid")

    #: Gemeentecodes, province (PV20..PV31) or GGD-region codes (GG....), or "alle": every gemeente of the
    #: CBS release files.
    gemeenten: list[str] = Field(min_length=1)
    jaren: list[int] = Field(default_factory=list)
    #: Fetch CBS and PDOK online for `jaren` (with the snapshot cache); False reads only local files.
    online: bool = True
    cbs_bestanden: list[Bestand] = Field(default_factory=list)
    grenzen_bestanden: list[GrenzenBestand] = Field(default_factory=list)
    exports: list[Export] = Field(default_factory=list)
    paden: Paden = Field(default_factory=Paden)
    drempels: Drempels = Field(default_factory=Drempels)
    #: Name of a Prefect Secret block holding the pseudonymisation key (else env WIJKPROFIEL_PSEUDO_KEY).
    pseudo_key_block: str | None = None
    #: The map's indicator. One the loaded release lacks (or a key that does not exist) is a warning, not an
    #: error: the maps then show the first of KAART_VOLGORDE the release has, and the reports say so.
    indicator: str = KAART_VOLGORDE[0]
    #: A background map in the reports where PDOK can be reached (the page then asks PDOK for tiles); off, a
    #: report makes no request at all.
    achtergrondkaart: bool = False
    #: The most memory DuckDB may use per database ('8GB', '512MB', or a share of the machine's memory, '50%');
    #: unset, 60% of the machine's memory. A build or load that needs more stops with an error naming this setting.
    memory_limit: str | None = None

    @field_validator("gemeenten", mode="before")
    @classmethod
    def _alle(cls, v):
        return [v] if isinstance(v, str) else v

    _gemeenten = field_validator("gemeenten")(lambda cls, v: [_code(g, gemeente_keuze) for g in v])

    @field_validator("memory_limit")
    @classmethod
    def _geheugen(cls, v: str | None) -> str | None:
        if v is not None:
            geheugen_waarde(v)  # a ValueError that names the accepted forms
        return v

    @field_validator("jaren")
    @classmethod
    def _jaren(cls, v: list[int]) -> list[int]:
        for jaar in v:
            if not 2000 <= jaar <= 2100:
                raise ValueError(f"{jaar} is not a CBS year")
        return v

    @model_validator(mode="after")
    def _een_bestand_per_gemeente(self) -> "Config":
        alleen_codes = all(GEMEENTECODE.match(g) for g in self.gemeenten)
        if len(self.gemeenten) > 1 or not alleen_codes:
            for naam in ("database", "rapporten"):
                if "{gemeente}" not in getattr(self.paden, naam):
                    raise ValueError(f"paden.{naam}: with several gemeenten it must contain {{gemeente}}")
        # ('alle' and regions are expanded at run time; an export outside them fails the run then.)
        onbekend = sorted({e.gemeente for e in self.exports} - set(self.gemeenten)) if alleen_codes else []
        if onbekend:
            raise ValueError(f"exports: gemeente {', '.join(onbekend)} is not in gemeenten")
        return self

    @model_validator(mode="after")
    def _gebieden_voor_regios(self) -> "Config":
        regio = [g for g in self.gemeenten if is_regiocode(g)]
        if regio and self.paden.gebieden is None:
            raise ValueError(regio_zonder_gebieden(regio))
        if ALLE in self.gemeenten and not self.cbs_bestanden and self.paden.gebieden is None:
            raise ValueError(ALLE_ZONDER_BESTANDEN)
        return self

    @model_validator(mode="after")
    def _cbs_en_grenzen_bron(self) -> "Config":
        # Without a CBS source a run would build and then fail at publish with advice about `build`; without
        # boundaries every report lacks its map. Both are settings, so `config check` is where they fail.
        online = self.online and bool(self.jaren)
        gemeenten = ", ".join(self.gemeenten)
        if not online and not self.cbs_bestanden:
            waarom = "online = false" if not self.online else "jaren is empty"
            raise ValueError(
                f"cbs_bestanden: no CBS source for {gemeenten} ({waarom}): list the CBS release files "
                "(Kerncijfers wijken en buurten) under [[cbs_bestanden]], or set online = true with jaren"
            )
        if not online and not self.grenzen_bestanden:
            raise ValueError(
                f"grenzen_bestanden: no boundaries for {gemeenten}: list the CBS wijk- en buurtkaart files under "
                "[[grenzen_bestanden]], or set online = true with jaren (PDOK)"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # init (the TOML file, passed in by load_config) < environment: env overrides the file.
        return env_settings, init_settings

    def database(self, gemeente: str) -> str:
        return self.paden.database.replace("{gemeente}", gemeente)

    def rapporten(self, gemeente: str) -> str:
        return self.paden.rapporten.replace("{gemeente}", gemeente)

    def exports_van(self, gemeente: str, soorten: tuple[str, ...] = GEMEENTE_BRONNEN) -> list[Export]:
        return [e for e in self.exports if e.gemeente == gemeente and e.soort in soorten]


def _bestaand_bestand(pad: Path | None) -> Path | None:
    """A file the configuration names must be there when it is checked: a typo fails `config check`, not the run."""
    if pad is not None and not pad.is_file():
        raise ValueError(f"file not found: {pad}")
    return pad


def _code(value: str, lees=gemeentecode) -> str:
    try:
        return lees(value)
    except WijkprofielError as exc:
        raise ValueError(str(exc)) from None


def config_pad(pad: str | Path | None = None) -> Path:
    return Path(pad or os.environ.get(ENV_CONFIG) or DEFAULT_CONFIG)


def load_config(pad: str | Path | None = None) -> Config:
    """Read the TOML file (default: $WIJKPROFIEL_CONFIG or ./wijkprofiel.toml) and the environment."""
    pad = config_pad(pad)
    if not pad.is_file():
        raise WijkprofielError(f"{pad}: configuration file not found (copy wijkprofiel.example.toml to start)")
    try:
        # utf-8-sig: Windows editors may start the file with a byte-order mark, which TOML does not allow
        data = tomllib.loads(pad.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise WijkprofielError(f"{pad}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise WijkprofielError(
            f"{pad}: not UTF-8 text (byte {exc.start}); a TOML file is UTF-8: save it as UTF-8 and try again"
        ) from None
    # Relative paths in the file are relative to the file, so a deployment can run from any folder.
    _maak_absoluut(data, pad.resolve().parent)
    try:
        return Config(**data)
    except ValidationError as exc:
        fout = exc.errors()[0]
        setting = ".".join(str(p) for p in fout["loc"])
        reden = fout["msg"].removeprefix("Value error, ")
        meer = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        # A check across settings names its setting at the start of its message.
        raise WijkprofielError(f"{pad}: setting {setting + ': ' if setting else ''}{reden}{meer}") from None


def _maak_absoluut(data: dict, basis: Path) -> None:
    def absoluut(value):
        return str(basis / value) if isinstance(value, str) and not Path(value).is_absolute() else value

    paden = data.get("paden", {})
    if isinstance(paden, dict):
        # The defaults too: a deployment runs from whatever folder its worker happens to be in.
        paden = {**Paden().model_dump(mode="json", exclude_none=True), **paden}
        data["paden"] = {key: absoluut(value) for key, value in paden.items()}
    for lijst in ("cbs_bestanden", "grenzen_bestanden", "exports"):
        for item in data.get(lijst) or []:
            if isinstance(item, dict) and "pad" in item:
                item["pad"] = absoluut(item["pad"])
            if isinstance(item, dict) and isinstance(item.get("profiel"), str) and item["profiel"].endswith((".yaml", ".yml")):
                item["profiel"] = absoluut(item["profiel"])
