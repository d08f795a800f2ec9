"""Cases session 8's review found and session 9 fixed: each failed before its fix."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dq.cli import app

runner = CliRunner()


def _registry(tmp_path):
    # 50 finished records at unit 4001; Y = 1 in 2 of them, and X (required when Y = 1)
    # missing in both: X's completeness is 0/2 nationally.
    rows = ["pid;enhet;Y;X"] + [f"{i};4001;{1 if i < 2 else 0};" for i in range(50)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nfiles = ["r.csv"]\nperson_id = "pid"\nunit = "enhet"\n'
                    '[variables.Y]\ntype = "categorical"\ncodes = [0, 1]\n'
                    '[variables.X]\ntype = "integer"\nmandatory = "Y = 1"\n'
                    '[completeness]\nwarn_below = 0.9\nfail_below = 0.8\n', encoding="utf-8")
    return spec


def test_report_applies_min_n_to_national_rows_as_completeness_does(tmp_path):
    spec = _registry(tmp_path)
    res = runner.invoke(app, ["report", str(spec), "-f", "json"])
    row = next(r for r in json.loads(res.stdout)["results"]
               if r["id"] == "kompletthet.variabel.X" and r["unit"] is None)
    assert (row["numerator"], row["denominator"], row["status"]) == (0, 2, "info")
    comp = runner.invoke(app, ["completeness", "--spec", str(spec), "-f", "json"])
    crow = next(r for r in json.loads(comp.stdout)["results"] if r["variable"] == "X")
    assert crow["status"] == "info"
    # regrade grades the same way
    stored = tmp_path / "r.json"
    stored.write_text(res.stdout, encoding="utf-8")
    again = runner.invoke(app, ["regrade", str(stored), "--spec", str(spec)])
    row = next(r for r in json.loads(again.stdout)["results"]
               if r["id"] == "kompletthet.variabel.X" and r["unit"] is None)
    assert row["status"] == "info"


def test_percent_agreement_interval_stays_within_0_and_1(tmp_path):
    # 20 cases, the raters agree on 1: pa = 0.05; Gwet's SE for two raters
    # sqrt(Σ(pa_i − pa)² / (n(n − 1))) = sqrt((0.95² + 19·0.05²) / 380) = 0.05;
    # t(0.975, 19) = 2.093024 → 0.05 ± 0.104651: the lower limit −0.0547 is capped at 0.
    rows = ["a;b", "1;1"] + [f"{1 + i % 3};{1 + (i + 1) % 3}" for i in range(19)]
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["reliability", str(tmp_path / "s.csv"), "--raters", "a,b",
                              "--level", "nominal", "-f", "json"])
    pa = next(r for r in json.loads(res.stdout)["results"]
              if r["statistic"] == "percent_agreement")
    assert pa["estimate"] == 0.05
    assert pa["ci_low"] == 0.0
    assert abs(pa["ci_high"] - (0.05 + 2.093024 * 0.05)) < 1e-6


def test_ordinal_text_codes_without_a_declared_order_are_flagged(tmp_path):
    pairs = [("lav", "lav"), ("middels", "høy"), ("høy", "høy"), ("lav", "middels")] * 5
    (tmp_path / "s.csv").write_text("a;b\n" + "".join(f"{x};{y}\n" for x, y in pairs),
                                    encoding="utf-8")

    def stderr(*extra):
        res = runner.invoke(app, ["reliability", str(tmp_path / "s.csv"), "--raters", "a,b",
                                  "--level", "ordinal", "--lang", "en", *extra])
        assert res.exit_code in (0, 1), res.stderr
        return res.stderr

    assert "the 3 codes are text with no declared order" in stderr()
    assert "no declared order" not in stderr("--categories", "lav,middels,høy")
    numbers = "".join(f"{x};{y}\n" for x, y in [(1, 1), (2, 3), (3, 3), (1, 2)] * 5)
    (tmp_path / "s.csv").write_text("a;b\n" + numbers, encoding="utf-8")
    assert "no declared order" not in stderr()


def test_no_variation_gives_no_zero_width_interval(tmp_path):
    # b is always a + 1: the differences have SD 0, so every Bland–Altman figure and ICC(3,·)
    # (consistency) would get an interval of width 0 — none is given, and the note says why.
    (tmp_path / "s.csv").write_text("a;b\n" + "".join(f"{x};{x + 1}\n" for x in range(10, 30)),
                                    encoding="utf-8")
    res = runner.invoke(app, ["reliability", str(tmp_path / "s.csv"), "--raters", "a,b",
                              "--level", "ratio", "-f", "json"])
    rows = {r["statistic"]: r for r in json.loads(res.stdout)["results"]}
    bias = rows["bland_altman_bias"]
    assert (bias["estimate"], bias["se"], bias["ci_low"], bias["ci_high"]) == (-1.0, 0.0, None,
                                                                               None)
    assert "no variation between the ratings" in bias["note"]
    assert rows["icc_3_k"]["ci_low"] is None and rows["icc_3_k"]["se"] == 0.0
    # ICC(1,1) sees the constant shift as disagreement: a real interval, untouched
    assert 0.96 < rows["icc_1_1"]["ci_low"] < rows["icc_1_1"]["ci_high"] < 1


def test_completeness_markdown_hides_small_cells_like_every_published_format(tmp_path):
    # 4001: 60 records (53 with alder); 4002: 3 records; 4003: 40 (32 with alder).
    rows = ["pid;enhet;alder"] + [f"a{i};4001;{'' if i % 9 == 0 else 50}" for i in range(60)] \
        + [f"b{i};4002;60" for i in range(3)] \
        + [f"c{i};4003;{'' if i % 5 == 0 else 70}" for i in range(40)]
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = tmp_path / "dq.toml"
    spec.write_text('[dataset]\nfiles = ["s.csv"]\nunit = "enhet"\nperson_id = "pid"\n',
                    encoding="utf-8")

    def run(*extra):
        res = runner.invoke(app, ["completeness", "--spec", str(spec), "--by", "unit", "--lang",
                                  "en", *extra])
        assert res.exit_code == 0, res.stderr
        return res.stdout

    md = run("-f", "markdown")  # suppression on by default in Markdown
    line = next(x for x in md.splitlines() if x.startswith("| alder | 4002"))
    assert "&lt;5" in line and "100,0" not in line and "100.0" not in line
    # 4002 alone hidden would be the national 103 less 60 and 40: 4003 (the smallest other) is
    # hidden too
    line = next(x for x in md.splitlines() if x.startswith("| alder | 4003"))
    assert line == "| alder | 4003 | : | : | : | : | : | : | : | : | pass |"
    assert "| alder | National | 103 | 88 |" in md
    assert "Counts from 1 to 4" in md
    doc = json.loads(run("-f", "json", "--suppress", "5"))
    hidden = {r["unit"] for r in doc["results"] if r["variable"] == "alder" and r["suppressed"]}
    assert hidden == {"4002", "4003"}
    assert doc["suppression"].startswith("Counts from 1 to 4")
    assert "&lt;5" not in run("-f", "markdown", "--suppress", "0")
    table = run("--suppress", "5")
    assert "<5/<5" in table


def test_perfect_agreement_gets_the_wilson_interval_of_its_cases(tmp_path):
    # 20 of 20 cases agree: percent agreement 1 with Wilson's 95 % interval 0.8389–1
    # (z = 1.96: (20 + 1.92 − 1.96·√(0 + 0.96)) / (20 + 3.84) = 0.83887); κ, AC1 and α get
    # none, and no interval of width 0 (κ's formula gave 0.99999999–1).
    (tmp_path / "s.csv").write_text("a;b\n" + "".join(f"{x % 3};{x % 3}\n" for x in range(20)),
                                    encoding="utf-8")
    res = runner.invoke(app, ["reliability", str(tmp_path / "s.csv"), "--raters", "a,b",
                              "--level", "nominal", "-f", "json"])
    rows = {r["statistic"]: r for r in json.loads(res.stdout)["results"]}
    pa = rows["percent_agreement"]
    assert abs(pa["ci_low"] - 0.83887) < 1e-5 and pa["ci_high"] == 1.0
    assert pa["ci_method"].startswith("Wilson")
    for stat in ("cohen_kappa", "gwet_ac1", "krippendorff_alpha"):
        assert rows[stat]["estimate"] == 1.0 and rows[stat]["ci_low"] is None


def test_correctness_binary_shares_carry_their_counts_and_intervals():
    from tests.test_report import EXAMPLE

    args = ["correctness", str(EXAMPLE / "validering.csv"), "--spec", str(EXAMPLE / "dq.toml"),
            "--lang", "nb", "--width", "200"]
    out = runner.invoke(app, args).stdout.replace("\u202f", " ")
    # Komplikasjon: tp 5, fn 6, tn 69, fp 0 in the example's study; Wilson intervals
    assert ("Komplikasjon: sensitivitet 5/11 = 45,5 % (21,3–72,0), spesifisitet 69/69 = "
            "100,0 % (94,7–100,0), PPV 5/5 = 100,0 % (56,6–100,0), NPV 69/75 = 92,0 % "
            "(83,6–96,3)") in out
    md = runner.invoke(app, [*args, "-f", "markdown"]).stdout.replace("\u202f", " ")
    assert "| 5/11 = 45,5 % (21,3–72,0) | 69/69 = 100,0 % (94,7–100,0) |" in md


def test_one_range_style_everywhere():
    from dq.render.numbers import ci, interval, span

    assert ci(0.89, 0.908, "nb") == "89,0–90,8"
    # a dash between signed numbers reads as another minus: "til" / "to" then
    assert ci(-0.0734, -0.0411, "nb") == "−7,3 til −4,1"
    assert ci(-0.17, 0.46, "nb", as_pct=False) == "−0,17 til 0,46"
    assert ci(-0.17, 0.46, "en", as_pct=False) == "-0.17 to 0.46"
    assert span("+2,1", "+5,0", "nb") == "+2,1 til +5,0"
    assert interval(291, 410, "nb") == "291–410"


def test_reliability_table_fits_80_columns():
    """The example's study at 80 columns: a table (it fell back to a 330-line list), no line
    wider than the console, and the κ paradox said once per variable, not on stderr too."""
    from tests.test_report import EXAMPLE

    res = runner.invoke(app, ["reliability", "--spec", str(EXAMPLE / "dq.toml"), "--lang", "nb",
                              "--width", "80"])
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and len(lines) < 170
    assert any(line.startswith("  BA: nedre grense") for line in lines)
    assert res.stdout.count("Antibiotika: ") == 1 and "κ-paradokset" not in res.stderr
    js = runner.invoke(app, ["reliability", "--spec", str(EXAMPLE / "dq.toml"), "-f", "json"])
    assert js.stderr.count("κ-paradokset") == 2  # Antibiotika and Komplikasjon, once each


def test_junit_messages_in_the_report_language(tmp_path):
    from xml.etree import ElementTree as ET

    from tests.test_report import EXAMPLE

    for lang, words in (("nb", ("terskel", "Datorekkefølge")), ("en", ("threshold", "Date order"))):
        out = tmp_path / f"{lang}.xml"
        runner.invoke(app, ["report", str(EXAMPLE / "dq.toml"), "-f", "json", "-o",
                            str(tmp_path / f"{lang}.json"), "--junit", str(out), "--lang", lang])
        root = ET.parse(out).getroot()
        messages = [f.get("message") for f in root.iter("failure")]
        assert messages and all(words[0] in m for m in messages), messages[:2]
        assert any(m.startswith(words[1]) for m in messages)
        # the case names are the checks' ids in every language (a CI tool tracks them by name)
        assert any(c.get("name") == "korrekthet.datoer.2" for c in root.iter("testcase"))


def test_a_measurement_read_as_categories_is_refused_not_computed(tmp_path):
    # 1,200 cases of a continuous value, nominal level: 1,200+ categories (> 1,000) — no q × q
    # matrices of that size (12,000 categories took 5.6 GB), a warning naming the fix instead.
    rows = ["case;rater;v"] + [f"{c};r{r};{c * 1.5 + r * 0.001:.3f}" for c in range(1200)
                               for r in range(2)]
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["reliability", str(tmp_path / "s.csv"), "--case-column", "case",
                              "--rater-column", "rater", "--level", "nominal", "-f", "json",
                              "--lang", "en"])
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)["results"]
    assert rows and all(r["estimate"] is None for r in rows)
    assert "2,400 distinct values, but at most 1,000 categories" in res.stderr
    assert "--level interval or ratio" in res.stderr


def test_a_study_carries_the_period_its_spec_gives(tmp_path):
    import shutil

    from tests.test_report import EXAMPLE

    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex)
    res = runner.invoke(app, ["report", str(ex / "dq.toml"), "-f", "json"])
    rows = [r for r in json.loads(res.stdout)["results"]
            if r["id"].startswith(("reliabilitet.", "korrekthet.validering.", "korrekthet.pas"))]
    assert rows and {r["period"] for r in rows} == {"2019–2023"}
    assert "period" not in res.stderr
    # without it: no period, and a warning saying how to give it
    text = (ex / "dq.toml").read_text(encoding="utf-8")
    (ex / "dq.toml").write_text(text.replace('period = "2019–2023"', ""), encoding="utf-8")
    res = runner.invoke(app, ["report", str(ex / "dq.toml"), "-f", "json", "--lang", "en"])
    rows = [r for r in json.loads(res.stdout)["results"] if r["id"].startswith("reliabilitet.")]
    assert {r["period"] for r in rows} == {None}
    assert "[reliability] does not say which years" in res.stderr
    assert "[correctness] does not say which years" in res.stderr
    # a period that is no year or span of years is refused by key
    (ex / "dq.toml").write_text(text.replace('period = "2019–2023"', 'period = "siste år"', 1),
                                encoding="utf-8")
    res = runner.invoke(app, ["report", str(ex / "dq.toml"), "--lang", "en"])
    assert res.exit_code == 2 and "[reliability] period: expected a year" in res.stderr


def test_breakdown_counts_of_a_shown_row_are_suppressed_too():
    """The national rows are shown (7/3 928, 3 918/3 928), but their side figures broke the
    counts down into cells of 2 and 4 records: those are '<5', and the smallest other non-zero
    count of the same breakdown ':' so that the shown total does not give them back."""
    from tests.test_report import EXAMPLE

    def rows(*extra):
        res = runner.invoke(app, ["report", str(EXAMPLE / "dq.toml"), "-f", "json", *extra])
        return {r["id"]: r for r in json.loads(res.stdout)["results"] if r["unit"] is None}

    shown = rows("--suppress", "5")
    fnr = shown["korrekthet.fodselsnummer"]
    assert (fnr["numerator"], fnr["denominator"]) == (7, 3928)
    assert fnr["values"]["classes"]["ugyldig_format"] == "<5"
    assert fnr["values"]["classes"]["ugyldig_kontrollsiffer"] == ":"
    assert fnr["values"]["classes"]["syntetisk"] == 3921
    assert fnr["figure"] == "synthetic 3,921, invalid format <5, invalid check digit :"
    alder = shown["kompletthet.variabel.Alder"]["values"]
    assert (alder["missing"], alder["unknown"], alder["invalid"]) == (0, "<5", ":")
    whole = rows("--suppress", "0")["korrekthet.fodselsnummer"]["values"]["classes"]
    assert (whole["ugyldig_format"], whole["ugyldig_kontrollsiffer"]) == (2, 5)


def test_a_reader_that_stops_mid_stream_leaves_no_file(tmp_path):
    """``dq report … -f json --junit j.xml | head -c 10``: the first 64 KiB went into the pipe,
    the buffered stream took the cut-short write as done, and dq wrote j.xml and exited 1."""
    import subprocess
    import sys

    from tests.test_report import EXAMPLE

    junit = tmp_path / "j.xml"
    cmd = (f"{sys.executable} -m dq report {EXAMPLE / 'dq.toml'} -f json --junit {junit} "
           f"2>{tmp_path / 'err'} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}")
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "141"
    assert not junit.exists()


def test_a_checks_entry_that_matches_no_check_is_named(tmp_path):
    import shutil

    from tests.test_report import EXAMPLE

    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex)
    with (ex / "dq.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[checks."kompletthet.variabel.ASAA"]\nwarn_below = 0.5\n'
                 '[checks."korrekthet.datoer"]\nwarn_above = 0.1\n')
    res = runner.invoke(app, ["report", str(ex / "dq.toml"), "-f", "json", "--lang", "en"])
    assert ('[checks."kompletthet.variabel.ASAA"] matches no check of this run and sets no '
            "threshold; did you mean 'kompletthet.variabel.ASA'?") in res.stderr
    assert "korrekthet.datoer\"] matches" not in res.stderr  # a prefix of real ids: in use


def test_english_percent_stays_with_its_number_when_wrapped():
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    from dq.render.terminal import print_table, say

    text = "Record-level completeness (all mandatory variables valid): 13,190/19,610 = 67.3 % (95"
    for width in range(60, 90):
        buf = StringIO()
        console = Console(file=buf, width=width, no_color=True, highlight=False)
        say(console, text)
        print_table(console, [("Name", "left"), ("Share", "left")],
                    [[Text("x" * (width - 8)), "a 67.3 % b"]])
        out = buf.getvalue()
        assert not any(line.lstrip().startswith("%") for line in out.splitlines()), (width, out)
        assert "67.3 %" in out.replace("\n", " ")


def test_capture_recapture_gives_no_zero_width_interval():
    from dq import capture

    # every event in both sources: N̂ = 200 with variance 0 — the limits were [200, 200]
    whole = capture.chapman(0, 0, 200)
    assert whole["chapman_n"] == 200 and whole["chapman_var"] == 0
    assert whole["chapman_ci_low"] is None and whole["chapman_ci_high"] is None
    assert whole["registry_completeness"] == 1 and whole["registry_completeness_ci_low"] is None
    # a = 10, b = 20, m = 100: N̂ = 111·121/101 − 1 = 131.98; a real interval, untouched
    some = capture.chapman(10, 20, 100)
    assert abs(some["chapman_n"] - (111 * 121 / 101 - 1)) < 1e-9
    assert some["chapman_ci_low"] < some["chapman_n"] < some["chapman_ci_high"]


def test_reference_events_without_a_unit_count_nationally_not_as_a_unit(tmp_path):
    # the registry: 200 events at 4001; NPR: 210 at 4001 and 15 with no unit
    rows = ["person_id;unit;event_date"] + [f"{i};4001;2023-03-01" for i in range(200)]
    (tmp_path / "reg.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "agg.csv").write_text("unit;year;n\n4001;2023;210\n;2023;15\n", encoding="utf-8")
    res = runner.invoke(app, ["coverage", str(tmp_path / "reg.csv"), "--reference",
                              str(tmp_path / "agg.csv"), "-f", "json", "--lang", "en"])
    doc = json.loads(res.stdout)
    nat = {r["scope"]: r for r in doc["national"]}
    assert (nat["all_units"]["n_registry"], nat["all_units"]["n_reference"]) == (200, 225)
    assert nat["all_units"]["units"] == 1  # the 15 events are no unit
    til = next(r for r in doc["tilslutning"] if r["rhf"] == "National")
    assert (til["units_reporting"], til["units_in_reference"]) == (1, 1)  # was 1 of 2
    assert doc["not_reporting"] == []
    missing = next(r for r in doc["results"] if r.get("unit") == "(missing)")
    assert missing["status"] == "info"
    assert "15 reference events have no unit" in res.stderr
