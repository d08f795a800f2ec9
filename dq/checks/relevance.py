"""Relevans: documented uses of each variable, and the fit between the spec and the export."""

from __future__ import annotations

from dq.checks.model import Check
from dq.spec import Spec


def checks(spec: Spec, columns: list[str]) -> list[Check]:
    variables = list(spec.variables.values())
    documented = [v for v in variables if v.uses]
    undocumented = [v.name for v in variables if not v.uses]
    out = []
    if variables:
        out.append(Check.proportion(
            "relevans.bruk", "relevans.bruk", len(documented), len(variables), default_warn=0.8,
            default_fail=0.5, variant="undocumented" if undocumented else "all",
            params={"variables": _first(undocumented)}))
    not_in_spec = [c for c in columns if c not in spec.variables]
    missing = [v.name for v in variables if v.name not in columns]
    out.append(Check.proportion("relevans.udokumenterte_kolonner",
                                "relevans.udokumenterte_kolonner", len(not_in_spec), len(columns),
                                default_warn=0.0, variant="names" if not_in_spec else "none",
                                params={"names": _first(not_in_spec)}))
    out.append(Check.proportion("relevans.manglende_variabler", "relevans.manglende_variabler",
                                len(missing), len(variables), default_warn=0.0, default_fail=0.0,
                                variant="names" if missing else "none",
                                params={"names": _first(missing)}))
    return out


def _first(names: list[str], n: int = 12) -> list[str]:
    """The first names of a list, with "…" when there are more."""
    return names[:n] + (["…"] if len(names) > n else [])
