"""Bookkeeping shared by every loader: content hashes, duplicate detection and meta.loads rows."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from wijkprofiel.db import connect, init_database
from wijkprofiel.errors import WijkprofielError


@dataclass
class LoadResult:
    """What one load did; rows_in = loaded + quarantined always holds."""

    bron: str
    bestand: str
    rows_in: int
    loaded: int
    quarantined: int
    duplicate: bool = False
    load_id: int | None = None
    toelichting: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_load(con, bron: str, sha256: str, gemeente: str | None = None, jaar: int | None = None, *,
                  alleen_inhoud: bool = False) -> LoadResult | None:
    """The earlier load of the same content (for the same gemeente and year, unless `alleen_inhoud`),
    marked duplicate; None if new. A duplicate reports the earlier load's counts, so rows_in = loaded +
    quarantined holds for it too. A public file serves several gemeenten; a private export is one load."""
    row = con.execute(
        """select load_id, bestand, rows_in, loaded, quarantined from meta.loads
           where bron = ? and sha256 = ?
             and (? or (gemeente is not distinct from ? and jaar is not distinct from ?))
           order by load_id desc limit 1""",
        [bron, sha256, alleen_inhoud, gemeente, jaar],
    ).fetchone()
    if row is None:
        return None
    load_id, bestand, rows_in, loaded, quarantined = row
    return LoadResult(bron, bestand, rows_in, loaded, quarantined, duplicate=True, load_id=load_id)


def al_geladen(db_path: str | Path, bron: str, pad: str | Path, gemeente: str | None = None, jaar: int | None = None,
               *, alleen_inhoud: bool = False) -> LoadResult | None:
    """The earlier load of a file's content (previous_load), found before the file is read: an unchanged rerun
    costs a hash per file, not a parse. None when there is no database yet or the file is missing (reading it
    then says what is wrong)."""
    if not (Path(db_path).is_file() and Path(pad).is_file()):
        return None
    con = connect(db_path)
    try:
        init_database(con)
        return previous_load(con, bron, sha256_file(pad), gemeente, jaar, alleen_inhoud=alleen_inhoud)
    finally:
        con.close()


def controleer_sleutel(con, vingerafdruk: str, db_path, catalogus: str | None = None) -> None:
    """Refuse a person-level load under another key than the database's earlier ones: the same people would get
    other pseudonyms and count twice. Loads from before fingerprints were recorded have none; the first load with
    one adopts its key (docs/decisions.md)."""
    meta = f"{catalogus}.meta" if catalogus else "meta"
    eerder = con.execute(
        f"""select sleutel_vingerafdruk from {meta}.loads
            where sleutel_vingerafdruk is not null and sleutel_vingerafdruk <> ?
            order by load_id desc limit 1""",
        [vingerafdruk],
    ).fetchone()
    if eerder:
        raise WijkprofielError(
            f"{db_path}: its person-level data was pseudonymised with another key (fingerprint {eerder[0]}, this key "
            f"{vingerafdruk}), so the same people would count twice; use that key, or start over under this one with "
            f"`wijkprofiel rekey --db {db_path}` and load the exports again"
        )


def register_load(
    con,
    *,
    bron: str,
    bestand: str,
    sha256: str,
    via: str,
    rows_in: int,
    loaded: int,
    quarantined: int,
    tabel_id: str | None = None,
    gemeente: str | None = None,
    jaar: int | None = None,
    opgehaald_op: datetime | None = None,
    toelichting: str = "",
    catalogus: str | None = None,
    load_id: int | None = None,
    masked: int = 0,
    sleutel_vingerafdruk: str | None = None,
) -> int:
    """Insert a meta.loads row and return its load_id. `catalogus` names an attached database to write to;
    `load_id` is one the caller already drew from the sequence (to write the rows first, then their counts);
    `masked` is how many free-text values had personal data masked; `sleutel_vingerafdruk` identifies the key a
    person-level load was pseudonymised with."""
    if rows_in != loaded + quarantined:
        raise AssertionError(f"rows_in {rows_in} != loaded {loaded} + quarantined {quarantined} for {bestand}")
    meta = f"{catalogus}.meta" if catalogus else "meta"
    if load_id is None:
        load_id = con.execute(f"select nextval('{meta}.load_id_seq')").fetchone()[0]
    con.execute(
        f"""insert into {meta}.loads
               (load_id, bron, bestand, sha256, tabel_id, gemeente, jaar, via, opgehaald_op, rows_in, loaded, quarantined, toelichting,
                masked, sleutel_vingerafdruk)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [load_id, bron, bestand, sha256, tabel_id, gemeente, jaar, via, opgehaald_op, rows_in, loaded, quarantined, toelichting,
         masked, sleutel_vingerafdruk],
    )
    return load_id


def quarantine(con, load_id: int, bestand: str, rows: list[dict]) -> None:
    """rows: dicts with rij, kolom, reden, waarde_gemaskeerd (never a raw identifier)."""
    if not rows:
        return
    con.executemany(
        "insert into meta.quarantine values (?, ?, ?, ?, ?, ?)",
        [[load_id, bestand, r.get("rij"), r.get("kolom"), r["reden"], r.get("waarde_gemaskeerd")] for r in rows],
    )
