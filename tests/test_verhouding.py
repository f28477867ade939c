"""One formula for a rate from counts (sql/macros/verhouding.sql): the true rate in the marts and the published
rate from rounded counts are rounded the same way, half away from zero."""

from __future__ import annotations

import duckdb
import pytest

from wijkprofiel.db import create_sql_functions
from wijkprofiel.transform.disclosure import verhoudingen


@pytest.mark.parametrize(("teller", "noemer", "factor", "verwacht"), [
    (5, 80, 100, 6.3),        # 6.25: a tie, up (Python's round() gave 6.2, the mart 6.3)
    (105, 800, 1000, 131.3),  # 131.25
    (1, 3, 100, 33.3),
    (5, 0, 100, None),        # no noemer, no rate
])
def test_published_rate_rounds_like_the_true_rate(teller, noemer, factor, verwacht):
    assert verhoudingen([(teller, noemer, factor)]) == [verwacht]
    con = duckdb.connect()
    try:
        create_sql_functions(con)
        assert con.execute("select wp_verhouding(?::double, ?::double, ?::double)", [teller, noemer, factor]).fetchone()[0] == verwacht
    finally:
        con.close()


def test_many_rates_keep_their_order():
    rijen = [(t, 97, 1000) for t in range(200)]
    assert verhoudingen(rijen) == [round(1000 * t / 97 + 1e-9, 1) for t in range(200)]
