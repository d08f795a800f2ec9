"""Open the spec and the data a command names (shared by every command)."""

from __future__ import annotations

from pathlib import Path

from dq.errors import ConfigError


def load_spec(path: Path | None):  # noqa: ANN201 - dq.spec.Spec
    from dq import spec as spec_mod

    return spec_mod.load(path) if path is not None else spec_mod.empty()


def open_data(paths: list[Path], spec, *, fmt: str | None, encoding: str | None,  # noqa: ANN001
              separator: str | None, hashes: bool = True):  # noqa: ANN201 - dq.io.Source
    """The export named on the command line, else the spec's ``[dataset] files``. ``hashes``:
    start the files' sha256 at once (the output will show it)."""
    from dq.io import concat, scan

    if not paths:
        paths = list(spec.dataset.files)
    if not paths:
        raise ConfigError("no data file: name one on the command line or set [dataset] files "
                          "in dq.toml")
    ds = spec.dataset
    sources = [scan(p, fmt=fmt or ds.format, encoding=encoding or ds.encoding,
                    separator=separator or ds.separator, prefetch_hash=hashes) for p in paths]
    source = concat(sources)
    if spec.path is not None:
        spec.check_columns(source.columns, ", ".join(str(p) for p in paths))
    return source
