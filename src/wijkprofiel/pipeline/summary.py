"""The run summary a data team reads as a Prefect artifact: per gemeente, every file's rows, the tags that
mapped to no theme, the sources that are stale (a failed fetch fell back to a snapshot), the reports, and which
reports came out without a map or with most key figures unknown (a run that "worked" but missed a source)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from wijkprofiel.db import connect
from wijkprofiel.ingest.loads import LoadResult
from wijkprofiel.publish.rapport import KERNCIJFERS
from wijkprofiel.reference.areas import wijk_van


def run_samenvatting(
    db_path: str | Path, gemeente: str, loads: list[LoadResult], published: dict, bouw: dict | None = None
) -> str:
    """Markdown for one gemeente. `published` is {"rapporten": {wijk: pad}, "mislukt": {wijk: reden}, "index": [...],
    "ongewijzigd": bool}; `bouw` is {"gebouwd": [...], "overgeslagen": [...]} (None: the build did not finish)."""
    lines = [f"# {gemeente}", "", "## Geladen bestanden", ""]
    if loads:
        lines += ["| bron | bestand | via | rows_in | loaded | quarantined | duplicate |", "|---|---|---|---:|---:|---:|---|"]
    else:
        lines.append("Geen bestanden geladen in deze run.")
    load_ids = [r.load_id for r in loads if r.load_id is not None and not r.duplicate]
    tags, verouderd, via = _uit_database(db_path, load_ids)
    for r in loads:
        lines.append(
            f"| {r.bron} | {_cel(Path(r.bestand).name)} | {via.get(r.load_id, '')} | {r.rows_in} | {r.loaded} | "
            f"{r.quarantined} | {'ja' if r.duplicate else 'nee'} |"
        )
    lines += ["", "## Niet-gekoppelde tags", ""]
    if tags:
        lines += ["| bestand | tag | aantal | suggestie |", "|---|---|---:|---|"]
        lines += [f"| {_cel(Path(b).name)} | {_cel(t)} | {n} | {_cel(s or '')} |" for b, t, n, s in tags]
    else:
        lines.append("Geen: elke tag hoort bij een thema.")
    lines += ["", "## Verouderde bronnen", ""]
    if verouderd:
        lines += ["| bron | jaar | bestand | toelichting |", "|---|---:|---|---|"]
        lines += [f"| {b} | {j} | {_cel(Path(f).name)} | {_cel(t or '')} |" for b, j, f, t in verouderd]
    else:
        lines.append("Geen: elke bron is actueel.")
    lines += ["", "## Modellen", ""]
    if bouw is None:
        lines.append("De bouw is niet voltooid; de database houdt de vorige bouw.")
    else:
        lines += [
            f"- opnieuw gebouwd: {len(bouw['gebouwd'])}",
            f"- overgeslagen (invoer, SQL en macro's ongewijzigd): {len(bouw['overgeslagen'])}",
        ]
    rapporten = published.get("rapporten", {})
    mislukt = published.get("mislukt", {})
    lines += ["", "## Rapporten", ""]
    if published.get("ongewijzigd"):
        lines.append("- ongewijzigd: gemaakt uit dezelfde pub-modellen en opties, niet opnieuw geschreven")
    lines += [f"- gepubliceerd: {len(rapporten)}", f"- mislukt: {len(mislukt)}"]
    lines += [f"  - {wijk}: {_cel(reden)}" for wijk, reden in sorted(mislukt.items())]
    lines += [f"- kaart: {_cel(melding)}" for melding in published.get("kaart_meldingen", {}).values()]
    lines += [f"- index: {p}" for p in published.get("index", [])]
    if rapporten:
        lines += ["", "## Volledigheid van de rapporten", ""] + _volledigheid(db_path, gemeente, sorted(rapporten))
    return "\n".join(lines)


def laatste_samenvatting(key: str = "wijkprofiel-run") -> str | None:
    """The Markdown of the latest run summary artifact under `key` (None when there is none), from the Prefect API."""
    from prefect.artifacts import Artifact

    artifact = Artifact.get(key)
    return None if artifact is None else str(artifact.data)


def _volledigheid(db_path, gemeente: str, wijken: list[str]) -> list[str]:
    """Lines naming the published wijk reports without a map, or with fewer than half of the key figures known."""
    con = connect(db_path, read_only=True)
    try:
        grenzen = {c for (c,) in con.execute("select distinct gebied_code from pub.gebied_grenzen where gemeente_code = ?", [gemeente]).fetchall()}
        bekend = dict(con.execute(
            f"""select gebied_code, count(distinct indicator) from pub.indicator_waarden
                where gebied_niveau = 'wijk' and gemeente_code = ? and waarde is not null
                  and indicator in ({", ".join("?" * len(KERNCIJFERS))})
                group by gebied_code""",
            [gemeente, *KERNCIJFERS],
        ).fetchall())
    except duckdb.CatalogException:  # a database from before pub existed: nothing to say
        return []
    finally:
        con.close()
    met_kaart = grenzen | {wijk_van(c) for c in grenzen if c.startswith("BU")}
    zonder_kaart = [w for w in wijken if w not in met_kaart]
    weinig = [w for w in wijken if bekend.get(w, 0) * 2 < len(KERNCIJFERS)]
    lines = []
    if zonder_kaart:
        lines.append(f"- zonder kaart (geen grenzen geladen voor de wijk of haar buurten): {len(zonder_kaart)} van "
                     f"{len(wijken)}: {', '.join(zonder_kaart)}")
    if weinig:
        lines.append(f"- minder dan de helft van de {len(KERNCIJFERS)} kerncijfers bekend: {len(weinig)} van "
                     f"{len(wijken)}: " + ", ".join(f"{w} ({bekend.get(w, 0)})" for w in weinig))
    return lines or [f"Alle {len(wijken)} wijkrapporten hebben een kaart en minstens de helft van de kerncijfers."]


def _uit_database(db_path, load_ids: list[int]):
    """(unmapped tags of this run's loads, sources whose latest load is stale, {load_id: via})."""
    if not Path(db_path).is_file():
        return [], [], {}
    con = connect(db_path, read_only=True)
    try:
        ids = load_ids or [-1]
        marks = ", ".join("?" * len(ids))
        tags = con.execute(
            f"select bestand, tag, aantal, suggestie from meta.unmapped_tags where load_id in ({marks}) "
            "order by aantal desc, tag", ids,
        ).fetchall()
        # Stale as the report sees it: the latest load of a source (table, year) came from a fallback snapshot.
        verouderd = con.execute(
            """select bron, jaar, bestand, toelichting from (
                   select *, row_number() over (partition by bron, coalesce(tabel_id, ''), gemeente, jaar
                                                order by load_id desc) as volgorde
                   from meta.loads where loaded > 0)
               where volgorde = 1 and via = 'snapshot' order by bron, jaar, bestand"""
        ).fetchall()
        via = dict(con.execute(f"select load_id, via from meta.loads where load_id in ({marks})", ids).fetchall())
    finally:
        con.close()
    return tags, verouderd, via


def _cel(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")
