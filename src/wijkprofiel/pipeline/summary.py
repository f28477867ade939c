"""The run summary a data team reads as a Prefect artifact: per gemeente, every file's rows, the tags that
mapped to no theme, the sources that are stale (a failed fetch fell back to a snapshot), and the reports."""

from __future__ import annotations

from pathlib import Path

from wijkprofiel.db import connect
from wijkprofiel.ingest.loads import LoadResult


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
    lines += [f"- index: {p}" for p in published.get("index", [])]
    return "\n".join(lines)


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
