"""dq — data quality of medical quality registries.

The package is laid out by architecture: ``dq.io`` reads what users hand dq, ``dq.spec`` reads the
registry spec (dq.toml), one module per data-quality check computes (``dq.completeness``,
``dq.coverage``, …), ``dq.render`` turns results into terminal, JSON, CSV and Markdown output, and
``dq.cli`` only translates command lines into calls.
"""

__version__ = "0.1.0"

# The Python API (dq.api), loaded on first use so that ``dq --help`` stays instant:
# ``dq.load_spec``, ``dq.completeness(data, spec=None, by=None)``, ``dq.coverage(data, reference,
# spec=None)``, ``dq.report(spec, data=None, year=None)``, ``dq.compare(before, after)``.
__all__ = ["compare", "completeness", "correctness", "coverage", "load_spec", "reliability",
           "report", "Result"]
_MODULES = ("completeness", "coverage", "report", "compare", "reliability", "correctness")


def __getattr__(name: str):  # noqa: ANN202
    import importlib

    if name in _MODULES:
        return importlib.import_module(f"dq.{name}")  # a callable module: dq.api.<name>
    if name in ("load_spec", "Result"):
        return getattr(importlib.import_module("dq.api"), name)
    raise AttributeError(f"module 'dq' has no attribute {name!r}")

