"""dq compare as the results section of a project report: header, order, resolved outliers,
shift figures, suppression, HTML; Norwegian throughout."""

import json
import re

import pytest

from dq import compare as cmp
from tests.conftest import EXAMPLE, chromium, open_page, run
from tests.test_subcommand_lang import english_words


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    d = tmp_path_factory.mktemp("results")
    before, after = d / "before.json", d / "after.json"
    assert run("report", EXAMPLE / "dq.toml", "-f", "json", "-o", before).exit_code == 1
    assert run("report", EXAMPLE / "dq.toml", "--data", EXAMPLE / "hoftebrudd_oppfolging.csv",
               "-f", "json", "-o", after).exit_code == 1
    return before, after


def test_english_word_check_can_fail(results):
    out = run("compare", *results, "-f", "markdown", "--lang", "en").stdout
    assert {"resolved", "improved", "check"} <= set(english_words(out))


@pytest.mark.parametrize("fmt", ["table", "terminal", "markdown", "html"])
def test_compare_in_norwegian(results, fmt):
    out = run("compare", *results, "-f", fmt, "--lang", "nb").stdout
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", out, flags=re.S)) \
        if fmt == "html" else out
    assert english_words(text) == [], text
    assert "Nasjonalt hoftebruddregister (syntetisk eksempel)" in out
    assert " pp" not in out and "-0," not in out  # prosentpoeng, true minus


def test_header_order_and_resolved_outliers(results):
    before, after = results
    doc = json.loads(before.read_text(encoding="utf-8"))
    day = doc["manifest"]["run_started"][:10]
    out = run("compare", before, after, "-f", "markdown").stdout
    y, m, d = day.split("-")
    assert f"| Kjørt | {d}.{m}.{y} | {d}.{m}.{y} |" in out
    assert "| Periode | 2023 | 2023 |" in out
    # improvements first, then what got worse, then what stayed the same
    assert out.index("## Forbedringer") < out.index("## Forverringer") < out.index("## Uendret")
    better = out[out.index("## Forbedringer"):out.index("## Forverringer")]
    # St. Olavs' 2023 EHR gap closed in the follow-up: ASA 68.9 % → 97.1 %, Newcombe CI
    # (statsmodels confint_proportions_2indep, method "newcomb") 18.5 to 37.8 points
    # (71/103 and 100/103: each share with its numerator and denominator)
    assert ("| Kompletthet | Variabelkompletthet: ASA — St. Olavs | 71/103 = 68,9\u202f% | "
            "100/103 = 97,1\u202f% | +28,2 prosentpoeng (18,5–37,8) | &lt;0,001 | løst |") in better
    # the funnel outlier that disappeared is resolved (løst), not "fjernet"
    assert ("| Sammenlignbarhet | Enheter utenfor trakten: kompletthet for ASA — St. Olavs | "
            "71/103 = 68,9\u202f% | – | – | – | løst |") in better
    # a shift shown with its sign and its years
    assert "−20,7 prosentpoeng (2022→2023)" in better
    assert "fjernet" not in out
    worse = out[out.index("## Forverringer"):out.index("## Uendret")]
    assert "Variabelkompletthet: ASA — Drammen | 125/128 = 97,7\u202f% | " \
           "74/128 = 57,8\u202f% | −39,8 prosentpoeng (−48,6 til −30,6)" in worse
    assert "ny feil" in worse and "løst" not in worse
    assert "uten signifikant endring" in out


def test_resolved_in_the_json_too(results):
    df = cmp.compare(cmp.load_result(results[0]), cmp.load_result(results[1]))
    rows = {(r["id"], r["unit"]): r["change"] for r in df.iter_rows(named=True)}
    assert rows[("sammenlignbarhet.trakt.kompletthet.ASA", "St. Olavs")] == "resolved"
    assert rows[("sammenlignbarhet.trakt.kompletthet.ASA", "Drammen")] == "worsened"
    assert rows[("sammenlignbarhet.skift.ASA", "St. Olavs")] == "resolved"


def test_suppressed_rows_stay_hidden(results):
    out = run("compare", *results, "-f", "markdown").stdout
    row = next(line for line in out.splitlines()
               if "Variabelkompletthet: Komplikasjonstype — Drammen" in line)
    assert row.count(" – |") == 4 and "(prikket)" in row and "%" not in row
    assert "_Prikking: Antall fra 1 til 4" in out


def test_html_is_self_contained_escaped_and_narrow(results, tmp_path):
    before, after = results
    hostile = '<script>alert(1)</script> "Reg" & co'
    paths = []
    for p in (before, after):
        doc = json.loads(p.read_text(encoding="utf-8"))
        doc["registry"] = hostile
        q = tmp_path / p.name
        q.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        paths.append(q)
    out = run("compare", *paths, "-f", "html").stdout
    assert out.startswith("<!DOCTYPE html>") and "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Reg&quot; &amp; co" in out
    assert 'name="viewport"' in out and "overflow-x:auto" in out  # tables scroll, not the page
    assert "http://" not in out and "https://" not in out and "src=" not in out


def test_readable_at_60_columns(results):
    from typer.testing import CliRunner

    from dq.cli import app

    out = CliRunner(env={"COLUMNS": "60"}).invoke(app, ["compare", *map(str, results)]).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert not any(len(line.strip()) == 1 for line in lines)  # no "K / o / n / t / r / …"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_html_tables_fit_at_1280_px_in_chromium(results, tmp_path, lang):
    """At 1280 px every table fits its box (the figure cells wrap between words, never inside
    "65.0 %"); at 390 px the wide tables scroll inside their own box and the page never
    sideways. Screenshots at both widths."""

    page_file = tmp_path / "compare.html"
    result = run("compare", *results, "-f", "html", "--lang", lang, "-o", page_file)
    assert result.exit_code == 0, result.stderr
    with chromium() as b:
        for width in (1280, 390):
            page = open_page(b, page_file, width, tmp_path)
            info = page.evaluate("""() => {
              const tables = [...document.querySelectorAll('table')];
              return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                      tables: tables.length,
                      wide: tables.filter(t => t.getBoundingClientRect().width
                        > t.parentElement.getBoundingClientRect().width + 0.5).length,
                      unboxed: tables.filter(t => !t.parentElement.classList.contains('scroll'))
                        .length};
            }""")
            assert info["scroll"] <= info["inner"], (width, info)  # the page never scrolls
            assert info["tables"] >= 3 and info["unboxed"] == 0, info
            if width == 1280:
                assert info["wide"] == 0, info
            page.close()
