"""Publishing opens the database read-only and reads only the pub schema (DESIGN §8: pub is the only layer
that has been through disclosure control). Checked twice: in the source of wijkprofiel.publish, and by
recording every statement a real publish run sends to DuckDB."""

from __future__ import annotations

import re
from pathlib import Path

import wijkprofiel.publish as publish

#: A table reference in SQL text: FROM / JOIN / DESCRIBE <schema>.<name>
TABEL = re.compile(r"\b(?:from|join|describe)\s+([a-z_]+)\.([a-z_]+)", re.IGNORECASE)


def test_publish_code_noemt_geen_ander_schema_dan_pub():
    gevonden = set()
    for pad in sorted(Path(publish.__file__).parent.rglob("*.py")):
        # Python's own imports (`from wijkprofiel.db import connect`) are not SQL
        tekst = re.sub(r"^\s*from\s+[\w.]+\s+import\b.*$", "", pad.read_text(encoding="utf-8"), flags=re.M)
        for schema, naam in TABEL.findall(tekst):
            gevonden.add((pad.name, schema.lower(), naam.lower()))
    assert gevonden, "no SQL found in wijkprofiel.publish"
    assert {s for _, s, _ in gevonden} == {"pub"}, sorted(g for g in gevonden if g[1] != "pub")


def _neem_op(monkeypatch, module) -> tuple[list[dict], list[str]]:
    """Record the keyword arguments of every `module.connect` and every statement sent through it."""
    verbindingen, statements = [], []
    echte_connect = module.connect

    class Opname:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args, **kwargs):
            statements.append(sql)
            return self._con.execute(sql, *args, **kwargs)

        def sql(self, sql, *args, **kwargs):
            statements.append(sql)
            return self._con.sql(sql, *args, **kwargs)

        def __getattr__(self, naam):
            return getattr(self._con, naam)

    def opnemende_connect(*args, **kwargs):
        verbindingen.append(kwargs)
        return Opname(echte_connect(*args, **kwargs))

    monkeypatch.setattr(module, "connect", opnemende_connect)
    return verbindingen, statements


def test_publish_opent_alleen_lezend_en_leest_alleen_pub(demo_db, tmp_path, monkeypatch):
    verbindingen, statements = _neem_op(monkeypatch, publish)
    resultaat = publish.publish_reports(demo_db, tmp_path / "rapporten")
    assert resultaat.rapporten and not resultaat.mislukt
    assert verbindingen and all(k.get("read_only") is True for k in verbindingen), verbindingen
    tabellen = {(s.lower(), t.lower()) for sql in statements for s, t in TABEL.findall(sql)}
    assert tabellen and {s for s, _ in tabellen} == {"pub"}, sorted(tabellen)


def test_de_landelijke_voorpagina_opent_alleen_lezend_en_leest_alleen_pub(demo_db, tmp_path, monkeypatch):
    from wijkprofiel.publish import landelijk

    verbindingen, statements = _neem_op(monkeypatch, landelijk)
    assert landelijk.schrijf_landelijke_index([demo_db], tmp_path).is_file()
    assert verbindingen and all(k.get("read_only") is True for k in verbindingen), verbindingen
    tabellen = {(s.lower(), t.lower()) for sql in statements for s, t in TABEL.findall(sql)}
    assert {s for s, _ in tabellen} == {"pub"} and ("pub", "rode_draden") in tabellen, sorted(tabellen)
