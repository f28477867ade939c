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
from rich.table import Table

from wijkprofiel.errors import WijkprofielError

# No internet on most gemeente laptops: Prefect must not try to phone home.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Prefect's temporary server gets 20 s to start; on a busy laptop that was not enough ("Timed out while attempting
# to connect to ephemeral Prefect API server"), and waiting longer costs nothing when it starts sooner.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# wijkprofiel's own log lines (e.g. "… is in use by another run; waiting up to 30 s") go to the flow run's
# logs in the Prefect UI too, not only to the terminal of `wijkprofiel serve` (served runs inherit this).
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "wijkprofiel")

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
    memory_limit: Optional[str] = typer.Option(
        None, "--memory-limit", envvar="WIJKPROFIEL_MEMORY_LIMIT",
        help="Most memory DuckDB may use, e.g. 8GB or 50% of the machine's (default 60%). A build or load that needs "
        "more stops with an error instead of being killed.",
    ),
) -> None:
    _state["debug"] = debug
    if memory_limit is not None:
        from wijkprofiel.db import geheugen_waarde, stel_geheugenlimiet_in

        try:
            geheugen_waarde(memory_limit)
        except ValueError as exc:
            raise WijkprofielError(f"--memory-limit: {exc}") from None
        stel_geheugenlimiet_in(memory_limit)
        # `run` and `serve` read the setting from the configuration, where the environment wins over the file.
        os.environ["WIJKPROFIEL_MEMORY_LIMIT"] = memory_limit
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Every call to the Prefect API is logged by httpx at INFO: noise for a user watching progress.
    logging.getLogger("httpx").setLevel(logging.DEBUG if debug else logging.WARNING)
    # pyogrio logs "Created N records" for every layer it writes (synth landelijk): noise as well.
    logging.getLogger("pyogrio").setLevel(logging.DEBUG if debug else logging.WARNING)


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
    from wijkprofiel.ingest import cbs as ingest_cbs

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
    niveau: Optional[str] = typer.Option(
        None, "--niveau",
        help="buurt, wijk or gemeente: that level only (the layer of a multi-layer GeoPackage). Default: every level "
        "the file holds, from the codes; of a multi-layer GeoPackage every layer named buurten, wijken or gemeenten.",
    ),
    db: Path = DbOpt,
    snapshots: Path = typer.Option(DEFAULT_SNAPSHOTS, "--snapshots", help="Folder for raw PDOK responses."),
    as_json: bool = typer.Option(False, "--json", help="Print the load result as JSON."),
) -> None:
    """Load wijk and buurt boundaries (stored in EPSG:28992)."""
    from wijkprofiel.ingest import grenzen as ingest_grenzen

    _bron_keuze(file, online, offline)
    if file is not None:
        results = [ingest_grenzen.ingest_grenzen_file(db, file, gemeente, jaar, niveau)]
    else:
        results = ingest_grenzen.ingest_grenzen_online(db, gemeente, jaar, snapshot_dir=snapshots, offline=offline)
    _report(results, as_json)


def _laad_bestanden(files: list[Path], laad, as_json: bool) -> None:
    """Load each file with `laad`; report every file; exit 1 if any file could not be read at all."""
    results, errors = [], {}
    for path in files:
        try:
            results.append(laad(path))
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


FilesArg = typer.Argument(..., help="Export files: CSV or XLSX (recognised from content).")
ProfileOpt = typer.Option(None, "--profile", help="Mapping profile: a built-in name or a YAML file (default: the source's own).")
KoppeltabelOpt = typer.Option(None, "--koppeltabel", help="CBS postcode table to load first (placement in buurten).")
BronOpt = typer.Option(None, "--bron", help="Source label (default: the file name without a trailing date).")
PeriodeOpt = typer.Option("volledig", "--periode", help="Period the file covers; a newer file of the same bron and periode replaces the older (kansen: the newest file of a bron replaces all its older ones).")
JsonOpt = typer.Option(False, "--json", help='Print {"files": [{"file", "rows_in", "loaded", "quarantined", "duplicate", "masked"}]}.')
TaxonomieOpt = typer.Option(None, "--taxonomie", help="The gemeente's own theme taxonomy (YAML), extending the default.")


@ingest_app.command("beschikkingen")
def ingest_beschikkingen_cmd(
    files: list[Path] = typer.Argument(..., help="Export files: CSV, XLSX or iWmo/iJw 301 XML (recognised from content)."),
    db: Path = DbOpt,
    profile: str = typer.Option("auto", "--profile", help="Mapping profile: a built-in name or a YAML file."),
    koppeltabel: Optional[Path] = KoppeltabelOpt,
    bron: Optional[str] = BronOpt,
    periode: str = PeriodeOpt,
    gemeente: Optional[str] = typer.Option(None, "--gemeente", help="Gemeente for rows that cannot be placed (default: where most rows lie)."),
    as_json: bool = JsonOpt,
) -> None:
    """Load beschikking exports: validated, pseudonymised (WIJKPROFIEL_PSEUDO_KEY) and placed in buurten."""
    from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
    from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
    from wijkprofiel.reference.areas import gemeentecode

    sleutel = _sleutel_voor(db)
    if koppeltabel is not None:
        ingest_koppeltabel(db, koppeltabel)
    gemeente = gemeentecode(gemeente) if gemeente else None
    _laad_bestanden(
        files,
        lambda path: ingest_beschikkingen(
            db, path, profiel=profile, bron=bron, periode=periode, gemeente=gemeente, sleutel=sleutel
        ),
        as_json,
    )


def _sleutel_voor(db: Path) -> str:
    """The environment's key, refused before anything is read or written when it is missing, weak, or another
    than the one the database's person-level data was pseudonymised with (one error line, not one per file)."""
    from wijkprofiel.ingest.private import controleer_sleutel_van_database
    from wijkprofiel.ingest.pseudonymise import laad_sleutel
    from wijkprofiel.pipeline.keys import KeyFromEnvironment

    key = laad_sleutel(KeyFromEnvironment())
    controleer_sleutel_van_database(db, key)
    return key.decode("utf-8")


def _rodedraden_commando(soort: str, uitleg: str, pseudoniem: bool = False):
    def command(
        files: list[Path] = FilesArg,
        db: Path = DbOpt,
        profile: Optional[str] = ProfileOpt,
        taxonomie: Optional[Path] = TaxonomieOpt,
        koppeltabel: Optional[Path] = KoppeltabelOpt,
        bron: Optional[str] = BronOpt,
        periode: str = PeriodeOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
        from wijkprofiel.ingest.rodedraden import ingest_bron

        sleutel = _sleutel_voor(db) if pseudoniem else None
        if koppeltabel is not None:
            ingest_koppeltabel(db, koppeltabel)
        _laad_bestanden(
            files,
            lambda path: ingest_bron(
                db, soort, path, profiel=profile, taxonomie=taxonomie, bron=bron, periode=periode, sleutel=sleutel
            ),
            as_json,
        )

    command.__doc__ = uitleg
    ingest_app.command(soort)(command)


_rodedraden_commando(
    "casuistiek",
    "Load wijkteam casuïstiek (tags in one cell or one row per tag); case ids are pseudonymised (WIJKPROFIEL_PSEUDO_KEY).",
    pseudoniem=True,
)
_rodedraden_commando("signalen", "Load partner signals per wijk or buurt and theme (toelichting is published only where publiceerbaar).")
_rodedraden_commando("enquete", "Load aggregated enquête results per wijk × question (percentage and n).")
_rodedraden_commando("kansen", "Load kansen: facilities and initiatives with their themes and location.")
_rodedraden_commando(
    "besprekingen", "Load bespreektafel outcomes: the file a report's form saves, or typed in from the paper form."
)


@ingest_app.command("koppeltabel")
def ingest_koppeltabel_cmd(
    file: Path = typer.Argument(..., help='CBS "Buurt, wijk en gemeente <jaar> voor postcode huisnummer" (or its PC6-only variant).'),
    db: Path = DbOpt,
    gemeente: Optional[str] = typer.Option(None, "--gemeente", help="Load only this gemeente's postcodes."),
    as_json: bool = typer.Option(False, "--json", help="Print the load result as JSON."),
) -> None:
    """Load the CBS postcode → buurt table used to place beschikkingen and cases."""
    from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
    from wijkprofiel.reference.areas import gemeentecode

    _report([ingest_koppeltabel(db, file, gemeentecode(gemeente) if gemeente else None)], as_json)


key_app = typer.Typer(help="The pseudonymisation key.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("new")
def key_new_cmd() -> None:
    """Print a new random pseudonymisation key (256 bits) and how to store it."""
    from wijkprofiel.ingest.pseudonymise import nieuwe_sleutel
    from wijkprofiel.pipeline.keys import ENV_BLOCK, ENV_KEY

    print(nieuwe_sleutel())  # alone on stdout, so `wijkprofiel key new > file` keeps only the key
    console.print(
        f"Store it outside the repository: in {ENV_KEY}, or in a Prefect Secret block whose name goes in {ENV_BLOCK} "
        "(or pseudo_key_block in wijkprofiel.toml). Keep a copy: without the same key the next load cannot join "
        "the earlier ones. A database loaded under another key needs `wijkprofiel rekey` first."
    )


@app.command("rekey")
def rekey_cmd(
    db: Path = DbOpt,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Drop all person-level data (beschikkingen, casuïstiek), to load the exports again under a new key.

    Pseudonyms cannot be converted to another key (the BSNs are not kept), so a new key means loading again."""
    from wijkprofiel.ingest.private import PSEUDONIEME_BRONNEN, rekey

    bronnen = ", ".join(PSEUDONIEME_BRONNEN)
    if not yes:
        typer.confirm(f"Drop every load of {bronnen} from {db}?", abort=True, err=True)
    weg = rekey(db)
    console.print(
        f"dropped {', '.join(f'{n} loads of {bron}' for bron, n in weg.items())} from {db}; now load the exports "
        "again under the new key (`wijkprofiel ingest beschikkingen …`, `wijkprofiel ingest casuistiek …`) and run "
        "`wijkprofiel build` (the built tables hold the old data until then)"
    )


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
    from wijkprofiel.demo.synth import synth_beschikkingen
    from wijkprofiel.reference.areas import gemeentecode

    result = synth_beschikkingen(gemeentecode(gemeente), rows, out, seed=seed, fout_aandeel=fouten)
    for path in result.bestanden:
        print(path)
    print(result.manifest)


@synth_app.command("landelijk")
def synth_landelijk_cmd(
    out: Path = typer.Option(Path("out/synthetisch-landelijk"), "--out", help="Folder for the synthetic national files."),
    seed: int = typer.Option(2026, "--seed", help="Same seed, same files."),
    gemeenten: int = typer.Option(342, "--gemeenten", help="How many gemeenten (342: the whole country; fewer for tests)."),
    jaar: int = typer.Option(2023, "--jaar", help="Release year in the file names, sheet and postcode table."),
) -> None:
    """Write a SYNTHETIC country: a KWB release in CBS's layout, its 43-column later variant, a wijk- en buurtkaart
    GeoPackage (layers buurten, wijken, gemeenten) and a postcode-huisnummer table, figures drawn from Utrecht's."""
    from wijkprofiel.demo.synth_landelijk import synth_landelijk

    result = synth_landelijk(out, seed=seed, gemeenten=gemeenten, jaar=jaar)
    for path in result.bestanden:
        print(path)
    console.print(", ".join(f"{n} {wat}" for wat, n in result.aantallen.items()))


themes_app = typer.Typer(help="The theme taxonomy: what tags map to.", no_args_is_help=True)
app.add_typer(themes_app, name="themes")


@themes_app.command("check")
def themes_check_cmd(
    file: Path = typer.Argument(..., help="A casuïstiek or signal file whose tags to check before loading."),
    taxonomie: Optional[Path] = TaxonomieOpt,
    profile: str = typer.Option("casuistiek", "--profile", help="Mapping profile that finds the theme column."),
) -> None:
    """Show how a file's tags map onto themes, before loading it: unmapped tags first, with a suggestion."""
    from wijkprofiel.ingest.theme_check import tags_uit_bestand
    from wijkprofiel.reference.themes import check_tags, laad_taxonomie

    tax = laad_taxonomie(taxonomie)
    rows = check_tags(tags_uit_bestand(file, profile), tax)
    table = Table(title=f"Tags in {file.name}")
    for kolom in ("tag", "aantal", "thema", "suggestie"):
        table.add_column(kolom)
    for r in rows:
        table.add_row(r["tag"], str(r["aantal"]), r["thema"] or "[red]onbekend[/red]", r["suggestie"] or "")
    Console(soft_wrap=True).print(table)
    onbekend = sum(1 for r in rows if r["thema"] is None)
    console.print(f"{len(rows)} distinct tags, {onbekend} without a theme (they would load as onbekend:<tag>)")


@themes_app.command("list")
def themes_list_cmd(taxonomie: Optional[Path] = TaxonomieOpt) -> None:
    """List the themes with their ZRM domain and some synonyms."""
    from wijkprofiel.reference.themes import laad_taxonomie

    tax = laad_taxonomie(taxonomie)
    table = Table(title=f"Themes (taxonomy {tax.versie})")
    for kolom in ("key", "label", "ZRM-domein", "synoniemen"):
        table.add_column(kolom)
    for thema in tax.themas.values():
        table.add_row(thema.key, thema.label, thema.zrm_domein or "", ", ".join(list(thema.synoniemen)[:6]))
    Console(soft_wrap=True).print(table)


bespreking_app = typer.Typer(help="Outcomes of the bespreektafel, carried to the next cycle's report.", no_args_is_help=True)
app.add_typer(bespreking_app, name="bespreking")


@bespreking_app.command("add")
def bespreking_add_cmd(
    wijk: str = typer.Option(..., "--wijk", help="Wijkcode, e.g. WK034403."),
    datum: str = typer.Option(..., "--datum", help="Date of the meeting (jjjj-mm-dd or dd-mm-jjjj)."),
    thema: str = typer.Option(..., "--thema", help="Theme (a key or synonym of the taxonomy)."),
    herkend: str = typer.Option(..., "--herkend", help="Were the figures recognised: ja, deels or nee."),
    verklaring: Optional[str] = typer.Option(None, "--verklaring", help="The table's explanation."),
    actie: Optional[str] = typer.Option(None, "--actie", help="The agreed action."),
    eigenaar: Optional[str] = typer.Option(None, "--eigenaar", help="Who owns the action (a role at the table)."),
    wanneer: Optional[str] = typer.Option(None, "--wanneer", help="By when."),
    aanwezig: Optional[str] = typer.Option(None, "--aanwezig", help="Who sat at the table: roles, not names."),
    taxonomie: Optional[Path] = TaxonomieOpt,
    db: Path = DbOpt,
) -> None:
    """Record one outcome (per wijk and theme); the fields match the form in the report (which, filled in in a
    browser, saves a file for `wijkprofiel ingest besprekingen` instead)."""
    from wijkprofiel.ingest.rodedraden import bespreking_toevoegen

    load_id = bespreking_toevoegen(
        db, wijkcode=wijk, datum=_datum(datum), thema=thema, herkend=herkend.strip().lower(), verklaring=verklaring,
        actie=actie, eigenaar=eigenaar, wanneer=wanneer, aanwezig=aanwezig, taxonomie=taxonomie,
    )
    console.print(f"bespreking recorded (load {load_id}); run `wijkprofiel build` to see it in the marts")


@bespreking_app.command("list")
def bespreking_list_cmd(
    wijk: Optional[str] = typer.Option(None, "--wijk", help="Only this wijk."),
    db: Path = DbOpt,
) -> None:
    """List recorded outcomes, newest first."""
    from wijkprofiel.ingest.rodedraden import besprekingen_lijst

    table = Table(title="Besprekingen")
    kolommen = ("wijkcode", "datum", "thema", "herkend", "verklaring", "actie", "eigenaar", "wanneer")
    for kolom in kolommen:
        table.add_column(kolom)
    for r in besprekingen_lijst(db, wijk.upper() if wijk else None):
        table.add_row(*("" if r[k] is None else str(r[k]) for k in kolommen))
    Console(soft_wrap=True).print(table)


def _datum(text: str):
    from datetime import datetime

    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise WijkprofielError(f"not a date: {text!r} (expected jjjj-mm-dd or dd-mm-jjjj)")


docs_app = typer.Typer(help="Documentation generated from the database.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("dictionary")
def docs_dictionary_cmd(
    db: Path = DbOpt,
    out: Path = typer.Option(Path("docs/data-dictionary.md"), "--out", help="Markdown file to write."),
) -> None:
    """Write the data dictionary: every marts, pub and meta table (and the documented intermediate ones) with its comments."""
    from wijkprofiel.publish.data_dictionary import data_dictionary

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(db), encoding="utf-8")
    print(out)


@app.command("build")
def build_cmd(
    db: Path = DbOpt,
    select: Optional[list[str]] = typer.Option(
        None, "--select",
        help="Build only these models: 'pub.rode_draden_bewijs' alone, 'pub.rode_draden_bewijs+' with everything downstream, "
        "'+pub.rode_draden_bewijs' with everything upstream (repeatable). What is not selected must have been built before.",
    ),
    force: bool = typer.Option(
        False, "--force", help="Rebuild every model, also those whose inputs, SQL and macros did not change."
    ),
) -> None:
    """Build staging → intermediate → marts → pub from what is loaded, then run the audits; all or nothing.

    A model whose inputs, SQL and macros did not change since it was last built is skipped (a selection builds
    what it selects)."""
    from wijkprofiel.transform.build import build_marts

    bouw = build_marts(db, select=select, force=force)
    console.print(
        f"built {len(bouw.gebouwd)} models in {db}: {', '.join(bouw.gebouwd)}" if select
        else f"{db}: {bouw.samenvatting()}"
    )


@app.command("publish")
def publish_cmd(
    soort: Optional[str] = typer.Argument(
        None, metavar="landelijk",
        help="'landelijk': write only the national front page, --out/index.html, from a national database (--db "
        "data/landelijk.duckdb) or a gemeente's; each gemeente's reports are in --out/<gemeentecode>, or where "
        "--out names them with {gemeente}.",
    ),
    db: Path = DbOpt,
    out: Path = typer.Option(Path("out/rapporten"), "--out", help="Folder for the reports (replaced as a whole)."),
    indicator: str = typer.Option("aandeel_65_plus", "--indicator", help="Indicator key that colours the maps (when the data lacks it: the next of docs/indicatoren.md's map order)."),
    jaar: Optional[int] = typer.Option(None, "--jaar", help="Peiljaar (default: the latest year with figures)."),
    achtergrond: bool = typer.Option(
        False, "--achtergrond",
        help="Show PDOK's background map where it can be reached (the report then asks PDOK for tiles; "
        "without this option a report makes no request at all).",
    ),
) -> None:
    """Write one HTML report per wijk and an index.html, from the pub schema only; `publish landelijk` writes the
    national front page above several gemeenten's reports."""
    from wijkprofiel.publish import publish_reports

    if soort is not None:
        if soort != "landelijk":
            raise WijkprofielError(f"publish {soort}: unknown; use `wijkprofiel publish landelijk` or no argument")
        from wijkprofiel.publish.landelijk import schrijf_landelijke_index

        print(schrijf_landelijke_index([db], str(out), achtergrond=achtergrond))
        return

    result = publish_reports(db, out, indicator=indicator, jaar=jaar, achtergrond=achtergrond)
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
    from wijkprofiel.demo.run import run_demo

    run_demo(out, console)


ConfigOpt = typer.Option(None, "--config", help="wijkprofiel.toml (default: $WIJKPROFIEL_CONFIG or ./wijkprofiel.toml).")
RunnerOpt = typer.Option("local", "--runner", help="local (Prefect's thread pool) or dask (an existing Dask cluster).")
AddressOpt = typer.Option(None, "--address", help="Dask scheduler address for --runner dask, e.g. tcp://10.0.0.5:8786.")


def _dask_address(runner: str, address: Optional[str]) -> Optional[str]:
    if runner not in ("local", "dask"):
        raise WijkprofielError(f"--runner must be local or dask, not {runner!r}")
    if runner == "dask" and not address:
        raise WijkprofielError("--runner dask needs --address tcp://HOST:PORT of the Dask scheduler")
    if runner == "local" and address:
        raise WijkprofielError("--address is only for --runner dask")
    return address


@app.command("run")
def run_cmd(
    config: Optional[Path] = ConfigOpt,
    bronnen: list[str] = typer.Option(["cbs", "gemeente"], "--bron", help="cbs and/or gemeente (repeat the option)."),
    runner: str = RunnerOpt,
    address: Optional[str] = AddressOpt,
    force: bool = typer.Option(
        False, "--force", help="Rebuild every model and rewrite the reports, also where nothing they rest on changed."
    ),
) -> None:
    """Run the whole refresh from the configuration once: ingest, build and publish every gemeente.

    Files already loaded are not loaded again, models whose inputs did not change are not rebuilt, and reports
    made from unchanged pub models stay as they are (unless --force)."""
    from flows.wijkprofiel import wijkprofiel_verversen
    from wijkprofiel.config import config_pad, load_config

    dask_address = _dask_address(runner, address)
    load_config(config)  # a wrong setting is one line here, before Prefect starts
    published = wijkprofiel_verversen(
        config=str(config_pad(config).resolve()), bronnen=bronnen, dask_address=dask_address, debug=_state["debug"],
        herbouwen=force,
    )
    console.print(f"{len(published['rapporten'])} reports published, {len(published['mislukt'])} failed")


@app.command("serve")
def serve_cmd(
    config: Optional[Path] = ConfigOpt,
    runner: str = RunnerOpt,
    address: Optional[str] = AddressOpt,
) -> None:
    """Register the deployments (monthly CBS, weekly gemeente, on demand) and run their flow runs until stopped."""
    from wijkprofiel.config import config_pad
    from wijkprofiel.pipeline.deployments import serve_deployments

    serve_deployments(config_pad(config), _dask_address(runner, address), debug=_state["debug"])


@app.command("summary")
def summary_cmd(
    gemeente: Optional[str] = typer.Option(
        None, "--gemeente", help="That gemeente's own summary (what a failed gemeente wrote) instead of the run's."
    ),
) -> None:
    """Show the last run's summary (the Prefect artifact) as tables: files, rows, stale sources, reports."""
    from rich.markdown import Markdown

    from wijkprofiel.pipeline.summary import laatste_samenvatting
    from wijkprofiel.reference.areas import gemeentecode

    key = f"wijkprofiel-{gemeentecode(gemeente).lower()}" if gemeente else "wijkprofiel-run"
    markdown = laatste_samenvatting(key)
    if markdown is None:
        raise WijkprofielError(f"no summary {key!r} on this Prefect server: run `wijkprofiel run` first")
    Console(soft_wrap=False).print(Markdown(markdown))


config_app = typer.Typer(help="The configuration file (wijkprofiel.toml).", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("check")
def config_check_cmd(config: Optional[Path] = ConfigOpt) -> None:
    """Read the configuration file and the environment; print the result, or one line naming a wrong setting.
    Warns (one line per year) when a year has only CBS's early release of Kerncijfers wijken en buurten."""
    from wijkprofiel.config import load_config
    from wijkprofiel.ingest.cbs import vroege_jaren

    cfg = load_config(config)
    print(cfg.model_dump_json(indent=2))
    bestanden = [(b.pad, b.jaar) for b in cfg.cbs_bestanden]
    online = cfg.jaren if cfg.online else []
    snapshots = [(cfg.paden.snapshots, g, jaar) for g in cfg.gemeenten if g.startswith("GM") for jaar in online]
    for jaar, bronnen in vroege_jaren(bestanden, snapshots).items():
        wat = ("add the later release of that year under [[cbs_bestanden]] once CBS publishes it"
               if jaar in {j for _p, j in bestanden} else "the CBS refresh fetches the later release once CBS publishes it")
        console.print(escape(
            f"warning: {jaar} has only CBS's early release of Kerncijfers wijken en buurten ({', '.join(bronnen)}), "
            f"without income and care figures: {wat}"
        ))


def _report(results, as_json: bool, errors: dict[str, str] | None = None) -> None:
    if as_json:
        files = [
            {"file": r.bestand, "rows_in": r.rows_in, "loaded": r.loaded, "quarantined": r.quarantined,
             "duplicate": r.duplicate, "bron": r.bron, "load_id": r.load_id, "masked": getattr(r, "masked", 0)}
            for r in results
        ]
        files += [{"file": f, "error": reden} for f, reden in (errors or {}).items()]
        print(json.dumps({"files": files}, ensure_ascii=False))
        return
    for r in results:
        state = "already loaded, nothing changed" if r.duplicate else f"{r.loaded} loaded, {r.quarantined} quarantined"
        if getattr(r, "masked", 0):  # only private exports have free text to mask
            state += f", personal data masked in {r.masked} free-text values"
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
        import duckdb

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, duckdb.OutOfMemoryException) and not _state["debug"]:
            # A stage that does not catch it itself: still one line that names the setting.
            from wijkprofiel.db import geheugen_fout

            console.print(f"[red]error:[/red] {escape(str(geheugen_fout('this step', exc)))}")
            sys.exit(1)
        if _state["debug"]:
            raise
        console.print(f"[red]error:[/red] {escape(f'{type(exc).__name__}: {exc}')} (run with --debug for the traceback)")
        sys.exit(2)
