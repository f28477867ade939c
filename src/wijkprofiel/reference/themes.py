"""The theme taxonomy: how free wijkteam tags ("Schulden", "geldzorgen; eenzaamheid") become comparable themes.

Why it looks like this:
- **The taxonomy is data, not code.** The 18 default themes of DESIGN §5 live in `data/themas.yaml`, with their
  label, synonyms, Zelfredzaamheid-Matrix domain and the herkennen/verklaren questions for the bespreektafel.
  Which beschikking categories and indicators point at a theme lives in `data/thema_koppelingen.csv`.
- **A gemeente extends it with its own YAML** in the same format: synonyms of an existing theme are added, its
  other fields replaced, and a new key adds a theme. A spelling that would belong to two themes is an error
  naming both, found when the taxonomy is loaded and not halfway through an ingest.
- **Matching is exact on the comparable form** (`reference/spelling.sleutel`: case, accents, spaces and punctuation
  ignored), so "Financiële problemen", " FINANCIELE PROBLEMEN " and "financiele_problemen" are one tag. A near
  miss is only ever a *suggestie* for a person to confirm, never a silent mapping.
- **A tag is never silently dropped.** `check_tags` lists every distinct tag with its count, its theme or None,
  and a suggestion, so the data team sees what did not map (DESIGN §3.6: `meta.unmapped_tags`).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.reference.spelling import sleutel, zonder_accenten

VELDEN = ("label", "synoniemen", "zrm_domein", "herkennen", "verklaren")
TOPVELDEN = ("versie", "naam", "beschrijving", "themas")
KOPPELING_KOLOMMEN = ("soort", "wet", "code", "indicator", "thema", "bewijsbron", "toelichting")
SUGGESTIE_CUTOFF = 0.6

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SCHEIDINGSTEKENS = re.compile(r"[;,|/]")


#: The answers to the bespreektafel's question "herkent u dit?", on the paper form and in a loaded bespreking.
HERKEND = ("ja", "deels", "nee")

@dataclass
class Thema:
    key: str
    label: str
    synoniemen: list[str]
    zrm_domein: str | None
    herkennen: str
    verklaren: str

    def spellingen(self) -> list[str]:
        """Every written form that means this theme: the key (also with spaces), the label and each synonym."""
        return [self.key, self.key.replace("_", " "), self.label, *self.synoniemen]


def split_tags(cell: object) -> list[str]:
    """The tags in one cell, separated by ';', ',', '|' or '/': trimmed, empties dropped, in order, each once.

    Two spellings with the same comparable form ("Schulden", "schulden ") count as one tag (the first is kept).
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    tags: list[str] = []
    gezien: set[str] = set()
    for deel in _SCHEIDINGSTEKENS.split(str(cell)):
        tag = " ".join(deel.split())
        vorm = sleutel(tag) or tag
        if tag and vorm not in gezien:
            gezien.add(vorm)
            tags.append(tag)
    return tags


@dataclass
class Taxonomie:
    themas: dict[str, Thema]
    versie: str = ""
    bronnen: list[str] = field(default_factory=list)   # the files it was built from, default first
    _index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index = _spellingindex(self.themas, " + ".join(self.bronnen) or "taxonomy")

    def match(self, tag: object) -> str | None:
        """The theme key for a tag, or None. Exact on the comparable form of the key, label and synonyms."""
        vorm = sleutel(tag) if tag is not None else ""
        return self._index.get(vorm) if vorm else None

    def suggestie(self, tag: object) -> str | None:
        """The theme whose spelling is closest to the tag (difflib, cutoff 0.6), for a person to confirm."""
        vorm = sleutel(tag) if tag is not None else ""
        if not vorm:
            return None
        if vorm in self._index:
            return self._index[vorm]
        beste = difflib.get_close_matches(vorm, list(self._index), n=1, cutoff=SUGGESTIE_CUTOFF)
        return self._index[beste[0]] if beste else None

    split_tags = staticmethod(split_tags)

    def spellingen(self) -> list[tuple[str, str]]:
        """(comparable spelling, theme key) pairs, sorted: a lookup table for SQL."""
        return sorted(self._index.items())

    def koppelingen(self) -> list[dict[str, str]]:
        """The rows of thema_koppelingen.csv: which beschikking categories and indicators point at a theme.

        Columns soort ('beschikking' or 'indicator'), wet, code, indicator, thema, bewijsbron (for indicators:
        'voorzieningen' for registrations of granted provisions and benefits, 'cbs_context' for the
        population context), toelichting; fields that do not apply are ''.
        """
        return [dict(rij) for rij in _koppelingen()]


def _spellingindex(themas: dict[str, Thema], bron: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, thema in themas.items():
        for spelling in thema.spellingen():
            vorm = sleutel(spelling)
            if not vorm:
                raise WijkprofielError(f"taxonomy {bron}: theme {key} has a synonym without letters or digits: {spelling!r}")
            eerder = index.setdefault(vorm, key)
            if eerder != key:
                raise WijkprofielError(
                    f"taxonomy {bron}: {spelling!r} is a spelling of two themes, {eerder} and {key}; keep it in one"
                )
    return index


def _lees_yaml(text: str, bron: str) -> dict:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        regel = " ".join(str(exc).split())
        raise WijkprofielError(f"taxonomy {bron}: not valid YAML: {regel}") from exc
    if not isinstance(data, dict):
        raise WijkprofielError(f"taxonomy {bron}: expected a mapping with 'themas:' at the top level")
    onbekend = [str(k) for k in data if k not in TOPVELDEN]
    if onbekend:
        raise WijkprofielError(
            f"taxonomy {bron}: unknown top-level field(s) {', '.join(onbekend)} (expected: {', '.join(TOPVELDEN)})"
        )
    themas = data.get("themas") or {}
    if not isinstance(themas, dict):
        raise WijkprofielError(f"taxonomy {bron}: 'themas:' must map each theme key to its fields")
    for key, velden in themas.items():
        if not isinstance(key, str) or not _KEY.match(key):
            voorbeeld = re.sub(r"[^a-z0-9]+", "_", zonder_accenten(str(key)).lower()).strip("_")
            raise WijkprofielError(
                f"taxonomy {bron}: theme key {key!r} must be lower case letters, digits and underscores "
                f"(e.g. {voorbeeld or 'mijn_thema'})"
            )
        if velden is None:
            themas[key] = {}
        elif not isinstance(velden, dict):
            raise WijkprofielError(f"taxonomy {bron}: theme {key} must be a mapping of {', '.join(VELDEN)}")
        else:
            onbekend = [str(v) for v in velden if v not in VELDEN]
            if onbekend:
                raise WijkprofielError(
                    f"taxonomy {bron}: theme {key} has unknown field(s) {', '.join(onbekend)} (expected: {', '.join(VELDEN)})"
                )
    return data


def _tekst(waarde: object) -> str | None:
    if waarde is None:
        return None
    tekst = " ".join(str(waarde).split())
    return tekst or None


def _synoniemen(waarde: object, key: str, bron: str) -> list[str]:
    if waarde is None:
        return []
    if isinstance(waarde, (str, int, float)):
        waarde = [waarde]
    if not isinstance(waarde, list):
        raise WijkprofielError(f"taxonomy {bron}: synoniemen of theme {key} must be a list")
    return [t for t in (_tekst(s) for s in waarde) if t]


def _thema(key: str, velden: dict, basis: Thema | None, bron: str) -> Thema:
    """A theme from its YAML fields; on top of `basis`, synonyms are added and the other given fields replace."""
    synoniemen = _synoniemen(velden.get("synoniemen"), key, bron)
    if basis is None:
        label = _tekst(velden.get("label")) or key.replace("_", " ").capitalize()
        return Thema(
            key=key,
            label=label,
            synoniemen=list(dict.fromkeys(synoniemen)),
            zrm_domein=_tekst(velden.get("zrm_domein")),
            herkennen=_tekst(velden.get("herkennen"))
            or f"Herkent u het thema '{label}' in deze wijk? Bij welke groepen ziet u het?",
            verklaren=_tekst(velden.get("verklaren")) or "Wat verklaart dit? Wat is er veranderd, en wat valt op?",
        )
    return Thema(
        key=key,
        label=_tekst(velden.get("label")) or basis.label,
        synoniemen=list(dict.fromkeys([*basis.synoniemen, *synoniemen])),
        zrm_domein=_tekst(velden["zrm_domein"]) if "zrm_domein" in velden else basis.zrm_domein,
        herkennen=_tekst(velden.get("herkennen")) or basis.herkennen,
        verklaren=_tekst(velden.get("verklaren")) or basis.verklaren,
    )


@cache
def _standaard() -> dict:
    text = resources.files("wijkprofiel.reference.data").joinpath("themas.yaml").read_text(encoding="utf-8")
    return _lees_yaml(text, "themas.yaml")


@cache
def _koppelingen() -> tuple[dict[str, str], ...]:
    text = resources.files("wijkprofiel.reference.data").joinpath("thema_koppelingen.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != KOPPELING_KOLOMMEN:
        raise WijkprofielError(
            f"thema_koppelingen.csv: expected columns {','.join(KOPPELING_KOLOMMEN)}, found {','.join(reader.fieldnames or [])}"
        )
    return tuple({k: (rij.get(k) or "").strip() for k in KOPPELING_KOLOMMEN} for rij in reader)


def laad_taxonomie(extra: str | Path | None = None) -> Taxonomie:
    """The packaged default taxonomy, optionally extended by a gemeente YAML in the same format.

    In the gemeente file, a theme key that exists gets its synonyms added and any other field it gives
    replaced; a new key adds a theme (label defaults to the key, the questions to general ones). A spelling
    that then belongs to two themes raises WijkprofielError naming both.
    """
    basis = _standaard()
    themas: dict[str, Thema] = {}
    for key, velden in basis["themas"].items():
        themas[key] = _thema(key, velden, None, "themas.yaml")
    versie = _tekst(basis.get("versie")) or ""
    bronnen = ["themas.yaml"]
    if extra is not None:
        pad = Path(extra)
        if not pad.is_file():
            raise WijkprofielError(f"taxonomy {pad}: file not found")
        data = _lees_yaml(pad.read_text(encoding="utf-8"), str(pad))
        for key, velden in (data.get("themas") or {}).items():
            themas[key] = _thema(key, velden, themas.get(key), str(pad))
        bronnen.append(str(pad))
        if _tekst(data.get("versie")):
            versie = f"{versie}+{_tekst(data.get('versie'))}"
    return Taxonomie(themas=themas, versie=versie, bronnen=bronnen)


def check_tags(tags: list[str], taxonomie: Taxonomie) -> list[dict]:
    """Per distinct tag: tag, aantal, thema (None when it does not map), suggestie (only for unmapped tags).

    `tags` are single tags (split cells first with `split_tags`). Tags with the same comparable form are one
    row; `tag` is its most frequent spelling and `spellingen` lists all of them. Unmapped tags come first,
    then by count (highest first) and tag. Nothing is dropped except empty cells.
    """
    groepen: dict[str, Counter] = {}
    for tag in tags:
        if tag is None or (isinstance(tag, float) and math.isnan(tag)):
            continue
        tekst = " ".join(str(tag).split())
        if not tekst:
            continue
        groepen.setdefault(sleutel(tekst) or tekst, Counter())[tekst] += 1
    rijen = []
    for spellingen in groepen.values():
        tag = spellingen.most_common(1)[0][0]
        thema = taxonomie.match(tag)
        rijen.append({
            "tag": tag,
            "aantal": sum(spellingen.values()),
            "thema": thema,
            "suggestie": None if thema else taxonomie.suggestie(tag),
            "spellingen": sorted(spellingen),
        })
    return sorted(rijen, key=lambda r: (r["thema"] is not None, -r["aantal"], r["tag"].lower()))


def schrijf_themas(con, taxonomie: Taxonomie, *, catalogus: str | None = None, overschrijven: bool = True) -> None:
    """Write the taxonomy's themes (label, ZRM domain, bespreektafel questions) to raw.themas.

    The build writes the packaged themes without overwriting (`overschrijven=False`), so the questions a
    gemeente gave its themes when it loaded data with its own taxonomy stay; a load with a taxonomy writes
    all its themes. `catalogus` names an attached database ('doel' during a load).
    """
    tabel = f"{catalogus + '.' if catalogus else ''}raw.themas"
    bron = taxonomie.bronnen[-1] if taxonomie.bronnen else "themas.yaml"
    conflict = "do update set label = excluded.label, zrm_domein = excluded.zrm_domein, " \
               "herkennen = excluded.herkennen, verklaren = excluded.verklaren, bron = excluded.bron" \
        if overschrijven else "do nothing"
    con.executemany(
        f"insert into {tabel} values (?, ?, ?, ?, ?, ?) on conflict (thema) {conflict}",
        [[t.key, t.label, t.zrm_domein, t.herkennen, t.verklaren, bron] for t in taxonomie.themas.values()],
    )


def schrijf_koppelingen(con, taxonomie: Taxonomie) -> None:
    """Refresh raw.thema_koppelingen: the indicators that point at a theme, with their kind of evidence."""
    con.execute("delete from raw.thema_koppelingen")
    con.executemany(
        "insert into raw.thema_koppelingen values (?, ?, ?, ?)",
        [[r["indicator"], r["thema"], r["bewijsbron"], r["toelichting"] or None]
         for r in taxonomie.koppelingen() if r["soort"] == "indicator"],
    )
