"""No patient value in anything dq writes (domain.md "Privacy", README "Privacy", issue 9).

tests/privacy_corpus.py builds a copy of examples/hoftebrudd with a fødselsnummer (one that only
looks valid, one with correct control digits, one per planting site), a name, a phone number and a
person-id-like token planted as invalid values in every kind of column of the export, the
follow-up export, the NPR references, the inter-rater and the validation study (unit columns
included: see privacy_corpus.py for why), plus files that must be refused with those markers in
the failing values, and an export whose column name carries control bytes.

Every command runs in every format it has, plainly and as a GitHub Actions step (annotations, the
step summary); `dq report` once per format (it is the slow one), always with --junit. Searched, per
run: stdout, stderr, what reached file descriptors 1 and 2 directly, every file the run wrote
(output, JUnit, step summary) and anything left in the temp directory — for every marker as
written, case-insensitively for the name, and with digit groups closed up (a number shown as
"1 017 012 345"); and for raw control bytes. One test per run; it fails naming the command, the
channel, the marker (with the site it was planted at, where known) and the line, the markers masked
as <FNR>, <NAME>, <PHONE>, <PID> so that the test log does not leak them either. Good runs must exit
0 or 1 and show a figure of the data (so a run that stopped early proves nothing); bad input must
exit 2 or 3; never 4, never a traceback.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq.cli import app
from tests.privacy_corpus import CONTROL, CONTROL_NAME, Corpus, build, excerpt, find, mask

GOOD = frozenset({0, 1})
BAD = frozenset({2, 3})
# A value a condition cannot read as its declared type is to be counted as invalid and reported
# (issue 9), so a run over such a file may also finish; what matters is that it neither crashes
# nor quotes the value.
CAST = frozenset({0, 1, 2, 3})


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]          # {root}: the corpus, {out}: this run's folder, {outs}: all
    gha: bool = False              # run as a GitHub Actions step
    expect: frozenset[int] = GOOD
    mention: str | None = None     # good runs: the output must show this (data were read)
    needs: tuple[str, ...] = ()    # cases whose outputs this one reads

    @property
    def command(self) -> str:
        return "dq " + " ".join(self.args)


def _formats(cmd: str, fmts: tuple[str, ...], args: tuple[str, ...], mention: str, *,
             table: str, gha_args: tuple[str, ...] = (), prefix: str | None = None,
             both: bool = True, all_rows: tuple[str, ...] = ()) -> list[Case]:
    """One case per format as a GitHub Actions step (``-gha``: annotations, step summary) and,
    with ``both``, one without. The table goes to stdout (a CI log), other formats to -o; the
    plain table shows every row (``all_rows``: the option for that), the CI one the default."""
    ext = {"json": "json", "csv": "csv", "markdown": "md", "html": "html"}
    out: list[Case] = []
    for fmt in fmts:
        name = f"{prefix or cmd}-{fmt}"
        fmt_args = ("-f", fmt, *(("--width", "250") if fmt == table else
                                 ("-o", f"{{out}}/out.{ext[fmt]}")))
        if both or fmt == table:
            rows = all_rows if fmt == table else ()
            out.append(Case(name, (cmd, *args, *fmt_args, *rows), mention=mention))
        out.append(Case(f"{name}-gha", (cmd, *args, *fmt_args, *gha_args), gha=True,
                        mention=mention))
    return out


SPEC = "{root}/dq.toml"
TABLE_FMTS = ("table", "json", "csv", "markdown")
BEFORE = "{outs}/report-json/out.json"
AFTER = "{outs}/report-followup/out.json"
JUNIT = ("--junit", "{out}/junit.xml")

CASES: list[Case] = [
    # dq report, once per format (it is the slow one), always with --junit: the terminal plainly
    # and in a CI log, the others as a GitHub Actions step; JSON also plainly (compare reads it)
    Case("report-terminal", ("report", SPEC, *JUNIT, "--width", "250"), mention="ASA"),
    Case("report-terminal-gha", ("report", SPEC, *JUNIT, "--lang", "en"), gha=True,
         mention="ASA"),
    Case("report-json", ("report", SPEC, *JUNIT, "-f", "json", "-o", "{out}/out.json"),
         mention="ASA"),
    Case("report-markdown-gha", ("report", SPEC, *JUNIT, "-f", "markdown", "-o", "{out}/out.md"),
         gha=True, mention="ASA"),
    Case("report-html-gha", ("report", SPEC, *JUNIT, "-f", "html", "-o", "{out}/out.html",
                             "--lang", "en"), gha=True, mention="ASA"),
    Case("report-followup", ("report", SPEC, "--data", "{root}/hoftebrudd_oppfolging.csv",
                             "-f", "json", "-o", "{out}/out.json"), mention="ASA"),
    # the condition columns (SkjemaStatus, Komplikasjon) hold markers
    Case("report-conditions-gha", ("report", SPEC, "--data", "{root}/hoftebrudd_betingelser.csv",
                                   *JUNIT, "-f", "markdown", "-o", "{out}/out.md", "--lang", "en"),
         gha=True, mention="ASA"),
    # dq compare: the example and its follow-up; dq regrade
    *[Case(c.id, c.args, c.gha, c.expect, c.mention, needs=("report-json", "report-followup"))
      for c in _formats("compare", ("table", "json", "markdown", "html"),
                        (BEFORE, AFTER), "Komplikasjonstype", table="table",
                        all_rows=("--top", "5000"),
                        gha_args=("--lang", "en", "--fail-on-regression"))],
    Case("regrade", ("regrade", BEFORE, "--spec", SPEC, "-o", "{out}/out.json"),
         mention="kompletthet.variabel.ASA", needs=("report-json",)),
    Case("regrade-gha", ("regrade", AFTER, "--spec", SPEC, "--strict"), gha=True,
         mention="kompletthet.variabel.ASA", needs=("report-followup",)),
    # dq completeness: with the spec, without it, the export with control bytes in a column name
    *_formats("completeness", TABLE_FMTS, ("--spec", SPEC, "--by", "unit"), "Komplikasjonstype",
              table="table", all_rows=("--top", "5000")),
    Case("completeness-conditions", ("completeness", "{root}/hoftebrudd_betingelser.csv",
                                     "--spec", SPEC, "--by", "unit", "-f", "json"),
         mention="Komplikasjonstype"),
    *_formats("completeness", TABLE_FMTS, ("{root}/hoftebrudd.csv",), "Kommentar",
              table="table", prefix="completeness-nospec"),
    *_formats("completeness", TABLE_FMTS, ("{root}/kontroll.csv", "--min-n", "1"), "Verdi",
              table="table", prefix="completeness-control"),
    # dq coverage: aggregate and linkage
    *_formats("coverage", TABLE_FMTS, ("--spec", SPEC, "--by", "unit,year"), "Kristiansand",
              table="table", all_rows=("--top", "5000")),
    *_formats("coverage", TABLE_FMTS, ("--spec", SPEC, "--mode", "linkage", "--reference",
                                       "{root}/npr_personer.csv"), "Kristiansand",
              table="table", prefix="coverage-linkage", all_rows=("--top", "5000")),
    # dq reliability and dq correctness
    *_formats("reliability", TABLE_FMTS, ("--spec", SPEC), "Bruddtype", table="table",
              both=False),
    *_formats("correctness", TABLE_FMTS, ("--spec", SPEC, "--by", "unit"), "Komplikasjon",
              table="table"),
    # Bad input with markers in the failing values: refused in one line, values not quoted.
    Case("bad-cast-completeness", ("completeness", "{root}/bad_cast.csv", "--spec", SPEC),
         expect=CAST),
    Case("bad-cast-completeness-gha", ("completeness", "{root}/bad_cast.csv", "--spec", SPEC,
                                       "-f", "json"), gha=True, expect=CAST),
    Case("bad-cast-report-gha", ("report", SPEC, "--data", "{root}/bad_cast.csv", "-f", "json",
                                 "-o", "{out}/out.json", "--junit", "{out}/junit.xml"),
         gha=True, expect=CAST),
    Case("bad-cast-plain-spec", ("completeness", "--spec", "{root}/bad_cast.toml"), expect=CAST),
    Case("bad-cast-plain-spec-report-gha", ("report", "{root}/bad_cast.toml", "-f", "json", "-o",
                                            "{out}/out.json"), gha=True, expect=CAST),
    Case("bad-cast-coverage", ("coverage", "{root}/bad_cast.csv", "--spec", SPEC, "-f", "json"),
         expect=CAST),
    Case("bad-quote-completeness", ("completeness", "{root}/bad_quote.csv"), expect=BAD),
    Case("bad-quote-completeness-spec-gha", ("completeness", "{root}/bad_quote.csv", "--spec",
                                             SPEC, "-f", "json"), gha=True, expect=BAD),
    Case("bad-quote-report-gha", ("report", SPEC, "--data", "{root}/bad_quote.csv", "-f",
                                  "markdown", "-o", "{out}/out.md"), gha=True, expect=BAD),
    Case("bad-headless-completeness", ("completeness", "{root}/bad_headless.csv", "--spec", SPEC),
         expect=BAD),
    Case("bad-headless-completeness-gha", ("completeness", "{root}/bad_headless.csv", "--spec",
                                           SPEC, "-f", "json"), gha=True, expect=BAD),
    Case("bad-headless-report-gha", ("report", SPEC, "--data", "{root}/bad_headless.csv", "-f",
                                     "json", "-o", "{out}/out.json"), gha=True, expect=BAD),
    Case("bad-headless-unique-completeness", ("completeness", "{root}/bad_headless_unique.csv",
                                              "--spec", SPEC), expect=BAD),
    Case("bad-headless-unique-report-gha", ("report", SPEC, "--data",
                                            "{root}/bad_headless_unique.csv", "-f", "markdown",
                                            "-o", "{out}/out.md"), gha=True, expect=BAD),
    Case("bad-headless-coverage", ("coverage", "{root}/bad_headless.csv", "--spec", SPEC),
         expect=BAD),
    Case("bad-column-completeness", ("completeness", "--spec", "{root}/bad_column.toml"),
         expect=BAD),
    Case("bad-column-report-gha", ("report", "{root}/bad_column.toml", "-f", "json", "-o",
                                   "{out}/out.json"), gha=True, expect=BAD),
    # the spec's columns are missing from the export whose column name carries control bytes:
    # the error names the columns found, escaped
    Case("bad-control-columns-gha", ("completeness", "{root}/kontroll.csv", "--spec", SPEC),
         gha=True, expect=BAD),
    Case("bad-npr-coverage", ("coverage", "--spec", SPEC, "--reference", "{root}/bad_npr.csv"),
         expect=BAD),
    Case("bad-npr-coverage-gha", ("coverage", "--spec", SPEC, "--reference",
                                  "{root}/bad_npr.csv", "-f", "markdown"), gha=True, expect=BAD),
]
BY_ID = {c.id: c for c in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"


@dataclass
class Ran:
    case: Case
    exit_code: int
    exception: BaseException | None
    channels: dict[str, str] = field(default_factory=dict)   # channel -> text written


class Runs:
    """Runs each case once (its prerequisites first), in-process, and keeps what it wrote."""

    def __init__(self, corpus: Corpus, tmp: Path) -> None:
        self.corpus = corpus
        self.tmp = tmp
        self.done: dict[str, Ran] = {}

    def get(self, case_id: str) -> Ran:
        if case_id not in self.done:
            case = BY_ID[case_id]
            for need in case.needs:
                self.get(need)
            self.done[case_id] = self._run(case)
        return self.done[case_id]

    def _run(self, case: Case) -> Ran:
        outs = self.corpus.root / "out"
        out = outs / case.id
        out.mkdir(parents=True)
        args = [a.format(root=self.corpus.root, out=out, outs=outs) for a in case.args]
        summary = out / "step_summary.md"
        if case.gha:
            summary.write_text("", encoding="utf-8")
            env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "CI": "true"}
        else:
            env = {"GITHUB_ACTIONS": None, "GITHUB_STEP_SUMMARY": None, "CI": None}
        env |= {"COLUMNS": None, "DQ_DEBUG": None}
        before = set(self.tmp.rglob("*"))
        with _native_output(self.corpus.root.parent) as native:
            result = CliRunner().invoke(app, args, env=env)
        ran = Ran(case, result.exit_code, result.exception,
                  {"stdout": result.stdout, "stderr": result.stderr, **native})
        for path in sorted(out.rglob("*")):
            if path.is_file():
                ran.channels[f"file {path.name}"] = path.read_bytes().decode("utf-8", "replace")
        for path in sorted(set(self.tmp.rglob("*")) - before):
            if path.is_file():
                ran.channels[f"temp file {path.name}"] = \
                    path.read_bytes().decode("utf-8", "replace")
        return ran


@contextmanager
def _native_output(folder: Path) -> Iterator[dict[str, str]]:
    """What is written to file descriptors 1 and 2 directly (the data engine's native code, a
    panic message), which the in-process runner does not see."""
    got: dict[str, str] = {}
    with tempfile.TemporaryFile(dir=folder) as out, tempfile.TemporaryFile(dir=folder) as err:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            yield got
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            for name, fh in (("native fd 1", out), ("native fd 2", err)):
                fh.seek(0)
                text = fh.read().decode("utf-8", "replace")
                if text:
                    got[name] = text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("privacy") / "register")


@pytest.fixture(scope="module")
def runs(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Temporary files dq makes go to a folder of ours, so that leftovers are searched too."""
    tmp = tmp_path_factory.mktemp("tempdir")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(tmp))
        yield Runs(corpus, tmp)


def test_corpus_is_planted(corpus: Corpus) -> None:
    """The search must be able to fail: every marker is in the files dq reads, and found there."""
    needles = corpus.needles()
    assert len(corpus.sites) >= 50 and sum(corpus.planted.values()) >= 350
    texts = {p.name: p.read_text(encoding="utf-8-sig") for p in corpus.root.glob("*.csv")}
    found = {name: find(needles, text) for name, text in texts.items()}
    for site, fnr in corpus.sites.items():
        name = site.split(":")[0]
        kinds = {n.kind for n, _ in found[name] if not n.site or n.site == site}
        assert fnr in texts[name] and kinds == {"FNR", "NAME", "PHONE", "PID"}, site
        assert any(n.site == site for n, _ in found[name]), site
    assert CONTROL_NAME in texts["kontroll.csv"] and CONTROL.search(texts["kontroll.csv"])
    assert find(needles, "x 010170 12345 y") and find(needles, "KARI NORDMANNSEN")
    assert find(needles, "1 017 012 345")  # a number read from the fnr, digits grouped
    assert not find(needles, "ASA 0.95 (0.93–0.97) 4 871 / 5 001 974749025 Kristiansand")


def _distinct(lines: list[str], kind: str, site: str, most: int = 3) -> list[str]:
    """Up to ``most`` example lines that differ in what precedes the marker (so a second kind
    of leak in the same channel is shown, not a hundred rows of the first)."""
    token = f"<{kind}@{site}>" if site else f"<{kind}"
    seen: dict[str, str] = {}
    for line in lines:
        before = line[:max(line.find(token), 0)]
        key = re.sub(r"[\d\s.,%–-]+", "", before[-40:])
        seen.setdefault(key, line)
    return list(seen.values())[:most]


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_nothing_leaks(case_id: str, runs: Runs, corpus: Corpus) -> None:
    ran = runs.get(case_id)
    case = ran.case
    needles = corpus.needles()
    problems: list[str] = []
    crashed = ran.exception is not None and not isinstance(ran.exception, SystemExit)
    stderr = ran.channels["stderr"].strip()
    said = mask(needles, stderr.splitlines()[0][:300]) if stderr else "(nothing on stderr)"
    if crashed or ran.exit_code == 4 or "Traceback" in stderr:
        kind = f", {type(ran.exception).__name__} raised" if crashed else ""
        problems.append(f"crashed (exit {ran.exit_code}{kind}): {said}")
    elif ran.exit_code not in case.expect:
        problems.append(f"exit code {ran.exit_code}, expected one of {sorted(case.expect)}: {said}")
    elif case.mention is not None:
        written = "".join(t for ch, t in ran.channels.items() if ch != "stderr")
        if case.mention not in written:
            problems.append(f"the output does not mention {case.mention!r}: nothing was checked")
    for channel, text in ran.channels.items():
        leaks: dict[tuple[str, str], list[str]] = {}
        for needle, line in find(needles, text):
            leaks.setdefault((needle.kind, needle.site), []).append(excerpt(needles, needle, line))
        for (kind, site), lines in sorted(leaks.items()):
            where = f" (planted at {site})" if site else ""
            shown = _distinct(lines, kind, site)
            more = f" [{len(lines)} lines]" if len(lines) > 1 else ""
            problems.append(f"{kind}{where} in {channel}{more}: " + "\n      ".join(shown))
        raw = list(CONTROL.finditer(text))
        if raw:
            at = raw[0].start()
            start = max(text.rfind("\n", 0, at) + 1, at - 80)
            end = min(text.find("\n", at) % (len(text) + 1), at + 80)
            chars = ", ".join(sorted({f"U+{ord(m.group()):04X}" for m in raw}))
            problems.append(f"raw control characters ({chars}) in {channel}: "
                            f"{mask(needles, text[start:end])}")
    assert not problems, f"{case.command}{'  [GITHUB_ACTIONS]' if case.gha else ''}\n  " + \
        "\n  ".join(problems)
