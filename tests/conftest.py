from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from hypothesis import settings
from typer.testing import CliRunner

from dq.cli import app

# No per-example deadline in any property test: on 2 cores shared by two test workers an example
# can take longer than hypothesis's default 200 ms (a flaky Deadline failure, not a finding);
# speed is measured in benchmarks/, not asserted in tests.
settings.register_profile("dq", deadline=None)
settings.load_profile("dq")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hoftebrudd"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(*args: str):  # noqa: ANN201
    """Run the dq CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args])


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def frame(**cols: list) -> pl.DataFrame:
    return pl.DataFrame(cols)


# Headless Chromium as the HTML tests drive it: Debian's chromium, no network, no profile sync.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def launch_chromium(playwright, browser: str):  # noqa: ANN001, ANN201 - playwright objects
    return playwright.chromium.launch(executable_path=browser, args=CHROMIUM_ARGS)


@contextmanager
def chromium():  # noqa: ANN201 - a playwright Browser
    """Debian's Chromium through Playwright; the test is skipped where either is missing
    (.ci/run installs both)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    with playwright.sync_playwright() as p:
        b = launch_chromium(p, browser)
        yield b
        b.close()


def open_page(b, page_file: Path, width: int, shots: Path):  # noqa: ANN001, ANN201
    """``page_file`` at ``width`` px (900 high), with a screenshot in ``shots`` to look at."""
    page = b.new_page(viewport={"width": width, "height": 900})
    page.goto(page_file.as_uri())
    page.screenshot(path=str(shots / f"shot-{width}.png"))
    return page

