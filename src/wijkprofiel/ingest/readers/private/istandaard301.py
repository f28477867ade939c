"""Reader for iStandaarden 301 *toewijzing* messages (iWmo 3.2 WMO301, iJw 3.2 JW301).

Why this reader exists and what it assumes:

- A 301 message is the gemeente's order to an aanbieder: one Client with, under ToegewezenProducten, one
  ToegewezenProduct per toegewezen voorziening. Each ToegewezenProduct becomes one beschikking record with
  the canonical field names of the `auto` profile, so a 301 export flows through the same staging as a
  spreadsheet export. The law follows from the message (WMO301 → wmo, JW301 → jeugdwet); a toewijzing is
  always zorg in natura (a pgb is never sent to an aanbieder), and a 301 carries no reden beëindiging
  (that is in the 305/307 messages), so `reden_einde` is always None.
- The client's address is the BRP-adres: the Client's own Contact (Client/Contactgegevens/Contact) with
  Soort 01. The Contacts of Relaties (parents, mentors, ...) are other people's addresses and never count.
- A message is checked against the official XSD of its standard before anything is read from it, and a
  message that does not validate is refused whole: a toewijzing with one broken element cannot be trusted
  to have the right BSN, dates or product in its other elements. The error is one line with the file name
  and the schema's first complaint; values quoted by the schema are masked, since they may be a BSN,
  a name or an address.
- Parsing never resolves entities and never touches the network; the XSDs ship as package data.
- The BSN, date of birth and address are read here as plain text because the caller needs them to link
  and place the records, but the caller pseudonymises them before anything is written (database, logs,
  reports). This module writes nothing.

Values are returned as text exactly as in the message (stripped), dates ISO yyyy-mm-dd as the XSD demands.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from wijkprofiel.errors import SourceError

#: The keys of every record read_301 returns, in order.
VELDEN = (
    "bron_rij",
    "beschikking_id",
    "bsn",
    "geboortedatum",
    "geslacht",
    "postcode",
    "huisnummer",
    "wet",
    "voorziening_code",
    "voorziening",
    "ingangsdatum",
    "einddatum",
    "reden_wijziging",
    "reden_einde",
    "leveringsvorm",
)

#: Any release of a 301 message namespace; the release is checked separately so an older release gets a
#: clear "not supported" instead of falling through to another file reader.
_NS_301 = re.compile(r"http://www\.istandaarden\.nl/(iwmo|ijw)/(\d+)_(\d+)/(wmo|jw)301/schema")
_NS_301_BYTES = re.compile(_NS_301.pattern.encode("ascii"))
_SNIFF_BYTES = 4096
_BRP_ADRES = "01"


@dataclass(frozen=True)
class _Soort:
    naam: str  # WMO301 / JW301
    namespace: str  # message namespace
    basis: str  # basisschema namespace
    xsd_map: str  # folder under data/istandaarden/xsd
    xsd: str
    wet: str  # canonical value of `wet`


_SOORTEN = {
    s.namespace: s
    for s in (
        _Soort(
            "WMO301",
            "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema",
            "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
            "iwmo-3.2",
            "WMO301.xsd",
            "wmo",
        ),
        _Soort(
            "JW301",
            "http://www.istandaarden.nl/ijw/3_2/jw301/schema",
            "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
            "ijw-3.2",
            "JW301.xsd",
            "jeugdwet",
        ),
    )
}

# libxml2 validation is not safe to run concurrently on one compiled schema (it shares its error log),
# so validation is serialised; it takes milliseconds per message.
_SCHEMA_LOCK = threading.Lock()


def is_301_bericht(head: bytes) -> bool:
    """True when `head` (the first bytes of a file) looks like an XML WMO301 or JW301 message.

    Content-based, for file type detection: the bytes must start (after a BOM and whitespace) with '<'
    and name a 301 namespace of iWmo or iJw (any release; read_301 says which releases it supports).
    """
    tekst = _als_utf8(head[:_SNIFF_BYTES])
    if not tekst.lstrip().startswith(b"<"):
        return False
    return _NS_301_BYTES.search(tekst) is not None


def _als_utf8(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM
        codec = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        return head[2:].decode(codec, errors="ignore").encode("utf-8")
    return head


def read_301(path: str | Path) -> list[dict]:
    """Read a WMO301/JW301 message: one record per ToegewezenProduct (see VELDEN), values as text.

    The message is validated against the XSD of its standard first; an invalid message raises SourceError
    (one line: file name, line number and the schema's first error) and yields no records at all.
    `bron_rij` is the 1-based position of the ToegewezenProduct in the message (an int, like the row
    numbers of the other readers).
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    naam = path.name
    root = _parse(path.read_bytes(), naam)
    soort = _soort(root, naam)
    _valideer(root, soort, naam)
    return _records(root, soort)


def _parser() -> etree.XMLParser:
    """A parser that expands no entities, loads no DTD and never uses the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _parse(data: bytes, naam: str) -> etree._Element:
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # the parser's own log: the exception's log is the thread's global one and can hold older errors
        err = parser.error_log[0] if len(parser.error_log) else None
        if err is not None:
            raise SourceError(f"{naam}: not well-formed XML (line {err.line}: {_een_regel(err.message)})") from None
        raise SourceError(f"{naam}: not well-formed XML ({_een_regel(str(exc))})") from None
    except ValueError as exc:
        raise SourceError(f"{naam}: not well-formed XML ({_een_regel(str(exc))})") from None
    if root is None:
        raise SourceError(f"{naam}: not well-formed XML (no root element)")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.system_url or docinfo.public_id:
        # iStandaarden messages never have a DOCTYPE; one with entity declarations is an XXE attempt.
        raise SourceError(f"{naam}: refused: an iStandaarden message has no DOCTYPE, and its entities are not resolved")
    return root


def _soort(root: etree._Element, naam: str) -> _Soort:
    qname = etree.QName(root)
    soort = _SOORTEN.get(qname.namespace or "")
    if soort is not None and qname.localname == "Bericht":
        return soort
    match = _NS_301.fullmatch(qname.namespace or "")
    if match and qname.localname == "Bericht":
        bericht = f"{match.group(4).upper()}301"
        raise SourceError(
            f"{naam}: {bericht} release {match.group(2)}.{match.group(3)} is not supported "
            f"(only iWmo 3.2 WMO301 and iJw 3.2 JW301)"
        )
    raise SourceError(
        f"{naam}: not an iWmo/iJw 301 toewijzing message (root element {qname.localname!r} "
        f"in namespace {qname.namespace or 'none'!r})"
    )


def _valideer(root: etree._Element, soort: _Soort, naam: str) -> None:
    schema = _schema(soort.naam)
    with _SCHEMA_LOCK:
        if schema.validate(root):
            return
        errors = list(schema.error_log)
    if not errors:
        raise SourceError(f"{naam}: not a valid {soort.naam} message")
    err = errors[0]
    raise SourceError(f"{naam}: not a valid {soort.naam} message (line {err.line}: {_schema_reden(err.message)})")


@lru_cache(maxsize=None)
def _schema(bericht: str) -> etree.XMLSchema:
    """The compiled XSD for 'WMO301' or 'JW301', loaded from package data (imports resolved there too)."""
    soort = next(s for s in _SOORTEN.values() if s.naam == bericht)
    map_ = resources.files("wijkprofiel.reference.data").joinpath("istandaarden").joinpath("xsd").joinpath(soort.xsd_map)

    class _PakketResolver(etree.Resolver):
        """Serves the schema's own imports (basisschema.xsd) from package data; nothing else."""

        def resolve(self, url, pubid, context):
            bestand = (url or "").rsplit("/", 1)[-1]
            bron = map_.joinpath(bestand)
            if bestand.endswith(".xsd") and bron.is_file():
                basis = f"wijkprofiel-xsd:/{soort.xsd_map}/{bestand}"
                return self.resolve_string(bron.read_bytes(), context, base_url=basis)
            return self.resolve_string(b"", context)

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_PakketResolver())
    with _SCHEMA_LOCK:
        doc = etree.fromstring(
            map_.joinpath(soort.xsd).read_bytes(), parser, base_url=f"wijkprofiel-xsd:/{soort.xsd_map}/{soort.xsd}"
        )
        return etree.XMLSchema(etree.ElementTree(doc))


def _records(root: etree._Element, soort: _Soort) -> list[dict]:
    ns = {"b": soort.namespace, "s": soort.basis}
    client = root.find("b:Client", ns)
    bsn = _tekst(client.find("b:Bsn", ns))
    geboortedatum = _tekst(client.find("b:Geboortedatum/s:Datum", ns))
    geslacht = _tekst(client.find("b:Geslacht", ns))
    postcode = huisnummer = None
    for contact in client.iterfind("b:Contactgegevens/b:Contact", ns):  # the Client's own, not a Relatie's
        if _tekst(contact.find("b:Soort", ns)) == _BRP_ADRES:
            postcode = _tekst(contact.find("b:Adres/s:Postcode", ns))
            huisnummer = _tekst(contact.find("b:Adres/s:Huis/s:Huisnummer", ns))
            break
    records = []
    for positie, product in enumerate(client.iterfind("b:ToegewezenProducten/b:ToegewezenProduct", ns), start=1):
        records.append(
            {
                "bron_rij": positie,
                "beschikking_id": _tekst(product.find("b:ToewijzingNummer", ns)),
                "bsn": bsn,
                "geboortedatum": geboortedatum,
                "geslacht": geslacht,
                "postcode": postcode,
                "huisnummer": huisnummer,
                "wet": soort.wet,
                "voorziening_code": _tekst(product.find("b:Product/s:Categorie", ns)),
                "voorziening": _tekst(product.find("b:Product/s:Code", ns)),
                "ingangsdatum": _tekst(product.find("b:Ingangsdatum", ns)),
                "einddatum": _tekst(product.find("b:Einddatum", ns)),
                "reden_wijziging": _tekst(product.find("b:RedenWijziging", ns)),
                "reden_einde": None,
                "leveringsvorm": "zin",
            }
        )
    return records


def _tekst(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def _een_regel(message: str) -> str:
    return " ".join(str(message).split())


# libxml2 quotes the offending value in these phrasings; the value may be a BSN, a name or an address.
_WAARDE = (
    re.compile(r"(The value )'.*?'( is | has )"),  # [facet ...] The value 'x' is not accepted / is less ...
    re.compile(r"(: )'.*?'( is not a valid value)"),  # 'x' is not a valid value of the atomic type ...
)


_NAMESPACE = re.compile(r"\{[A-Za-z][A-Za-z0-9+.-]*:[^}']*\}")  # '{http://...}Bsn', not '{9}' or "{'01', '02'}"


def _schema_reden(message: str) -> str:
    """The schema's message on one line, namespaces dropped and quoted values masked."""
    tekst = _een_regel(_NAMESPACE.sub("", message))
    for patroon in _WAARDE:
        tekst = patroon.sub(r"\1'***'\2", tekst)
    return tekst
