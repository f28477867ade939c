"""The map's pieces that need no browser: class breaks, classes and data that is safe inside a <script>."""

from __future__ import annotations

import json

from wijkprofiel.publish.kaart import PALET, VERBORGEN_KLEUR, KaartLaag, json_voor_script, klassegrenzen


def test_breaks_are_rounded_to_the_legends_decimals_and_keep_the_extremes_inside():
    values = [3.14159, 7.25, 9.99, 12.04, 15.5, 18.26, 44.449, None, float("nan")]
    grenzen = klassegrenzen(values, decimalen=1)
    assert grenzen == sorted(set(grenzen))
    assert all(round(g, 1) == g for g in grenzen)
    assert grenzen[0] <= 3.14159 and grenzen[-1] >= 44.449
    laag = KaartLaag("x", "X", "%", grenzen)
    assert [laag.klasse(v) for v in (3.14159, 44.449)] == [0, len(grenzen) - 2]
    assert laag.klasse(None) == -1 and laag.kleur(None) == VERBORGEN_KLEUR


def test_counts_get_whole_breaks_and_a_legend_that_never_repeats_one_figure():
    grenzen = klassegrenzen([0, 0, 0, 0, 1, 1, 2, 5, 8], decimalen=0)
    laag = KaartLaag("n", "Aantal", "aantal", grenzen)
    teksten = [tekst for _, tekst in laag.legenda()]
    assert all(g == int(g) for g in grenzen)
    assert len(teksten) == len(set(teksten)) == len(grenzen)  # the classes plus the hidden value
    assert "0 – 0" not in teksten


def test_named_classes_for_the_number_of_rode_draden():
    laag = KaartLaag("r", "Aantal rode draden", "aantal", [0, 0, 1, 2, 3, float("inf")],
                     klassen=["geen", "1", "2", "3", "4 of meer"])
    assert [laag.klasse(v) for v in (0, 1, 3, 4, 9)] == [0, 1, 3, 4, 4]
    assert laag.legenda() == list(zip(PALET, ["geen", "1", "2", "3", "4 of meer"]))  # never hidden: no '.' class


def test_json_in_a_script_cannot_end_the_script_or_a_string():
    value = {"n": "</script><script>alert(1)</script>", "m": "a\u2028b\u2029c", "c": "<!-- & -->"}
    tekst = json_voor_script(value)
    for teken in ("<", ">", "&", "\u2028", "\u2029"):
        assert teken not in tekst
    assert json.loads(tekst) == value
