"""The `wijkprofiel` command line. Each pipeline step runs on its own; `demo` runs the whole Prefect flow."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from .errors import WijkprofielError

# No internet on most gemeente laptops: Prefect must not try to phone home.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

DEFAULT_DB = Path("data/wijkprofiel.duckdb")
DEFAULT_SNAPSHOTS = Path("data/snapshots")

app = typer.Typer(help="wijkprofiel: zicht op veelvoorkomende problematiek per wijk.", no_args_is_help=True)
ingest_app = typer.Typer(help="Load a source into the DuckDB file.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
# soft_wrap: an error stays one line even when stderr is not a terminal (cron, CI).
console = Console(stderr=True, soft_wrap=True)
_state = {"debug": False}


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks and debug logging."),
) -> None:
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


GemeenteOpt = typer.Option(..., "--gemeente", help="Gemeentecode, e.g. GM0344.")
JaarOpt = typer.Option(..., "--jaar", help="Reference year of the figures or boundaries.")
DbOpt = typer.Option(DEFAULT_DB, "--db", help="The DuckDB file.")


def _bron_keuze(file: Optional[Path], online: bool, offline: bool) -> None:
    if (file is not None) + online + offline != 1:
        raise WijkprofielError("give exactly one of --file PATH, --online or --offline")


@ingest_app.command("cbs")
def ingest_cbs_cmd(
    gemeente: str = GemeenteOpt,
    jaar: int = JaarOpt,
    file: Optional[Path] = typer.Option(None, "--file", help="A CBS release file (xlsx/csv, StatLine CSV), one gemeente or national."),
    online: bool = typer.Option(False, "--online", help="Fetch from the CBS OData feed."),
    offline: bool = typer.Option(False, "--offline", help="Read the latest snapshot saved by an earlier --online run."),
    db: Path = DbOpt,
    snapshots: Path = typer.Option(DEFAULT_SNAPSHOTS, "--snapshots", help="Folder for raw CBS responses."),
    as_json: bool = typer.Option(False, "--json", help="Print the load result as JSON."),
) -> None:
    """Load CBS Kerncijfers wijken en buurten for one gemeente and year."""
    from . import ingest_cbs

    _bron_keuze(file, online, offline)
    if file is not None:
        result = ingest_cbs.ingest_cbs_file(db, file, gemeente, jaar)
    else:
        result = ingest_cbs.ingest_cbs_online(db, gemeente, jaar, snapshot_dir=snapshots, offline=offline)
    _report([result], as_json)


@ingest_app.command("grenzen")
def ingest_grenzen_cmd(
    gemeente: str = GemeenteOpt,
    jaar: int = JaarOpt,
    file: Optional[Path] = typer.Option(None, "--file", help="GeoJSON or GeoPackage with buurten or wijken."),
    online: bool = typer.Option(False, "--online", help="Fetch buurten and wijken from the PDOK WFS."),
    offline: bool = typer.Option(False, "--offline", help="Read the latest snapshot saved by an earlier --online run."),
    niveau: Optional[str] = typer.Option(None, "--niveau", help="buurt or wijk (default: from the codes in the file)."),
    db: Path = DbOpt,
    snapshots: Path = typer.Option(DEFAULT_SNAPSHOTS, "--snapshots", help="Folder for raw PDOK responses."),
    as_json: bool = typer.Option(False, "--json", help="Print the load result as JSON."),
) -> None:
    """Load wijk and buurt boundaries (stored in EPSG:28992)."""
    from . import ingest_grenzen

    _bron_keuze(file, online, offline)
    if file is not None:
        results = [ingest_grenzen.ingest_grenzen_file(db, file, gemeente, jaar, niveau)]
    else:
        results = ingest_grenzen.ingest_grenzen_online(db, gemeente, jaar, snapshot_dir=snapshots, offline=offline)
    _report(results, as_json)


@ingest_app.command("beschikkingen")
def ingest_beschikkingen_cmd(
    files: list[Path] = typer.Argument(..., help="Export files: CSV, XLSX or iWmo/iJw 301 XML (recognised from content)."),
    db: Path = DbOpt,
    profile: str = typer.Option("auto", "--profile", help="Mapping profile: a built-in name or a YAML file."),
    koppeltabel: Optional[Path] = typer.Option(None, "--koppeltabel", help="CBS postcode table to load first (placement in buurten)."),
    bron: Optional[str] = typer.Option(None, "--bron", help="Source label (default: the file name without a trailing date)."),
    periode: str = typer.Option("volledig", "--periode", help="Period the export covers; a newer export of the same bron and periode replaces the older."),
    gemeente: Optional[str] = typer.Option(None, "--gemeente", help="Gemeente for rows that cannot be placed (default: where most rows lie)."),
    as_json: bool = typer.Option(False, "--json", help='Print {"files": [{"file", "rows_in", "loaded", "quarantined", "duplicate"}]}.'),
) -> None:
    """Load beschikking exports: validated, pseudonymised (WIJKPROFIEL_PSEUDO_KEY) and placed in buurten."""
    from .codes import gemeentecode
    from .ingest_beschikkingen import ingest_beschikkingen
    from .pseudoniem import laad_sleutel

    laad_sleutel()  # refuse before reading anything when no key is configured
    gemeente = gemeentecode(gemeente) if gemeente else None
    results, errors = [], {}
    for i, path in enumerate(files):
        try:
            results.append(
                ingest_beschikkingen(
                    db, path, profiel=profile, koppeltabel=koppeltabel if i == 0 else None,
                    bron=bron, periode=periode, gemeente=gemeente,
                )
            )
        except WijkprofielError as exc:
            errors[str(path)] = str(exc)
    _report(results, as_json, errors)
    for r in results:
        for waarschuwing in getattr(r, "waarschuwingen", ()):
            console.print(f"[yellow]warning:[/yellow] {escape(Path(r.bestand).name)}: {escape(waarschuwing)}")
    if errors:
        for reden in errors.values():
            console.print(f"[red]error:[/red] {escape(reden)}")
        raise typer.Exit(1)


@ingest_app.command("koppeltabel")
def ingest_koppeltabel_cmd(
    file: Path = typer.Argument(..., help='CBS "Buurt, wijk en gemeente <jaar> voor postcode huisnummer" (or its PC6-only variant).'),
    db: Path = DbOpt,
    gemeente: Optional[str] = typer.Option(None, "--gemeente", help="Load only this gemeente's postcodes."),
    as_json: bool = typer.Option(False, "--json", help="Print the load result as JSON."),
) -> None:
    """Load the CBS postcode → buurt table used to place beschikkingen and cases."""
    from .codes import gemeentecode
    from .koppeltabel import ingest_koppeltabel

    _report([ingest_koppeltabel(db, file, gemeentecode(gemeente) if gemeente else None)], as_json)


synth_app = typer.Typer(help="Make SYNTHETIC test data (never real people) from real CBS figures.", no_args_is_help=True)
app.add_typer(synth_app, name="synth")


@synth_app.command("beschikkingen")
def synth_beschikkingen_cmd(
    gemeente: str = GemeenteOpt,
    rows: int = typer.Option(20000, "--rows", help="About how many beschikking rows to make."),
    out: Path = typer.Option(Path("out/synthetisch"), "--out", help="Folder for the synthetic export files."),
    seed: int = typer.Option(2026, "--seed", help="Same seed, same files."),
    fouten: float = typer.Option(0.02, "--fouten", help="Share of rows with a deliberate fault (to exercise quarantine)."),
) -> None:
    """Write SYNTHETIC beschikking exports (CSV and XLSX in several shapes) whose volumes per buurt follow CBS."""
    from .codes import gemeentecode
    from .synth import synth_beschikkingen

    result = synth_beschikkingen(gemeentecode(gemeente), rows, out, seed=seed, fout_aandeel=fouten)
    for path in result.bestanden:
        print(path)
    print(result.manifest)


@app.command("build")
def build_cmd(db: Path = DbOpt) -> None:
    """Build staging → intermediate → marts → pub from what is loaded."""
    from .build import build_marts

    built = build_marts(db)
    console.print(f"built {len(built)} models in {db}")


@app.command("publish")
def publish_cmd(
    db: Path = DbOpt,
    out: Path = typer.Option(Path("out/rapporten"), "--out", help="Folder for the reports (replaced as a whole)."),
    indicator: str = typer.Option("aandeel_65_plus", "--indicator", help="Indicator key that colours the maps."),
    jaar: Optional[int] = typer.Option(None, "--jaar", help="Peiljaar (default: the latest year with figures)."),
) -> None:
    """Write one HTML report per wijk and an index.html, from the pub schema only."""
    from .publish import publish_reports

    result = publish_reports(db, out, indicator=indicator, jaar=jaar)
    for path in result.index:
        print(path)
    for path in result.rapporten.values():
        print(path)
    if result.mislukt:
        for wijk, reden in result.mislukt.items():
            console.print(f"[red]report {wijk} failed:[/red] {escape(reden)}")
        raise typer.Exit(1)


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the demo database and reports."),
) -> None:
    """Run the whole wijkprofiel flow on the bundled real CBS data of gemeente Utrecht (2023 and 2024)."""
    from .demo import run_demo

    run_demo(out, console)


def _report(results, as_json: bool, errors: dict[str, str] | None = None) -> None:
    if as_json:
        files = [
            {"file": r.bestand, "rows_in": r.rows_in, "loaded": r.loaded, "quarantined": r.quarantined,
             "duplicate": r.duplicate, "bron": r.bron, "load_id": r.load_id}
            for r in results
        ]
        files += [{"file": f, "error": reden} for f, reden in (errors or {}).items()]
        print(json.dumps({"files": files}, ensure_ascii=False))
        return
    for r in results:
        state = "already loaded, nothing changed" if r.duplicate else f"{r.loaded} loaded, {r.quarantined} quarantined"
        console.print(escape(f"{r.bestand}: rows_in {r.rows_in}: {state}"))


def main() -> None:
    try:
        # With standalone_mode=False click returns the exit code of typer.Exit instead of raising it.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except WijkprofielError as exc:
        if _state["debug"]:
            raise
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except (typer.Abort, KeyboardInterrupt):
        console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the unexpected: one line unless --debug
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if _state["debug"]:
            raise
        console.print(f"[red]error:[/red] {escape(f'{type(exc).__name__}: {exc}')} (run with --debug for the traceback)")
        sys.exit(2)
