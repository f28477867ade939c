"""One rule compares spellings: Python's `sleutel` and SQL's `wp_sleutel`, on the ingest and the build connection."""

from __future__ import annotations

import pytest

from wijkprofiel.db import connect, create_sql_functions
from wijkprofiel.ingest.readers.private.export import prive_verbinding
from wijkprofiel.reference.spelling import sleutel

SPELLINGEN = ["Ĳsselstein", "ĳsselmonde", "ﬁnanciën", "Cliëntenraad", "Ingangs datum", "INGANGS_DATUM", "Ｗｍｏ", "½ jaar",
              "Meldpunt Zorg & Overlast", "", "   ", None]


def test_ij_ligature_is_ij():
    assert sleutel("Ĳsselstein") == sleutel("IJsselstein") == "ijsselstein"


@pytest.mark.parametrize("verbinding", ["ingest", "build"])
def test_sql_gives_the_same_comparable_form_as_python(verbinding, tmp_path):
    con = prive_verbinding() if verbinding == "ingest" else connect(tmp_path / "build.duckdb")
    try:
        create_sql_functions(con)
        for tekst in SPELLINGEN:
            assert con.execute("select wp_sleutel(?)", [tekst]).fetchone()[0] == sleutel(tekst), tekst
    finally:
        con.close()
