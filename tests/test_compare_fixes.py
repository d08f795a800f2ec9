"""dq compare review fixes: full counts get no CI or test, every share shows its n/N, and the
terminal table reads well at 80 columns in both languages.

The pair: the example's report result, and a copy with three full counts changed by hand —
relevans.bruk 16/29 → 26/29 columns, kompletthet.tilslutning 33/34 → 34/34 units, the units
outside the coverage funnel 2/33 → 8/33 — and one written again with a float a hair off."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from rich.console import Console

from dq import compare as cmp
from dq.render import compare as render
from tests.conftest import EXAMPLE, run

THIN = "\u202f"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    d = tmp_path_factory.mktemp("fixes")
    before, after = d / "before.json", d / "after.json"
    assert run("report", EXAMPLE / "dq.toml", "-f", "json", "-o", before).exit_code == 1
    doc = json.loads(before.read_text(encoding="utf-8"))
    national = {r["id"]: r for r in doc["results"] if r["unit"] is None}
    # the stored result as the report wrote it (hand-checked against the example's export)
    assert (national["relevans.bruk"]["numerator"], national["relevans.bruk"]["denominator"]) \
        == (16, 29)
    assert (national["kompletthet.tilslutning"]["numerator"],
            national["kompletthet.tilslutning"]["denominator"]) == (33, 34)
    funnel = national["sammenlignbarhet.trakt.dekningsgrad"]
    assert (funnel["numerator"], funnel["denominator"]) == (2, 33)
    national["relevans.bruk"].update(numerator=26.0, estimate=26 / 29)
    national["kompletthet.tilslutning"].update(numerator=34.0, estimate=1.0, status="pass")
    funnel.update(numerator=8.0, estimate=8 / 33)
    # the same 0 of 29 columns, its share written one float step off: no change
    national["relevans.manglende_variabler"]["estimate"] = 5e-324
    after.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return before, after


@pytest.fixture(scope="module")
def rows(pair):
    out = run("compare", *pair, "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    return doc, {(r["id"], r["unit"]): r for r in doc["results"]}


# ------------------------------------------------------------------------------ 1 full counts


def test_a_full_count_has_no_ci_and_no_test(rows):
    _, by = rows
    bruk = by[("relevans.bruk", None)]
    # 26/29 − 16/29 = 10/29 = 0.344827…: the change itself, no interval, no p
    assert bruk["difference"] == pytest.approx(10 / 29, abs=1e-12)
    assert bruk["ci_low"] is None and bruk["ci_high"] is None
    assert bruk["p_value"] is None and bruk["p_adjusted"] is None
    assert bruk["enumeration"] is True and bruk["method"] == cmp.FULL_COUNT
    assert bruk["change"] == "improved"  # more documented columns: better, no test needed


def test_the_verdict_of_a_full_count_is_its_direction(rows):
    doc, by = rows
    units = by[("kompletthet.tilslutning", None)]  # 33/34 → 34/34: +1/34 = 2.94 points
    assert units["difference"] == pytest.approx(1 / 34, abs=1e-12)
    assert units["change"] == "improved" and units["p_value"] is None
    funnel = by[("sammenlignbarhet.trakt.dekningsgrad", None)]  # 2 → 8 of 33 units outside
    assert funnel["difference"] == pytest.approx(6 / 33, abs=1e-12)
    assert funnel["change"] == "worsened" and funnel["ci_low"] is None
    # the same count both times is unchanged — also when a share is written a float step off
    same = by[("relevans.manglende_variabler", None)]
    assert same["difference"] == 0 and same["change"] == "unchanged"
    assert by[("relevans.udokumenterte_kolonner", None)]["change"] == "unchanged"
    assert doc["counts"] == {"persisting_failure": 43, "unchanged": 1162, "improved": 2,
                             "worsened": 1}
    assert "full counts" in doc["method"]


def test_samples_keep_their_interval_and_test(rows):
    _, by = rows
    # a unit's share of records is a sample: Newcombe's interval and a test, as before
    asa = by[("kompletthet.variabel.ASA", "Haugesund")]
    assert asa["enumeration"] is False and asa["p_value"] == pytest.approx(1.0)
    assert asa["ci_low"] < 0 < asa["ci_high"]
    # so is a unit row of the funnel (its own records), though the national count is not
    outlier = by[("sammenlignbarhet.trakt.kompletthet.ASA", "Haugesund")]
    assert outlier["enumeration"] is False and outlier["ci_low"] is not None


def test_a_worse_full_count_is_a_regression(pair, tmp_path):
    # one undocumented column of 29 where there was none: no test would call 0/29 → 1/29
    # significant (Fisher's p = 1), but the count is what it is, and it got worse
    doc = json.loads(pair[0].read_text(encoding="utf-8"))
    row = next(r for r in doc["results"] if r["id"] == "relevans.udokumenterte_kolonner")
    row.update(numerator=1.0, estimate=1 / 29)
    worse = tmp_path / "worse.json"
    worse.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = run("compare", pair[0], worse, "--fail-on-regression", "-f", "json")
    assert out.exit_code == 1
    got = next(r for r in json.loads(out.stdout)["results"]
               if r["id"] == "relevans.udokumenterte_kolonner")
    assert got["change"] == "worsened" and got["p_value"] is None
    assert run("compare", pair[0], pair[0], "--fail-on-regression", "-f", "json").exit_code == 0


# ------------------------------------------------------------------------------ 2 n/N


def test_markdown_shows_n_of_N_beside_each_share(pair):
    out = run("compare", *pair, "-f", "markdown").stdout
    assert (f"| Relevans | Variabler med dokumentert bruk | 16/29 = 55,2{THIN}% | "
            f"26/29 = 89,7{THIN}% | +34,5 prosentpoeng (fulltelling) | – | bedre |") in out
    assert (f"| Sammenlignbarhet | Enheter utenfor trakten: dekningsgrad | 2/33 = 6,1{THIN}% | "
            f"8/33 = 24,2{THIN}% | +18,2 prosentpoeng (fulltelling) | – | verre |") in out
    # a unit's persisting failure: 80 of 129 records both times, its CI and test kept
    assert (f"| Kompletthet | Variabelkompletthet: ASA — Haugesund | 80/129 = 62,0{THIN}% | "
            f"80/129 = 62,0{THIN}% | 0,0 prosentpoeng (−11,7 til 11,7) | 1,000 | "
            "vedvarende feil |") in out
    en = run("compare", *pair, "-f", "markdown", "--lang", "en").stdout
    assert ("| Relevance | Variables with a documented use | 16/29 = 55.2 % | 26/29 = 89.7 % | "
            "+34.5 pp (full count) | – | improved |") in en


def test_html_shows_n_of_N_too(pair):
    out = run("compare", *pair, "-f", "html").stdout
    assert f"<td class=\"n d\">16/29 = 55,2{THIN}%</td><td class=\"n d\">26/29 = 89,7{THIN}%</td>" \
        f"<td class=\"n d\">+34,5 prosentpoeng (fulltelling)</td><td class=n>–</td>" in out


def test_hidden_rows_show_no_counts(pair):
    out = run("compare", *pair, "-f", "markdown", "--suppress", "10").stdout
    doc = json.loads(run("compare", *pair, "-f", "json", "--suppress", "10").stdout)
    hidden = [r for r in doc["results"] if r["suppressed"]]
    assert hidden  # the rule hides some units
    lines = [line for line in out.splitlines() if "(prikket)" in line]
    assert len(lines) == len([r for r in hidden if r["change"] != "unchanged"])
    for line in lines:
        assert "/" not in line and "%" not in line, line
    # the unit rows shown have their counts, each 0 or at least 10
    shown = [pair for line in out.splitlines() if line.startswith("| ") and " — " in line
             for pair in re.findall(r"([0-9\u202f]+)/([0-9\u202f]+) =", line)]
    assert len(shown) > 20
    for x, n in shown:
        x, n = int(x.replace(THIN, "")), int(n.replace(THIN, ""))
        assert (x == 0 or x >= 10) and n >= 10, (x, n)


# ------------------------------------------------------------------------------ 3 80 columns


def terminal(pair, lang: str, width: int) -> str:
    b, a = cmp.load_result(pair[0]), cmp.load_result(pair[1])
    df, _, n = cmp.run(b, a)
    console = Console(file=StringIO(), width=width, no_color=True, highlight=False)
    render.terminal(df, console, lang, 25, [], b, a, n)
    return console.file.getvalue()


@pytest.mark.parametrize("lang, header, name, first, second", [
    ("en", ("Check", "Baseline", "Follow-up", "Outcome"), "Variables with a documented use",
     ("55.2 %", "89.7 %", "+34.5 pp", "improved"), ("16/29", "26/29", "(full count)")),
    ("nb", ("Kontroll", "Før", "Etter", "Utfall"), "Variabler med dokumentert bruk",
     (f"55,2{THIN}%", f"89,7{THIN}%", "+34,5 prosentpoeng", "bedre"),
     ("16/29", "26/29", "(fulltelling)")),
])
def test_a_table_at_80_columns_in_both_languages(pair, lang, header, name, first, second):
    out = terminal(pair, lang, 80)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    # a table (its header row), not the list each row's figures indented below
    assert any(all(h in line for h in header) for line in lines), out
    # the check's name on one line with its figures; n/N and the full count below them
    i = next(i for i, line in enumerate(lines) if line.startswith(name))
    assert all(x in lines[i] for x in first), lines[i]
    assert all(x in lines[i + 1] for x in second), lines[i + 1]
    # a unit's row: its name in two lines at most, beside the share and its n/N
    j = next(i for i, line in enumerate(lines) if "ASA — Haugesund" in line
             or "ASA —" in line and "Haugesund" in lines[i + 1])
    assert "62" in lines[j] and "80/129" in lines[j + 1] and "Haugesund" in lines[j] + lines[j + 1]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_word_of_a_check_is_cut_at_any_width(pair, lang):
    for width in range(40, 131, 6):
        out = terminal(pair, lang, width)
        assert max(len(line) for line in out.splitlines()) <= width, width
        words = set(out.split())
        for title in ("Tilslutningsgrad: rapporterende enheter / enheter i referansen"
                      if lang == "nb" else "Tilslutning: reporting units / units in the reference",
                      "Variabler med dokumentert bruk" if lang == "nb"
                      else "Variables with a documented use"):
            assert set(title.split()) <= words, (width, out)
