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
            "relevans.bruk", "relevans", "Variables with a documented use", len(documented),
            len(variables), default_warn=0.8, default_fail=0.5,
            figure=("no documented use: " + ", ".join(undocumented[:12])
                    + (" …" if len(undocumented) > 12 else "")) if undocumented else
            "every variable has a documented use"))
    not_in_spec = [c for c in columns if c not in spec.variables]
    missing = [v.name for v in variables if v.name not in columns]
    out.append(Check.proportion("relevans.udokumenterte_kolonner", "relevans",
                                "Export columns that the spec does not describe",
                                len(not_in_spec), len(columns), higher_is_better=False,
                                default_warn=0.0, figure=", ".join(not_in_spec[:12]) or "none"))
    out.append(Check.proportion("relevans.manglende_variabler", "relevans",
                                "Spec variables missing from the export", len(missing),
                                len(variables), higher_is_better=False, default_warn=0.0,
                                default_fail=0.0, figure=", ".join(missing[:12]) or "none"))
    return out
