"""The check registry and the message catalogue: every check has its text in both languages, and
values are formatted, never translated."""

from __future__ import annotations

import string

import pytest

from dq import messages
from dq.checks import registry
from dq.checks.comparability import code_checks
from dq.checks.model import figure, title


@pytest.mark.parametrize("key", sorted(registry.DEFINITIONS))
@pytest.mark.parametrize("lang", messages.LANGS)
def test_every_definition_has_its_templates(key, lang):
    d = registry.definition(key)
    assert d.kind in registry.KINDS
    keys = [registry.title_key(key)] + [registry.figure_key(key, v) for v in d.figures]
    for k in keys:
        assert k in messages.CHECKS, f"{k} has no template"
        assert messages.CHECKS[k].get(lang), f"{k} has no {lang} template"


def test_catalogue_has_no_orphans():
    used = {registry.title_key(k) for k in registry.DEFINITIONS} | {
        registry.figure_key(k, v) for k, d in registry.DEFINITIONS.items() for v in d.figures}
    assert set(messages.CHECKS) == used


def test_templates_in_both_languages_take_the_same_fields():
    fields = string.Formatter()
    for key, texts in messages.CHECKS.items():
        names = {lang: {f for _, f, _, _ in fields.parse(texts[lang]) if f} for lang in texts}
        # nb may leave out a parameter (e.g. the coverage mode) but never invent one
        assert set(texts) == set(messages.LANGS), key
        assert names["nb"] <= names["en"], key


def test_codes_are_not_translated():
    # The regex translator of 0.1 turned "2023: new S72.0, NFB49" into "ny S72,0": a corrupted
    # ICD-10 code. Codes are values and pass through untouched.
    (check,) = code_checks({"Diagnose": {2022: {"S72.1"}, 2023: {"S72.0", "S72.1", "NFB49"}}},
                           {"Diagnose": {"S72.0", "S72.1", "NFB49"}})
    nb = figure(check.definition, check.variant, check.params, "nb")
    assert nb == "2023: ny NFB49, S72.0"
    en = figure(check.definition, check.variant, check.params, "en")
    assert en == "2023: new NFB49, S72.0"


def test_undeclared_values_are_counted_not_named():
    (check,) = code_checks({"ASA": {2022: {"1", "2"}, 2023: {"1", "2", "Kari Nordmannsen",
                                                              "01017012345"}}},
                           {"ASA": {"1", "2", "3"}})
    nb = figure(check.definition, check.variant, check.params, "nb")
    assert nb == "2023: ny 2 verdier utenfor kodelisten"
    assert "Kari" not in str(check.params) and "0101" not in str(check.params)


def test_norwegian_number_typography():
    params = {"limit": 30, "year": 2023, "median": 4.0, "p90": 16.0}
    nb = messages.check_text("aktualitet.registrering.figure.national", "nb", params)
    assert nb == "median 4 dager, 90-persentil 16 dager"
    change = {"year": 2022, "previous": 0.964, "change": -0.075}
    assert messages.word("previous_change", "nb", **change) == \
        "2022: 96,4\u202f% (\u22127,5 prosentpoeng)"
    assert messages.word("previous_change", "en", **change) == "2022: 96.4 % (\u22127.5 pp)"
    assert messages.word("previous_change", "nb", year=2022, previous=0.5, change=0.021) == \
        "2022: 50,0\u202f% (+2,1 prosentpoeng)"
    assert messages.word("previous_change", "nb", year=2022, previous=0.5, change=-0.0004) == \
        "2022: 50,0\u202f% (0,0 prosentpoeng)"
    assert messages.check_text("aktualitet.ferskhet.figure.dates", "nb",
                               {"last": "2023-12-31", "export": "2024-03-01"}) == \
        "siste hendelse 31.12.2023, uttrekk 01.03.2024"
    assert title("kompletthet.dekningsgrad", {"mode": {"word": "linkage"}}, "en") == \
        "Coverage (dekningsgrad, linkage)"
