"""Outputs are safe on the user's files: --output/--junit/GITHUB_STEP_SUMMARY never overwrite an
input, each other, a device or a directory; every output is written whole or not at all; temporary
files are private and removed on SIGTERM/SIGINT; CSV cells cannot run as formulas; stderr never
carries control bytes or engine text (dq.outputs, dq.cli._common, dq.render.tabular)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from dq.errors import ConfigError
from tests.conftest import EXAMPLE, ROOT, run, write_text
from tests.test_stderr_lang import english_in

# The example registry, minus the two large files no test here reads.
_SKIP = ("hoftebrudd_oppfolging.csv", "npr_personer.csv")


@pytest.fixture
def ex(tmp_path: Path) -> Path:
    """A private copy of examples/hoftebrudd: a bug here must never damage the repository."""
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(*_SKIP))
    return folder


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every entry of a folder: content hash (or link target), mtime, mode."""
    out = {}
    for p in sorted(folder.iterdir()):
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            out[p.name] = ("link:" + os.readlink(p), 0, st.st_mode)
        elif stat.S_ISREG(st.st_mode):
            out[p.name] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_mode)
        else:
            out[p.name] = ("other", st.st_mtime_ns, st.st_mode)
    return out


def one_error(result, code: int, *needles: str, lang: str = "en") -> str:  # noqa: ANN001
    """The one error line, in ``lang`` (a command run with --lang en, or nb: dq's default)."""
    assert result.exit_code == code, (result.exit_code, result.stderr, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith({"en": "dq: error: ", "nb": "dq: feil: "}[lang]), lines[0]
    if lang == "nb":
        assert english_in(lines[0].removeprefix("dq: feil: ")) == [], lines[0]
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def small_data(folder: Path) -> Path:
    return write_text(folder / "d.csv", "a;b\n1;x\n2;y\n3;\n4;z\n5;w\n6;v\n")


def small_report_spec(folder: Path) -> Path:
    small_data(folder)
    return write_text(folder / "dq.toml", '[dataset]\nfiles = ["d.csv"]\n')


def read_only(folder: Path) -> bool:
    """Make ``folder`` read-only (chmod; for root also chattr +i). False when the environment
    cannot (then the caller skips)."""
    folder.chmod(0o555)
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    try:
        (folder / ".probe").touch()
    except OSError:
        return True
    (folder / ".probe").unlink()
    return False


def writable_again(folder: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
    folder.chmod(0o755)


# ------------------------------------------------------------------ clashes: exit 2, nothing touched


@pytest.mark.parametrize("target, needle, norsk", [
    ("hoftebrudd.csv", "--output hoftebrudd.csv is the export this command reads",
     "--output hoftebrudd.csv er uttrekket som denne kommandoen leser; velg en annen fil"),
    ("dq.toml", "--output dq.toml is the spec this command reads",
     "--output dq.toml er spesifikasjonen som denne kommandoen leser"),
    ("kodebok.csv", "is the codebook this command reads", "er kodeboken som denne kommandoen"),
    ("enheter.csv", "is the unit table this command reads",
     "er enhetstabellen som denne kommandoen leser"),
    ("npr_aggregat.csv", "is a coverage reference named in dq.toml",
     "er en dekningsgradsreferanse som er oppgitt i dq.toml"),
    ("interrater.csv", "is the reliability study named in dq.toml",
     "er reliabilitetsstudien som er oppgitt i dq.toml"),
    ("link.csv", "the export this command reads (hoftebrudd.csv, through a link)",
     "er uttrekket som denne kommandoen leser (hoftebrudd.csv, via en lenke)"),
    ("hard.csv", "the export this command reads", "er uttrekket som denne kommandoen leser"),
    ("sub", "is a directory", "--output sub er en mappe; oppgi en fil"),
    ("missing/out.csv", "the folder missing does not exist",
     "--output missing/out.csv: mappen missing finnes ikke"),
    # the OS's reason (ENOTDIR) in the catalogue's words in either language
    ("hoftebrudd.csv/out.csv", "--output hoftebrudd.csv/out.csv: Not a directory",
     "--output hoftebrudd.csv/out.csv: ikke en mappe; velg en annen fil"),
])
def test_completeness_output_clash(ex, monkeypatch, target, needle, norsk):
    (ex / "link.csv").symlink_to("hoftebrudd.csv")
    os.link(ex / "hoftebrudd.csv", ex / "hard.csv")
    (ex / "sub").mkdir()
    monkeypatch.chdir(ex)
    before = snapshot(ex)
    result = run("completeness", "--spec", "dq.toml", "--format", "csv", "--output", target,
                 "--lang", "en")
    one_error(result, 2, needle)
    result = run("completeness", "--spec", "dq.toml", "--format", "csv", "--output", target)
    one_error(result, 2, norsk, lang="nb")
    assert snapshot(ex) == before  # bytes, mtimes, modes; no new (temporary) file


def test_explicit_input_and_spec_paths_through_other_spellings(ex, monkeypatch):
    monkeypatch.chdir(ex)
    before = snapshot(ex)
    one_error(run("completeness", "--lang", "en", "hoftebrudd.csv", "-o", "./sub/../hoftebrudd.csv"), 2,
              "is the export this command reads")
    one_error(run("completeness", "--lang", "en", ex / "hoftebrudd.csv", "-o", "hoftebrudd.csv"), 2,
              "is the export this command reads")
    one_error(run("completeness", "--lang", "en", "--spec", ex / "dq.toml", "-o", "dq.toml"), 2,
              "is the spec this command reads")
    assert snapshot(ex) == before


def test_report_outputs_clash_with_inputs_and_each_other(ex, monkeypatch):
    monkeypatch.chdir(ex)
    before = snapshot(ex)
    one_error(run("report", "--lang", "en", "dq.toml", "-f", "json", "-o", "r.json", "--junit", "r.json"), 2,
              "--junit r.json is the same file as --output r.json")
    one_error(run("report", "--lang", "en", "dq.toml", "-f", "json", "-o", "interrater.csv"), 2,
              "the reliability study this command reads")
    one_error(run("report", "--lang", "en", "dq.toml", "-o", "validering.csv"), 2,
              "the validation study this command reads")
    one_error(run("report", "--lang", "en", "dq.toml", "--junit", "npr_aggregat.csv"), 2,
              "--junit npr_aggregat.csv is a coverage reference this command reads")
    # the report goes to stdout: JUnit cannot go there too
    one_error(run("report", "--lang", "en", "dq.toml", "--junit", "/dev/stdout"), 2, "goes to stdout")
    one_error(run("report", "--lang", "en", "dq.toml", "-o", "-", "--junit", "-"), 2, "goes to stdout")
    assert snapshot(ex) == before


def test_junit_in_missing_folder_writes_nothing(ex, monkeypatch):
    monkeypatch.chdir(ex)
    write_text(ex / "r.json", "previous")
    before = snapshot(ex)
    one_error(run("report", "--lang", "en", "dq.toml", "-f", "json", "-o", "r.json", "--junit", "nope/j.xml"), 2,
              "--junit nope/j.xml: the folder nope does not exist")
    assert snapshot(ex) == before


def test_step_summary_is_an_output_too(ex, monkeypatch):
    monkeypatch.chdir(ex)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    before = snapshot(ex)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(ex / "hoftebrudd.csv"))
    one_error(run("report", "--lang", "en", "dq.toml", "-f", "json", "-o", "r.json"), 2,
              "GITHUB_STEP_SUMMARY", "is the export this command reads")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(ex / "r.json"))
    one_error(run("report", "--lang", "en", "dq.toml", "-f", "json", "-o", "r.json"), 2,
              "is the same file as --output r.json")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(ex / "nope" / "summary.md"))
    one_error(run("report", "--lang", "en", "dq.toml", "-f", "json", "-o", "r.json"), 2, "does not exist")
    assert snapshot(ex) == before


def test_coverage_and_reliability_refuse_their_inputs(ex, monkeypatch):
    monkeypatch.chdir(ex)
    before = snapshot(ex)
    one_error(run("coverage", "--lang", "en", "--spec", "dq.toml", "-o", "npr_aggregat.csv"), 2,
              "a reference this command reads")
    one_error(run("coverage", "--lang", "en", "hoftebrudd.csv", "--reference", "enheter.csv", "-o",
                  "enheter.csv"), 2, "a reference this command reads")
    one_error(run("reliability", "--lang", "en", "--spec", "dq.toml", "-o", "interrater.csv"), 2,
              "the study this command reads")
    one_error(run("correctness", "--lang", "en", "--spec", "dq.toml", "-o", "validering.csv"), 2,
              "the validation study this command reads")
    one_error(run("correctness", "--lang", "en", "--spec", "dq.toml", "-o", "hoftebrudd.csv"), 2,
              "the export named in dq.toml")
    assert snapshot(ex) == before


def test_read_only_folder_is_refused_before_any_work(tmp_path):
    data = small_data(tmp_path)
    ro = tmp_path / "ro"
    ro.mkdir()
    write_text(ro / "old.csv", "old")
    try:
        if not read_only(ro):
            pytest.skip("cannot make a read-only folder here")
        before = snapshot(ro)
        one_error(run("completeness", data, "-f", "csv", "-o", ro / "new.csv", "--lang", "en"),
                  2, "cannot create a file in the folder")
        one_error(run("completeness", data, "-f", "csv", "-o", ro / "new.csv"), 2,
                  f"--output {ro / 'new.csv'}: kan ikke lage en fil i mappen {ro}", lang="nb")
        one_error(run("completeness", data, "-f", "csv", "-o", ro / "old.csv"), 2, lang="nb")
        assert snapshot(ro) == before
    finally:
        writable_again(ro)


def test_plan_refuses_block_devices_and_sockets(tmp_path):
    from dq.outputs import Request, plan

    sock_path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
        with pytest.raises(ConfigError, match="is a socket"):
            plan([], [Request("--output", sock_path)])
    finally:
        sock.close()
    if os.geteuid() == 0:
        node = tmp_path / "blk"
        try:  # an unattached loop device number: nothing is ever written to it
            os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, 250))
        except OSError:
            return
        with pytest.raises(ConfigError, match="is a block device"):
            plan([], [Request("--output", node)])


# ------------------------------------------------------------------ devices, streams, links


def _null_device(tmp_path: Path) -> Path:
    """A character device like /dev/null. As root, a private node (a bug must not turn the
    system's /dev/null into a file); otherwise /dev/null itself, which we cannot replace."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError:
        pytest.skip("cannot make a device node here")
    return node


def test_dev_null_is_written_directly_and_stays_a_device(tmp_path):
    node = _null_device(tmp_path)
    before = os.stat(node)
    result = run("completeness", small_data(tmp_path), "-f", "json", "-o", node)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    after = os.stat(node)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_dev_full_is_a_write_error_exit_3(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    line = one_error(run("completeness", small_data(tmp_path), "-f", "csv", "-o", "/dev/full",
                         "--lang", "en"),
                     3, "could not write --output /dev/full", "No space left on device")
    assert "bug" not in line
    one_error(run("completeness", small_data(tmp_path), "-f", "csv", "-o", "/dev/full"), 3,
              "kunne ikke skrive --output /dev/full (disken er full); ingen fil ble erstattet",
              lang="nb")


def test_second_output_failing_leaves_the_first_untouched(tmp_path, monkeypatch):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    spec = small_report_spec(tmp_path)
    out = write_text(tmp_path / "r.json", "previous report")
    before = snapshot(tmp_path)
    one_error(run("report", "--lang", "en", spec, "-f", "json", "-o", out, "--junit", "/dev/full"), 3,
              "--junit /dev/full", "No space left on device", "no file was replaced")
    assert snapshot(tmp_path) == before


def test_disk_full_on_a_regular_file_removes_every_temporary_file(tmp_path, monkeypatch):
    import dq.outputs as outputs

    spec = small_report_spec(tmp_path)
    out = write_text(tmp_path / "r.json", "previous report")
    junit = write_text(tmp_path / "j.xml", "previous junit")
    before = snapshot(tmp_path)
    real = outputs._write_all
    calls = []

    def full_on_second(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 2:
            os.write(fd, data[:10])  # a partial write, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(outputs, "_write_all", full_on_second)
    one_error(run("report", "--lang", "en", spec, "-f", "json", "-o", out, "--junit", junit), 3,
              "could not write --junit", "No space left on device")
    assert len(calls) == 2
    assert snapshot(tmp_path) == before  # both files as before, no temporary file left


def test_stdout_spellings(tmp_path):
    data = small_data(tmp_path)
    plain = run("completeness", data, "-f", "csv")
    for spelling in ("-", "/dev/stdout"):
        result = run("completeness", data, "-f", "csv", "-o", spelling)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == plain.stdout and result.stdout.startswith("variable,")
    assert not (tmp_path / "-").exists()


def test_symlink_output_replaces_the_target_and_keeps_the_link(tmp_path):
    data = small_data(tmp_path)
    (tmp_path / "reports").mkdir()
    target = write_text(tmp_path / "reports" / "latest.csv", "old")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    result = run("completeness", data, "-f", "csv", "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("variable,")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # ordinary permissions
    leftovers = [p for p in (tmp_path / "reports").iterdir() if p.name != "latest.csv"]
    assert leftovers == []


def test_write_output_shortcut_for_other_commands(tmp_path, capsys):
    from dq.cli._common import write_output
    from dq.outputs import Input

    src = write_text(tmp_path / "before.json", "{}")
    out = tmp_path / "out.txt"
    write_output("hello\n", out, [Input(src, "the result before this command reads")])
    assert out.read_text(encoding="utf-8") == "hello\n"
    with pytest.raises(ConfigError, match="is the result before this command reads"):
        write_output("x", src, [Input(src, "the result before this command reads")])
    assert src.read_text(encoding="utf-8") == "{}"
    write_output("to stdout\n", None)
    assert capsys.readouterr().out == "to stdout\n"


# ------------------------------------------------------------------ signals: private temp files

_SLOW_WRITE = '''
import os, sys, time
import dq.outputs as outputs

_real = outputs._write_all

def _slow(fd, data):
    os.write(fd, data[:4096])
    sys.stderr.write("TEMP-WRITTEN\\n")
    sys.stderr.flush()
    time.sleep(60)
    _real(fd, data[4096:])

outputs._write_all = _slow
'''


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_writing_removes_the_private_temp_file(tmp_path, sig):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_SLOW_WRITE, encoding="utf-8")
    cols = ";".join(f"c{i}" for i in range(60))
    rows = "\n".join(";".join(str(i * j) for j in range(60)) for i in range(1, 40))
    data = write_text(tmp_path / "wide.csv", f"{cols}\n{rows}\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = write_text(out_dir / "result.json", "previous")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-m", "dq", "completeness", str(data), "-f", "json",
                             "-o", str(out)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "TEMP-WRITTEN" in line, line + proc.stderr.read()
        temps = [p for p in out_dir.iterdir() if p.name != "result.json"]
        assert len(temps) == 1 and temps[0].name.startswith(".result.json.")
        assert stat.S_IMODE(temps[0].stat().st_mode) == 0o600  # private while being written
        assert temps[0].stat().st_size == 4096
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == (-sig if sig == signal.SIGTERM else 130), err
    assert "Traceback" not in err
    assert [p.name for p in out_dir.iterdir()] == ["result.json"]
    assert out.read_text(encoding="utf-8") == "previous"


# ------------------------------------------------------------------ CSV formulas


def test_csv_cells_cannot_run_as_formulas():
    from dq.render.tabular import to_csv

    df = pl.DataFrame({
        '=HYPERLINK("http://x.example","klikk")': ["=1+2", "+47 22 00 00 00", "-2+3", "@SUM(A1)",
                                                  "\tTAB", "\rCR", "-1", "+3,5", "ok", None],
        "n": [-1, 2, -3, 4, 5, 6, 7, 8, 9, 10],
        "x": [-0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        "-unit": pl.Series(["-A", "B", "C", "D", "E", "F", "G", "H", "I", "J"],
                           dtype=pl.Categorical),
    })
    assert to_csv(df).split("\n") == [
        '"\'=HYPERLINK(""http://x.example"",""klikk"")",n,x,\'-unit',
        "'=1+2,-1,-0.5,'-A",
        "'+47 22 00 00 00,2,1.0,B",
        "'-2+3,-3,2.0,C",
        "'@SUM(A1),4,3.0,D",
        "\\tTAB,5,4.0,E",
        "\\rCR,6,5.0,F",
        "-1,7,6.0,G",
        '"+3,5",8,7.0,H',
        "ok,9,8.0,I",
        ",10,9.0,J",
        "",
    ]


def test_csv_output_of_a_command_neutralises_column_names(tmp_path):
    data = write_text(tmp_path / "d.csv", "=HYPERLINK(\"http://x\");@cmd;-5\n1;2;3\n")
    result = run("completeness", data, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    variables = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert variables == ['"\'=HYPERLINK(""http://x"")"', "'@cmd", "-5"]


def test_csv_shows_control_characters_as_escapes():
    from dq.render.tabular import to_csv

    df = pl.DataFrame({"na\x1bme\u202e": ["a\x1b[2Jb", "\x9b6n", "ok\u2066", "plain"]})
    assert to_csv(df).split("\n") == ["na\\x1bme\\u202e", "a\\x1b[2Jb", "\\x9b6n",
                                       "ok\\u2066", "plain", ""]


def test_markdown_table_cells_are_escaped():
    from dq.render.tabular import markdown_table

    md = markdown_table(pl.DataFrame({"<img src=x onerror=alert(1)>": ["a|b\n<script>"]}))
    assert "<img" not in md and "<script>" not in md and "&lt;script&gt;" in md
    assert md.splitlines()[2].count(" | ") == 0  # one cell: the | is escaped, no line break


# ------------------------------------------------------------------ stderr: sanitised, engine text never


def test_every_stderr_line_is_sanitised(capsys):
    import typer

    from dq.cli._common import fail, say, warn

    hostile = "col\x1b[2J\x1b]0;pwned\x07\r\u202eevil\u2066\x00\x9b\udcff"
    say(hostile)
    warn(hostile)
    with pytest.raises(typer.Exit):
        fail(f"column {hostile}\nsecond line", 2)
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("dq: feil: column col\\x1b[2J\\x1b]0;pwned\\x07\\r\\u202eevil")
    assert lines[2].endswith("second line")
    for ch in ("\x1b", "\x07", "\r", "\u202e", "\u2066", "\x00", "\x9b"):
        assert ch not in err


def test_control_bytes_in_a_column_name_do_not_reach_the_terminal(tmp_path):
    data = tmp_path / "d.csv"
    data.write_bytes("na\x1b[31mme\u202eX\x07;b\n1;2\n".encode("utf-8"))
    result = run("completeness", data, "--by", "nope")
    line = one_error(result, 2, "--by 'nope' er verken en rolle", lang="nb")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "\x07" not in result.stderr and "na\\x1b[31mme" in line
    table = run("completeness", data)  # the terminal table shows the name escaped
    assert table.exit_code == 0, table.stderr
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout


@pytest.mark.parametrize("exc, code, needles, norsk", [
    (pl.exceptions.ComputeError('conversion from `str` to `i64` failed in column \'a\' for 1 out '
                                'of 1 values: ["Kari Nordmannsen 01010112345"]'), 3,
     ("the data in", "d.csv", "could not be read to the end", "(column a)"),
     ("dataene i", "d.csv", "kunne ikke leses til slutt", "(kolonne a)")),
    (pl.exceptions.InvalidOperationError("Kari Nordmannsen 01010112345"), 3, ("d.csv",),
     ("d.csv",)),
    (PermissionError(errno.EACCES, "Permission denied"), 3, ("d.csv", "Permission denied"),
     ("d.csv kunne ikke leses (ingen tilgang)",)),
    (UnicodeDecodeError("utf-8", b"Kari \xff", 5, 6, "Kari Nordmannsen"), 3, ("--encoding",),
     ("oppgi --encoding",)),
    (RecursionError("Kari Nordmannsen"), 3, ("nested too deeply",), ("nøstet for dypt",)),
    (MemoryError("Kari Nordmannsen"), 3, ("not enough memory",), ("ikke nok minne",)),
])
def test_engine_errors_are_reworded_never_passed_on(tmp_path, monkeypatch, exc, code, needles,
                                                    norsk):
    import dq.completeness as comp

    def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise exc

    monkeypatch.setattr(comp, "compute", boom)
    result = run("completeness", small_data(tmp_path), "--lang", "en")
    line = one_error(result, code, *needles)
    assert "Kari" not in line and "0101011" not in line
    line = one_error(run("completeness", small_data(tmp_path)), code, *norsk, lang="nb")
    assert "Kari" not in line and "0101011" not in line


def test_a_real_bug_keeps_the_traceback_but_not_the_data(tmp_path, monkeypatch):
    import dq.completeness as comp

    secret = " ".join(["Kari", "Nordmannsen", "0101011" + "2345"])  # not on the raising line

    def bug(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyError(secret)

    monkeypatch.setattr(comp, "compute", bug)
    result = run("completeness", small_data(tmp_path))
    assert result.exit_code == 4
    assert result.stderr.startswith("dq: intern feil – dette er en feil i dq")  # nb: default
    assert "Traceback (most recent call last):" in result.stderr
    assert "KeyError (message withheld)" in result.stderr
    assert "Kari" not in result.stderr and "01010112345" not in result.stderr
    monkeypatch.setenv("DQ_DEBUG", "1")
    assert "Kari Nordmannsen" in run("completeness", small_data(tmp_path)).stderr


# ------------------------------------------------------------------ step summary and annotations


def test_step_summary_and_annotations_go_to_their_places(tmp_path, monkeypatch):
    spec = write_text(tmp_path / "dq.toml", '[dataset]\nfiles = ["d.csv"]\n'
                                            '[completeness]\nfail_below = 0.99\n[variables.b]\n')
    write_text(tmp_path / "d.csv", "a;b\n" + "1;\n" * 6 + "2;x\n")
    summary = write_text(tmp_path / "summary.md", "earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run("report", spec, "-f", "json", "-o", tmp_path / "r.json")
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""  # annotations and warnings never go to stdout
    assert any(line.startswith("::error") for line in result.stderr.splitlines())
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# ") and len(text) > 100
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["command"] == "report"


def test_unwritable_step_summary_is_refused_before_any_work(tmp_path, monkeypatch):
    spec = small_report_spec(tmp_path)
    ro = tmp_path / "ro"
    ro.mkdir()
    try:
        if not read_only(ro):
            pytest.skip("cannot make a read-only folder here")
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(ro / "summary.md"))
        one_error(run("report", "--lang", "en", spec, "-f", "json", "-o", tmp_path / "r.json"), 2,
                  "GITHUB_STEP_SUMMARY", "cannot create a file")
        assert not (tmp_path / "r.json").exists()
    finally:
        writable_again(ro)


def test_step_summary_failing_while_appending_is_a_warning(tmp_path, monkeypatch):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    spec = small_report_spec(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/dev/full")
    result = run("report", spec, "-f", "json", "-o", tmp_path / "r.json", "--lang", "en")
    assert result.exit_code in (0, 1), result.stderr
    assert (tmp_path / "r.json").exists()  # the report is not lost
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("dq: warning: ")]
    assert len(warnings) == 1 and "GITHUB_STEP_SUMMARY /dev/full" in warnings[0]


# ------------------------------------------------------------------ identical runs, identical output


def test_bootstrap_without_seed_is_seeded(tmp_path):
    rows = "\n".join(f"{i};{i % 3};{(i + (i % 4 == 0)) % 3}" for i in range(40))
    data = write_text(tmp_path / "w.csv", f"case;r1;r2\n{rows}\n")
    args = ("reliability", data, "--raters", "r1,r2", "--bootstrap", "100", "-f", "json")
    first, second = run(*args), run(*args)
    assert first.exit_code in (0, 1) and second.exit_code in (0, 1), first.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["seed"] == 0 and a["bootstrap"] == 100
    assert a["results"] == b["results"]
    seeded = json.loads(run(*args, "--seed", "0").stdout)
    assert seeded["results"] == a["results"]


def test_nothing_is_left_behind_in_the_output_folder(tmp_path):
    data = small_data(tmp_path)
    out_dir = tmp_path / "o"
    out_dir.mkdir()
    start = time.time()
    result = run("completeness", data, "-f", "json", "-o", out_dir / "r.json")
    assert result.exit_code == 0 and time.time() - start < 60
    assert [p.name for p in out_dir.iterdir()] == ["r.json"]
