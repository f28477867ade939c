"""The iStandaarden 301 reader: the real WMO301 example, address choice, whole-message refusal, JW301,
broken input, content sniffing and no network access while parsing."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from conftest import FIXTURES
from lxml import etree
from pytest_httpserver import HTTPServer

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.private import istandaard301
from wijkprofiel.ingest.readers.private.istandaard301 import VELDEN, is_301_bericht, read_301

# The official iStandaarden test BSN of the example message, read from the fixture rather than written out here:
# BSN-shaped literals stay in tests/fixtures.
TEST_BSN = re.search(rb"<wmo301:Bsn>([0-9]{9})</wmo301:Bsn>", (FIXTURES / "istandaarden" / "WMO301.xml").read_bytes()).group(1).decode()

WMO301_XML = FIXTURES / "istandaarden" / "WMO301.xml"

WMO_NS = "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"
WMO_BASIS = "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema"
JW_NS = "http://www.istandaarden.nl/ijw/3_2/jw301/schema"
JW_BASIS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
NS = {"b": WMO_NS, "s": WMO_BASIS}

XLSX_HEAD = (
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00\x13\x00\x08\x02"
    b"[Content_Types].xml"
)
CSV_HEAD = b"Bsn;Wet;Productcategorie;Ingangsdatum;Einddatum\r\n" + TEST_BSN.encode() + b";Wmo;01;01-01-2023;31-12-2023\r\n"


# ---------------------------------------------------------------------------------------------- helpers


def _boom() -> etree._ElementTree:
    return etree.parse(str(WMO301_XML))


def _schrijf(tree: etree._ElementTree, path: Path) -> Path:
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def _client(tree: etree._ElementTree) -> etree._Element:
    return tree.getroot().find("b:Client", NS)


def _client_contact(soort: str, postcode: str | None, huisnummer: str | None) -> etree._Element:
    """A Client Contact (wmo301 namespace) with the given Soort and, when postcode is given, an Adres."""
    contact = etree.Element(f"{{{WMO_NS}}}Contact")
    etree.SubElement(contact, f"{{{WMO_NS}}}Soort").text = soort
    if postcode is not None:
        adres = etree.SubElement(contact, f"{{{WMO_NS}}}Adres")
        if huisnummer is not None:
            huis = etree.SubElement(adres, f"{{{WMO_BASIS}}}Huis")
            etree.SubElement(huis, f"{{{WMO_BASIS}}}Huisnummer").text = huisnummer
        etree.SubElement(adres, f"{{{WMO_BASIS}}}Postcode").text = postcode
    return contact


def _regel(path: Path, xpath: str) -> int:
    """The line of the first element matching xpath in the file as written (for the expected error)."""
    return etree.parse(str(path)).getroot().xpath(xpath, namespaces=NS)[0].sourceline


def _jw301(tree: etree._ElementTree) -> bytes:
    """A WMO301 tree turned into a JW301 message: JW301 and iJw basisschema namespaces, BerichtCode 436 and
    a Jeugdwet productcategorie (the rest of JW301.xsd is identical to WMO301.xsd)."""
    tree = copy.deepcopy(tree)
    tree.getroot().find("b:Header/b:BerichtCode", NS).text = "436"
    for product in tree.getroot().iterfind("b:Client/b:ToegewezenProducten/b:ToegewezenProduct/b:Product", NS):
        product.find("s:Categorie", NS).text = "45"  # Jeugdhulp ambulant
        code = product.find("s:Code", NS)
        if code is not None:
            code.text = "45A01"
    tekst = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    return tekst.replace(WMO_NS.encode(), JW_NS.encode()).replace(WMO_BASIS.encode(), JW_BASIS.encode())


def _fout(path: Path) -> str:
    with pytest.raises(SourceError) as exc:
        read_301(path)
    message = str(exc.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{path.name}: ")
    return message


# ------------------------------------------------------------------------------------- the real example


def test_real_wmo301_gives_one_record_per_toegewezen_product():
    records = read_301(WMO301_XML)

    aantal = len(_boom().getroot().findall("b:Client/b:ToegewezenProducten/b:ToegewezenProduct", NS))
    assert aantal == 1
    assert len(records) == aantal
    assert list(records[0]) == list(VELDEN)
    assert records[0] == {
        "bron_rij": 1,
        "beschikking_id": "101",
        "bsn": TEST_BSN,
        "geboortedatum": "1967-08-13",
        "geslacht": "1",
        "postcode": "9999XX",
        "huisnummer": "100",  # the Client's BRP-adres, not the Relaties' 10 and 20
        "wet": "wmo",
        "voorziening_code": "01",
        "voorziening": "01A01",
        "ingangsdatum": "2023-01-01",
        "einddatum": "2023-12-31",
        "reden_wijziging": None,
        "reden_einde": None,
        "leveringsvorm": "zin",
    }


def test_every_text_field_is_text_or_none():
    for record in read_301(WMO301_XML):
        for key, value in record.items():
            if key == "bron_rij":
                assert isinstance(value, int)
            else:
                assert value is None or isinstance(value, str), key


def test_several_products_keep_their_position_and_optional_elements(tmp_path):
    tree = _boom()
    producten = _client(tree).find("b:ToegewezenProducten", NS)
    tweede = copy.deepcopy(producten[0])
    tweede.find("b:ToewijzingNummer", NS).text = "102"
    tweede.find("b:Product", NS).remove(tweede.find("b:Product/s:Code", NS))  # Code is optional
    einddatum = tweede.find("b:Einddatum", NS)
    reden = etree.Element(f"{{{WMO_NS}}}RedenWijziging")
    reden.text = "01"
    einddatum.addnext(reden)
    tweede.remove(einddatum)  # no Einddatum: an open-ended toewijzing
    tweede.find("b:Ingangsdatum", NS).text = "2023-06-01"
    producten.append(tweede)
    path = _schrijf(tree, tmp_path / "twee.xml")

    records = read_301(path)

    assert [r["bron_rij"] for r in records] == [1, 2]
    assert [r["beschikking_id"] for r in records] == ["101", "102"]
    assert records[1]["voorziening_code"] == "01"
    assert records[1]["voorziening"] is None
    assert records[1]["ingangsdatum"] == "2023-06-01"
    assert records[1]["einddatum"] is None
    assert records[1]["reden_wijziging"] == "01"
    assert records[1]["reden_einde"] is None
    assert records[1]["bsn"] == records[0]["bsn"] == TEST_BSN
    assert records[1]["postcode"] == "9999XX" and records[1]["huisnummer"] == "100"


# --------------------------------------------------------------------------------------------- address


def test_address_is_the_clients_brp_contact_even_when_a_relatie_contact_comes_first(tmp_path):
    tree = _boom()
    for i, relatie_adres in enumerate(_client(tree).iterfind("b:Relaties/b:Relatie/b:Contact/b:Adres", NS)):
        relatie_adres.find("s:Postcode", NS).text = f"1{i}11AA"
        relatie_adres.find("s:Huis/s:Huisnummer", NS).text = str(7 + i)
    path = _schrijf(tree, tmp_path / "relatie-eerst.xml")
    # the Relaties (with their Soort 01 Contacts) precede Contactgegevens in the message
    assert _regel(path, "//b:Relatie/b:Contact") < _regel(path, "//b:Contactgegevens/b:Contact")

    [record] = read_301(path)

    assert (record["postcode"], record["huisnummer"]) == ("9999XX", "100")


def test_address_skips_a_client_contact_of_another_soort_that_comes_first(tmp_path):
    tree = _boom()
    contactgegevens = _client(tree).find("b:Contactgegevens", NS)
    contactgegevens.insert(0, _client_contact("02", "2222BB", "5"))  # Correspondentie-adres first
    path = _schrijf(tree, tmp_path / "correspondentie-eerst.xml")

    [record] = read_301(path)

    assert (record["postcode"], record["huisnummer"]) == ("9999XX", "100")


def test_no_brp_contact_gives_no_address(tmp_path):
    tree = _boom()
    contactgegevens = _client(tree).find("b:Contactgegevens", NS)
    for contact in list(contactgegevens):
        contactgegevens.remove(contact)
    contactgegevens.append(_client_contact("02", "2222BB", "5"))
    path = _schrijf(tree, tmp_path / "alleen-correspondentie.xml")

    [record] = read_301(path)

    assert record["postcode"] is None and record["huisnummer"] is None


def test_brp_contact_without_adres_gives_no_address(tmp_path):
    tree = _boom()
    contactgegevens = _client(tree).find("b:Contactgegevens", NS)
    for contact in list(contactgegevens):
        contactgegevens.remove(contact)
    contactgegevens.append(_client_contact("01", None, None))
    path = _schrijf(tree, tmp_path / "brp-zonder-adres.xml")

    [record] = read_301(path)

    assert record["postcode"] is None and record["huisnummer"] is None


# ----------------------------------------------------------------------------------- invalid messages


def test_invalid_bsn_refuses_the_message_with_the_schema_reason(tmp_path):
    tree = _boom()
    _client(tree).find("b:Bsn", NS).text = "abc"
    path = _schrijf(tree, tmp_path / "WMO301-bsn.xml")
    regel = _regel(path, "/b:Bericht/b:Client/b:Bsn")

    message = _fout(path)

    assert message == (
        f"WMO301-bsn.xml: not a valid WMO301 message (line {regel}: Element 'Bsn': [facet 'pattern'] "
        "The value '***' is not accepted by the pattern '[0-9]{9}'.)"
    )


def test_the_refused_value_is_not_echoed(tmp_path):
    """A wrong BSN (8 digits) may still be a person's number: the error names the element, not the value."""
    tree = _boom()
    _client(tree).find("b:Bsn", NS).text = "12345678"
    path = _schrijf(tree, tmp_path / "WMO301-bsn8.xml")

    message = _fout(path)

    assert "12345678" not in message
    assert "Element 'Bsn'" in message and "[0-9]{9}" in message


def test_missing_required_element_refuses_the_message(tmp_path):
    tree = _boom()
    product = _client(tree).find("b:ToegewezenProducten/b:ToegewezenProduct", NS)
    product.remove(product.find("b:Ingangsdatum", NS))
    path = _schrijf(tree, tmp_path / "zonder-ingangsdatum.xml")
    regel = _regel(path, "//b:ToegewezenProduct/b:Einddatum")

    message = _fout(path)

    assert message == (
        f"zonder-ingangsdatum.xml: not a valid WMO301 message (line {regel}: Element 'Einddatum': "
        "This element is not expected. Expected is ( Ingangsdatum ).)"
    )


def test_one_bad_product_refuses_the_whole_message(tmp_path):
    tree = _boom()
    producten = _client(tree).find("b:ToegewezenProducten", NS)
    tweede = copy.deepcopy(producten[0])
    tweede.find("b:Ingangsdatum", NS).text = "2023-02-30"  # no such date
    producten.append(tweede)
    path = _schrijf(tree, tmp_path / "tweede-fout.xml")
    regel = _regel(path, "(//b:ToegewezenProduct)[2]/b:Ingangsdatum")

    message = _fout(path)

    assert message.startswith(f"tweede-fout.xml: not a valid WMO301 message (line {regel}: Element 'Ingangsdatum': ")
    assert "2023-02-30" not in message


# ---------------------------------------------------------------------------------------------- JW301


def test_jw301_message_gives_jeugdwet(tmp_path):
    path = tmp_path / "JW301.xml"
    path.write_bytes(_jw301(_boom()))

    [record] = read_301(path)

    assert record["wet"] == "jeugdwet"
    assert record["voorziening_code"] == "45"
    assert record["voorziening"] == "45A01"
    assert record["leveringsvorm"] == "zin"
    assert (record["bsn"], record["postcode"], record["huisnummer"]) == (TEST_BSN, "9999XX", "100")
    assert (record["ingangsdatum"], record["einddatum"]) == ("2023-01-01", "2023-12-31")


def test_jw301_is_validated_against_its_own_xsd(tmp_path):
    """Wmo productcategorie 01 does not exist in the Jeugdwet code list of JW301.xsd."""
    tekst = _jw301(_boom()).replace(b">45<", b">01<")
    path = tmp_path / "JW301-wmo-categorie.xml"
    path.write_bytes(tekst)

    message = _fout(path)

    assert message.startswith("JW301-wmo-categorie.xml: not a valid JW301 message (line ")
    assert "Element 'Categorie': [facet 'enumeration']" in message


def test_wmo301_berichtcode_in_a_jw301_message_is_refused(tmp_path):
    tekst = _jw301(_boom()).replace(b">436<", b">414<")
    path = tmp_path / "JW301-414.xml"
    path.write_bytes(tekst)

    assert "Element 'BerichtCode'" in _fout(path)


# ----------------------------------------------------------------------------------------- bad input


def test_non_xml_bytes_are_refused(tmp_path):
    path = tmp_path / "beschikkingen.xml"
    path.write_bytes(CSV_HEAD)

    assert _fout(path) == "beschikkingen.xml: not well-formed XML (line 1: Start tag expected, '<' not found)"


def test_binary_bytes_are_refused(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(XLSX_HEAD)

    assert _fout(path).startswith("export.xml: not well-formed XML (line 1: ")


def test_truncated_xml_is_refused(tmp_path):
    data = WMO301_XML.read_bytes()
    path = tmp_path / "afgebroken.xml"
    path.write_bytes(data[: data.index(b"<wmo301:ToegewezenProducten>")])  # cut off between elements

    message = _fout(path)

    assert message.startswith("afgebroken.xml: not well-formed XML (line ")
    assert "Premature end of data in tag" in message


def test_xml_cut_off_inside_a_tag_is_refused(tmp_path):
    data = WMO301_XML.read_bytes()
    path = tmp_path / "half.xml"
    path.write_bytes(data[: data.index(b"<wmo301:ToegewezenProducten>") + 12])

    assert _fout(path).startswith("half.xml: not well-formed XML (line ")


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "leeg.xml"
    path.write_bytes(b"")

    assert _fout(path).startswith("leeg.xml: not well-formed XML")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        read_301(tmp_path / "bestaat-niet.xml")


def test_other_xml_is_not_a_301(tmp_path):
    path = tmp_path / "ander.xml"
    path.write_bytes(b'<?xml version="1.0"?><FeatureCollection xmlns="http://www.opengis.net/gml"/>')

    assert "not an iWmo/iJw 301 toewijzing message" in _fout(path)


def test_other_release_is_refused_as_unsupported(tmp_path):
    path = tmp_path / "WMO301-3.1.xml"
    path.write_bytes(WMO301_XML.read_bytes().replace(b"/iwmo/3_2/wmo301/", b"/iwmo/3_1/wmo301/"))

    assert _fout(path) == (
        "WMO301-3.1.xml: WMO301 release 3.1 is not supported (only iWmo 3.2 WMO301 and iJw 3.2 JW301)"
    )


# ------------------------------------------------------------------------------------------- sniffing


def test_is_301_bericht_recognises_both_kinds(tmp_path):
    assert is_301_bericht(WMO301_XML.read_bytes()[:512])
    assert is_301_bericht(_jw301(_boom())[:512])
    assert is_301_bericht(b"\xef\xbb\xbf" + WMO301_XML.read_bytes()[:512])  # UTF-8 BOM
    assert is_301_bericht(WMO301_XML.read_text(encoding="utf-8")[:512].encode("utf-16"))  # UTF-16 with BOM


def test_is_301_bericht_rejects_other_content():
    assert not is_301_bericht(CSV_HEAD)
    assert not is_301_bericht(XLSX_HEAD)
    assert not is_301_bericht(b"")
    wmo302 = b'<?xml version="1.0"?><Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo302/schema">'
    assert not is_301_bericht(wmo302)
    # the namespace in a CSV cell does not make it XML
    assert not is_301_bericht(b"url\nhttp://www.istandaarden.nl/iwmo/3_2/wmo301/schema\n")


# -------------------------------------------------------------------------------------------- network


def test_doctype_entities_are_not_resolved_and_nothing_is_fetched(tmp_path, httpserver: HTTPServer):
    geheim = tmp_path / "geheim.txt"
    geheim.write_text("GEHEIM-123")
    httpserver.expect_request("/xxe").respond_with_data("OPGEHAALD")
    httpserver.expect_request("/dtd").respond_with_data('<!ENTITY y "OPGEHAALD">')
    tekst = WMO301_XML.read_text(encoding="utf-8")
    doctype = (
        f'<!DOCTYPE wmo301:Bericht SYSTEM "{httpserver.url_for("/dtd")}" [\n'
        f'<!ENTITY x SYSTEM "{httpserver.url_for("/xxe")}">\n'
        f'<!ENTITY g SYSTEM "{geheim.as_uri()}">\n]>\n'
    )
    tekst = tekst.replace("?>\n", "?>\n" + doctype, 1)
    tekst = tekst.replace(">Client commentaar<", ">&x;&g;<")
    path = tmp_path / "xxe.xml"
    path.write_text(tekst, encoding="utf-8")

    message = _fout(path)

    assert "DOCTYPE" in message
    assert "GEHEIM" not in message and "OPGEHAALD" not in message
    assert httpserver.log == []


def test_the_xml_parser_itself_resolves_nothing(tmp_path, httpserver: HTTPServer):
    """Independent of the DOCTYPE refusal: the parse step leaves entities unexpanded and fetches nothing."""
    httpserver.expect_request("/xxe").respond_with_data("OPGEHAALD")
    geheim = tmp_path / "geheim.txt"
    geheim.write_text("GEHEIM-123")
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{httpserver.url_for("/dtd")}" [\n'
        f'<!ENTITY x SYSTEM "{httpserver.url_for("/xxe")}">\n<!ENTITY g SYSTEM "{geheim.as_uri()}">\n]>\n'
        "<r>&x;&g;</r>"
    ).encode()

    with pytest.raises(SourceError):
        istandaard301._parse(data, "r.xml")
    parsed = etree.tostring(etree.fromstring(data, istandaard301._parser()), encoding="unicode")
    assert parsed.endswith("<r>&x;&g;</r>")  # the references stay references
    assert "GEHEIM" not in parsed and "OPGEHAALD" not in parsed
    assert httpserver.log == []


def test_schema_is_compiled_once_from_package_data():
    assert istandaard301._schema("WMO301") is istandaard301._schema("WMO301")
    assert istandaard301._schema("JW301") is not istandaard301._schema("WMO301")
