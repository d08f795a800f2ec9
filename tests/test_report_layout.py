"""dq report as a published chapter: summary first, counts of checks, one reliability headline
per variable, figures without small cells, no English in Norwegian output, the HTML in a real
browser at 1280 and 390 px and on A4, --figures files."""

import re
from html.parser import HTMLParser
from io import StringIO

import polars as pl
import pytest
from rich.console import Console

from dq.publish import publish
from dq.render import figures as figs
from dq.render import report as render
from dq.render.chapter import build, headline
from dq.render.report_markdown import report_figures
from tests.conftest import EXAMPLE, chromium, open_page, run
from tests.test_report import _example_report


@pytest.fixture(scope="module")
def example_report():
    return _example_report()


@pytest.fixture(scope="module")
def published(example_report):
    return publish(example_report, 5)


def test_counts_are_of_checks_with_units_apart(published):
    chap = build(published)
    dims = {d.id: d for d in chap.dimensions}
    # Kompletthet: 29 variables + complete records + dekningsgrad + tilslutning (example spec)
    assert dims["kompletthet"].checks == 32
    # Korrekthet: 29 value checks, 2 date orders, 2 no-future, duplicates, fødselsnummer,
    # 7 validated variables, correct patients
    assert dims["korrekthet"].checks == 43
    assert dims["korrekthet"].counts == {"fail": 1, "warn": 3, "pass": 39}
    # Aktualitet: national share within 30 days passes (96,2 %), Harstad fails (20,0 %): the
    # check counts once, as failing, and its one unit is counted apart
    akt = dims["aktualitet"]
    assert akt.counts["fail"] == 1 and akt.units == 1
    finding = next(f for f in akt.findings if f.row["id"] == "aktualitet.registrering")
    assert finding.row["status"] == "pass" and [u["unit"] for u in finding.units] == ["Harstad"]
    # every check appears once: as a finding or in a family of passing checks (or info)
    for d in chap.dimensions:
        if d.id == "reliabilitet":
            continue
        shown = len(d.findings) + sum(len(f.rows) + f.info for f in d.passing)
        assert shown == d.checks, d.id
    # 29 value checks collapse into one line
    from dq.render.report_text import family_line

    fam = next(f for f in dims["korrekthet"].passing if f.definition == "korrekthet.verdier")
    assert family_line(fam, "nb") == "29 variabler innenfor lovlige koder og grenser"


def test_reliability_headline_by_level_and_the_paradox(published):
    chap = build(published)
    rel = {f.row["id"].split(".")[1]: f for f in
           next(d for d in chap.dimensions if d.id == "reliabilitet").reliability}
    assert len(rel) == 15  # one line per variable instead of 93 statistics
    # nominal: Cohen's κ (the spec's first threshold); ordinal: quadratic weighted κ;
    # interval/ratio: ICC(2,1)
    assert rel["Antibiotika"].row["id"].endswith(".cohen_kappa")
    assert rel["ASA"].row["id"].endswith(".weighted_kappa_quadratic")
    assert rel["Alder"].row["id"].endswith(".icc_2_1")
    # κ 0,550 with 95 % agreement: the paradox; AC1 (0,944) shown beside κ
    anti = rel["Antibiotika"]
    assert anti.paradox and anti.status == "warn"
    beside = {b["id"].split(".")[-1]: b["estimate"] for b in anti.beside}
    assert beside["percent_agreement"] == pytest.approx(0.95)
    assert beside["gwet_ac1"] == pytest.approx(0.9438, abs=1e-4)
    assert not rel["Bruddtype"].paradox
    md = render.markdown(published, "nb")
    html = render.to_html(published, "nb")
    for text in (md, html):
        assert "κ-paradokset: Antibiotika, Komplikasjon. κ er lav selv om" in text
    assert "The kappa paradox: Antibiotika, Komplikasjon." in render.markdown(published, "en")


def test_headline_follows_the_spec_choice():
    stats = ["percent_agreement", "cohen_kappa", "fleiss_kappa", "gwet_ac1", "pabak"]
    assert headline(stats, []) == "cohen_kappa"
    assert headline(stats, ["gwet_ac1", "cohen_kappa"]) == "gwet_ac1"
    assert headline(["percent_agreement", "fleiss_kappa", "gwet_ac1"], ["cohen_kappa"]) == \
        "fleiss_kappa"  # three raters: no Cohen's κ
    assert headline(["icc_1_1", "icc_2_1", "icc_3_k"], ["icc_3_k"]) == "icc_3_k"


ENGLISH = ("the", "and", "of", "with", "by", "unit", "units", "check", "checks", "pass", "fail",
           "failed", "warning", "warnings", "not assessed", "partially", "rows", "more", "below",
           "above", "within", "limit", "share", "hidden", "national", "dashed", "solid",
           "Funnel", "plot", "Coverage", "Completeness", "Timeliness", "Summary", "Findings",
           "Figures", "Methods", "Appendix", "Contents", "Result", "Threshold", "unknown",
           "missing", "invalid", "records", "registered", "days", "target", "agreement",
           "almost perfect", "substantial", "moderate", "excellent")


class _Text(HTMLParser):
    """The text a reader meets: element text and SVG titles/descriptions, not CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        self._skip += tag == "style"
        for name, value in attrs:
            if name in ("aria-label", "alt", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        self._skip -= tag == "style"

    def handle_data(self, data):  # noqa: ANN001, ANN201
        if not self._skip:
            self.parts.append(data)


def _english_words(text: str) -> list[str]:
    # Configuration keys stay as the spec spells them: "[coverage] references".
    text = re.sub(r"\[[a-z_.*\"<>]+\][^);]*", " ", text)
    return [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def test_norwegian_report_has_no_english_in_any_format(example_report):
    shown = publish(example_report, 5)
    buf = StringIO()
    render.terminal(publish(example_report, None), Console(file=buf, width=80), "nb", 5)
    parser = _Text()
    parser.feed(render.to_html(shown, "nb"))
    texts = {"terminal": buf.getvalue(), "markdown": render.markdown(shown, "nb", "figurer"),
             "html": " ".join(parser.parts)}
    for fig in report_figures(shown, build(shown), "nb"):
        p = _Text()
        p.feed(fig.svg)
        texts[f"figure {fig.key}"] = " ".join(p.parts)
    for name, text in texts.items():
        assert _english_words(text) == [], name
    # and the list does catch English: the same report in English
    assert len(_english_words(render.markdown(shown, "en"))) > 10


def test_no_small_cell_visible_in_any_figure(example_report):
    """Suppression at 40 hides several units in every figure: each keeps its name and the
    suppression sign, never its value, mark or position."""
    shown = publish(example_report, 40)
    drawn = {f.key: f for f in report_figures(shown, build(shown), "nb")}
    hidden = shown.checks.filter(pl.col("suppressed"), pl.col("unit").is_not_null())
    cov_hidden = hidden.filter(pl.col("id") == "kompletthet.dekningsgrad")["unit"].to_list()
    assert cov_hidden  # the test would prove nothing otherwise
    svg = drawn["coverage"].svg
    for unit in cov_hidden:
        assert f"<title>{unit}</title>" in svg  # the name (public) is there …
        assert f"<title>{unit}: " not in svg  # … its figure is not
    assert svg.count("&lt;40") >= len(cov_hidden)
    # the funnel of dekningsgrad draws no mark for a hidden unit
    funnel = next((f for k, f in drawn.items() if k == "funnel-dekningsgrad"), None)
    if funnel is not None:
        for unit in cov_hidden:
            assert f"<title>{unit}: " not in funnel.svg
    # heat map: a hidden cell is grey with no value
    hm = shown.figures["heatmap"]
    cells = hm.filter(pl.col("suppressed"))
    assert cells.height
    for r in cells.head(20).iter_rows(named=True):
        assert f"<title>{r['unit_name']}, {r['variable']}: " not in drawn["heatmap"].svg
        assert f"<title>{r['unit_name']}, {r['variable']}</title>" in drawn["heatmap"].svg
    # no figure's numbers table lists a hidden unit's value
    for fig in drawn.values():
        for row in fig.table[1:]:
            if row[0] in cov_hidden and fig.key == "coverage":
                assert row[1] == "<40" and row[2] == "–"


def test_figures_show_the_graded_measure_and_the_specs_lines(published):
    drawn = {f.key: f for f in report_figures(published, build(published), "nb")}
    # one funnel plot for every funnel check that fails or warns
    failing = published.checks.filter(pl.col("definition") == "sammenlignbarhet.trakt",
                                       pl.col("unit").is_null(),
                                       pl.col("status").is_in(["fail", "warn"]))
    assert sorted(k for k in drawn if k.startswith("funnel-")) == sorted(
        "funnel-" + i.removeprefix("sammenlignbarhet.trakt.").replace(".", "-")
        for i in failing["id"].to_list())
    kog = drawn["funnel-kompletthet-KognitivSvikt"]
    # outliers labelled by unit name (never an organisation number), axis labels, ticks
    assert ">Haugesund</text>" in kog.svg and ">St. Olavs</text>" in kog.svg
    assert not re.search(r">\d{9}<", kog.svg)
    assert "Antall registreringer i enheten (n)" in kog.svg and "Andel (%)" in kog.svg
    assert ">90</text>" in kog.svg and ">80</text>" in kog.svg  # round ticks
    tim = drawn["timeliness"]
    assert "Harstad: 20,0\u202f%" in tim.svg and "median" not in tim.svg
    assert "advarsel under 80\u202f%" in tim.svg and "ikke bestått under 60\u202f%" in tim.svg
    cov = drawn["coverage"]
    assert "mål 80\u202f%" in cov.svg and "lav 60\u202f%" in cov.svg
    assert "Aleris Nesttun" in cov.alt and "Kristiansand 57,4\u202f%" in cov.alt


def test_html_in_chromium_at_1280_and_390_px_and_a4(tmp_path, published):
    """No sideways scroll, figure text ≥ 10 px, every figure with a text alternative, figures
    right after the summary; screenshots at both widths; printable on A4."""
    page_file = tmp_path / "report.html"
    page_file.write_text(render.to_html(published, "nb"), encoding="utf-8")
    with chromium() as b:
        for width in (1280, 390):
            page = open_page(b, page_file, width, tmp_path)
            info = page.evaluate("""() => {
              const fonts = [...document.querySelectorAll('svg text')].map(t =>
                parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a);
              const svgs = [...document.querySelectorAll('figure svg')];
              const fig = document.querySelector('#figurer').getBoundingClientRect().top + scrollY;
              return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                      fonts: fonts.length, minFont: Math.min(...fonts), svgs: svgs.length,
                      alts: svgs.filter(s => s.getAttribute('role') === 'img'
                        && s.querySelector('title').textContent.length > 20
                        && s.querySelector('desc').textContent.length > 20).length,
                      figuresAt: fig,
                      // tables wider than the box they sit in (at 1280 px there is room)
                      wideTables: [...document.querySelectorAll('table')].filter(t =>
                        t.getBoundingClientRect().width
                        > t.parentElement.getBoundingClientRect().width + 0.5).length,
                      anchors: [...document.querySelectorAll('nav a')].every(a =>
                        document.querySelector(a.getAttribute('href')) !== null),
                      // the summary's table of findings: a card per row on a phone
                      findings: (() => { const t = document.querySelector('table.stack');
                        const r = t.rows[1]; return {display: getComputedStyle(r).display,
                          width: t.getBoundingClientRect().width,
                          box: t.parentElement.getBoundingClientRect().width,
                          label: r.cells[0].getAttribute('data-label')}; })(),
                      legendRight: (() => { const s = document.querySelectorAll('figure svg')[2];
                        return Math.max(...[...s.querySelectorAll('text')].map(t =>
                          t.getBBox().x + t.getBBox().width)) - s.viewBox.baseVal.width; })()};
            }""")
            assert info["findings"]["label"] == "Dimensjon"
            assert info["legendRight"] <= 0, info["legendRight"]  # no text past the edge
            if width == 390:  # no table wider than the screen to scroll sideways
                assert info["findings"]["display"] == "block", info["findings"]
                assert info["findings"]["width"] <= info["findings"]["box"] + 0.5
            assert info["scroll"] <= info["inner"], (width, info)
            assert info["fonts"] > 100 and info["minFont"] >= 10, (width, info["minFont"])
            assert info["svgs"] >= 4 and info["alts"] == info["svgs"]
            assert info["anchors"]
            if width == 1280:  # figures right after the summary, not at the end
                assert info["figuresAt"] < 2500, info["figuresAt"]
                assert info["wideTables"] == 0, info["wideTables"]
            page.close()
        page = b.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
        page.goto(page_file.as_uri())
        page.emulate_media(media="print")
        assert page.evaluate("document.documentElement.scrollWidth") <= 794
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 5
    from PIL import Image

    for width in (1280, 390):
        with Image.open(tmp_path / f"shot-{width}.png") as image:
            assert image.size[0] == width


def test_figures_option_writes_svg_and_links_them(tmp_path):
    out = tmp_path / "kapittel.md"
    result = run("report", EXAMPLE / "dq.toml", "--format", "markdown", "-o", out,
                 "--figures", tmp_path / "figurer")
    assert result.exit_code == 1  # the example has failing checks
    svgs = sorted(p.name for p in (tmp_path / "figurer").glob("*.svg"))
    assert {"coverage.svg", "timeliness.svg", "heatmap.svg",
            "funnel-kompletthet-KognitivSvikt.svg"} <= set(svgs)
    text = out.read_text(encoding="utf-8")
    assert "](figurer/coverage.svg)" in text
    assert (tmp_path / "figurer" / "coverage.svg").read_text().startswith("<?xml")
    if figs.png("<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>") is not None:
        assert (tmp_path / "figurer" / "coverage.png").read_bytes()[:4] == b"\x89PNG"
    else:
        assert "SVG only" in result.stderr
    # no stray temporary files
    assert not [p for p in (tmp_path / "figurer").iterdir() if p.name.startswith(".")]


def test_figures_option_refuses_a_clash_and_writes_nothing(tmp_path):
    folder = tmp_path / "figurer"
    folder.mkdir()
    # the report itself named as one of the figure files: refused, nothing written
    result = run("report", EXAMPLE / "dq.toml", "--format", "markdown", "-o",
                 folder / "coverage.svg", "--figures", folder)
    assert result.exit_code == 2
    assert "er samme fil som --output" in result.stderr, result.stderr  # nb, dq's default
    assert list(folder.iterdir()) == []
    not_a_folder = tmp_path / "fil.txt"
    not_a_folder.write_text("x")
    result = run("report", EXAMPLE / "dq.toml", "--figures", not_a_folder)
    assert result.exit_code == 2
    deep = tmp_path / "mangler" / "figurer"  # a missing parent: refused in nb, dq's default
    result = run("report", EXAMPLE / "dq.toml", "--figures", deep)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"dq: feil: --figures {deep}: mappen {deep.parent} "
                                     "finnes ikke")
