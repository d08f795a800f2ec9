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
