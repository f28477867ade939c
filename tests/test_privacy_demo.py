"""The disclosure properties of DESIGN §8 on the demo's published figures (CBS plus SYNTHETIC beschikkingen,
casuïstiek, signals and enquête): what tests/test_privacy.py shows for random counts, checked on pub."""

from __future__ import annotations

from collections import defaultdict

import pytest

from wijkprofiel.db import connect


@pytest.fixture(scope="module")
def gepubliceerd(demo_volledig):
    con = connect(demo_volledig, read_only=True)
    try:
        rows = con.execute(
            """select p.gebied_code, p.gebied_niveau, p.ouder_code, p.jaar, p.indicator, p.waarde, p.onderdrukt,
                      c.openbaarmaking, c.teller
               from pub.indicator_waarden p join raw.indicator_catalogus c using (indicator)
               where p.bron = 'gemeente'"""
        ).fetchall()
        # the areas CBS lists per year (disclosure control uses that list; later years use the latest one)
        gebieden = con.execute(
            """select distinct gebied_code, ouder_code, jaar from pub.indicator_waarden
               where bron = 'cbs' and indicator = 'inwoners' and ouder_code is not null"""
        ).fetchall()
    finally:
        con.close()
    assert len(rows) > 10_000
    return rows, gebieden


def test_geen_gepubliceerd_aantal_onder_8_of_buiten_het_vijfvoud(gepubliceerd):
    gepubliceerd, _ = gepubliceerd
    aantallen = [r for r in gepubliceerd if r[7] == "aantal_personen"]
    assert aantallen
    for code, _, _, jaar, indicator, waarde, onderdrukt, *_ in aantallen:
        assert onderdrukt == (waarde is None), (code, jaar, indicator)
        if waarde is not None:
            assert waarde >= 8 and waarde % 5 == 0, (code, jaar, indicator, waarde)


def test_geen_verborgen_aantal_terug_te_rekenen_uit_gepubliceerde_totalen(gepubliceerd):
    """Per published parent (wijk of its buurten, gemeente of its wijken): never exactly one hidden child;
    per hidden parent: never all children published (their sum would be the parent). A child without a
    figure (a true 0) is shown as "." and counts as hidden."""
    gepubliceerd, gebieden = gepubliceerd
    waarde = {(r[0], r[3], r[4]): r[5] for r in gepubliceerd if r[7] == "aantal_personen"}
    cbs_jaren = sorted({j for _, _, j in gebieden})
    kinderen = defaultdict(set)
    for code, ouder, jaar in gebieden:
        kinderen[(ouder, jaar)].add(code)
    for code, _, ouder, jaar, *_ in gepubliceerd:  # an area with a gemeente figure is a child too
        if ouder:
            kinderen[(ouder, "gemeente", jaar)].add(code)
    gecontroleerd = 0
    for ouder, jaar, indicator in sorted(k for k in waarde if k[0][:2] in ("WK", "GM")):
        lijst = max((j for j in cbs_jaren if j <= jaar), default=cbs_jaren[0])
        codes = kinderen[(ouder, lijst)] | kinderen[(ouder, "gemeente", jaar)]
        if len(codes) < 2:
            continue
        verborgen = [c for c in codes if waarde.get((c, jaar, indicator)) is None]
        if waarde[(ouder, jaar, indicator)] is not None:
            assert len(verborgen) != 1, (ouder, jaar, indicator, verborgen)
        else:
            assert verborgen, (ouder, jaar, indicator)
        gecontroleerd += 1
    assert gecontroleerd > 500


def test_verhouding_verborgen_met_haar_teller(gepubliceerd):
    gepubliceerd, _ = gepubliceerd
    waarde = {(r[0], r[3], r[4]): r[5] for r in gepubliceerd}
    verhoudingen = [r for r in gepubliceerd if r[7] == "verhouding" and r[8]]
    assert verhoudingen
    for code, _, _, jaar, indicator, rate, _, _, teller in verhoudingen:
        if waarde.get((code, jaar, teller)) is None:
            assert rate is None, (code, jaar, indicator)


def test_verhouding_met_gemeentelijke_noemer_uit_de_gepubliceerde_noemer(demo_volledig):
    """A share of casussen (or of enquête respondents) is computed from the published numerator AND the
    published denominator: otherwise rate and numerator give back the unrounded or hidden denominator."""
    con = connect(demo_volledig, read_only=True)
    try:
        rows = con.execute(
            """select p.gebied_code, p.jaar, p.indicator, p.waarde, t.waarde, d.waarde, c.factor
               from pub.indicator_waarden p
               join raw.indicator_catalogus c using (indicator)
               join raw.indicator_catalogus dc on dc.indicator = c.noemer and dc.bron = 'gemeente'
               left join pub.indicator_waarden t on t.gebied_code = p.gebied_code and t.jaar = p.jaar and t.indicator = c.teller
               left join pub.indicator_waarden d on d.gebied_code = p.gebied_code and d.jaar = p.jaar and d.indicator = c.noemer
               where p.bron = 'gemeente' and p.waarde is not null"""
        ).fetchall()
    finally:
        con.close()
    assert rows
    for code, jaar, indicator, rate, teller, noemer, factor in rows:
        assert noemer is not None, (code, jaar, indicator, rate)  # a published rate never has a hidden denominator
        assert abs(rate - factor * teller / noemer) <= 0.05 + 1e-9, (code, jaar, indicator, rate, teller, noemer)
