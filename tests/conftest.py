from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dq.cli import app

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

