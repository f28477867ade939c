"""Mapping profiles: how a source's columns and values map onto wijkprofiel's canonical records.

A profile is YAML. The built-in `auto` profile knows the common header spellings; a gemeente's own profile
`extends: auto` and adds spellings, values or local category codes. Matching ignores case, accents, spaces
and punctuation, so "Ingangs datum", "INGANGSDATUM" and "ingangs_datum" are the same header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.reference.spelling import sleutel


@dataclass
class Profiel:
    naam: str
    kolommen: dict[str, list[str]]              # canonical field → header spellings
    verplicht: list[str]
    waarden: dict[str, dict[str, list[str]]]    # field → canonical value → spellings
    lokale_codes: dict[str, dict[str, str]] = field(default_factory=dict)  # wet → code → omschrijving

    def __post_init__(self) -> None:
        # One spelling for two values would give every such record twice in the lookup join.
        for veld, per_waarde in self.waarden.items():
            canoniek_van: dict[str, str] = {}
            for canoniek, spellingen in per_waarde.items():
                for s in [canoniek, *spellingen]:
                    eerder = canoniek_van.setdefault(sleutel(s), canoniek)
                    if eerder != canoniek:
                        raise WijkprofielError(
                            f"profile {self.naam}: the spelling {s!r} of {veld} stands for both {eerder!r} and {canoniek!r}"
                        )

    def kolom_voor(self, header: object) -> str | None:
        wanted = sleutel(header)
        if not wanted:
            return None
        for veld, spellingen in self.kolommen.items():
            if wanted in {sleutel(s) for s in spellingen}:
                return veld
        return None

    def waarde_spellingen(self, veld: str) -> list[tuple[str, str]]:
        """(comparable spelling, canonical value) pairs for a field, for a lookup table in SQL."""
        return sorted({(sleutel(s), canoniek) for canoniek, spellingen in self.waarden.get(veld, {}).items()
                       for s in [canoniek, *spellingen]})


def _lees_yaml(text: str, bron: str) -> dict:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise WijkprofielError(f"profile {bron}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise WijkprofielError(f"profile {bron}: expected a mapping at the top level")
    return data


def _samenvoegen(basis: dict, extra: dict) -> dict:
    out = dict(basis)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _samenvoegen(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list) and key != "verplicht":
            out[key] = list(dict.fromkeys([*out.get(key, []), *value]))
        else:
            out[key] = value
    return out


@cache
def _ingebouwd(naam: str) -> dict:
    try:
        text = resources.files("wijkprofiel.reference.data").joinpath(f"profielen/{naam}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WijkprofielError(f"no built-in profile {naam!r} (built in: auto); or pass a path to a YAML file") from None
    return _lees_yaml(text, naam)


def laad_profiel(naam_of_pad: str | Path = "auto") -> Profiel:
    """A built-in profile by name, or a YAML file (which may `extends:` a built-in or another file)."""
    pad = Path(naam_of_pad)
    if pad.suffix in (".yaml", ".yml"):
        if not pad.is_file():
            raise WijkprofielError(f"profile {pad}: file not found")
        data = _lees_yaml(pad.read_text(encoding="utf-8"), str(pad))
        if "extends" in data:
            basis = laad_profiel(data["extends"] if not str(data["extends"]).endswith((".yaml", ".yml"))
                                 else pad.parent / data["extends"])
            data = _samenvoegen(_profiel_dict(basis), {k: v for k, v in data.items() if k != "extends"})
    else:
        data = _ingebouwd(str(naam_of_pad))
    return Profiel(
        naam=str(data.get("naam") or pad.stem),
        kolommen={k: [str(s) for s in v] for k, v in (data.get("kolommen") or {}).items()},
        verplicht=list(data.get("verplicht") or []),
        waarden={k: {c: [str(s) for s in v] for c, v in m.items()} for k, m in (data.get("waarden") or {}).items()},
        lokale_codes={w: {str(c): str(o) for c, o in m.items()} for w, m in (data.get("lokale_codes") or {}).items()},
    )


def _profiel_dict(p: Profiel) -> dict:
    return {"naam": p.naam, "kolommen": p.kolommen, "verplicht": p.verplicht, "waarden": p.waarden, "lokale_codes": p.lokale_codes}
