"""One definition per check: what it measures, which way is better, where its thresholds come
from, and the catalogue keys of its text (``dq.messages``).

A check result (``dq.checks.model.Check``) names its definition and carries values; the report,
the sub-commands, ``dq compare`` and ``dq regrade`` read direction and threshold source from
here, and renderers take titles and figures from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("proportion", "coefficient", "count", "days", "difference")


@dataclass(frozen=True)
class Definition:
    key: str  # the catalogue prefix and the id (or id prefix) of its results
    kind: str  # proportion, coefficient (κ, α, ICC …), count, days, difference
    higher_is_better: bool
    thresholds: str  # where the spec sets its thresholds (for people: README, methods section)
    figures: tuple[str, ...] = ()  # figure variants in the catalogue
    # A count of units or columns: a full enumeration, not a sample, so no confidence interval.
    enumeration: bool = False

    @property
    def dimension(self) -> str:
        return self.key.split(".", 1)[0]


def _d(key: str, kind: str, higher: bool, thresholds: str, *figures: str,
       enumeration: bool = False) -> Definition:
    return Definition(key, kind, higher, thresholds, figures, enumeration)


_CHECKS = '[checks."<id>"] warn_below/fail_below (warn_above/fail_above)'
DEFINITIONS: dict[str, Definition] = {d.key: d for d in (
    _d("kompletthet.tilslutning", "proportion", True, _CHECKS, "not_reporting", "all_report",
       enumeration=True),
    _d("kompletthet.dekningsgrad", "proportion", True, "[coverage] target (warn), low (fail)",
       "national", "mismatch"),
    _d("kompletthet.variabel", "proportion", True,
       "[variables.<name>] or [completeness] warn_below/fail_below", "counts"),
    _d("kompletthet.records", "proportion", True,
       "[completeness] records_warn_below/records_fail_below"),
    _d("korrekthet.verdier", "proportion", False, _CHECKS),
    _d("korrekthet.datoer", "proportion", False, _CHECKS),
    _d("korrekthet.framtid", "proportion", False, _CHECKS),
    _d("korrekthet.kodeformat", "proportion", False, _CHECKS),
    _d("korrekthet.duplikater", "proportion", False, _CHECKS, "groups"),
    _d("korrekthet.fodselsnummer", "proportion", False, _CHECKS, "classes"),
    _d("korrekthet.validering", "proportion", True, "[correctness] warn_below/fail_below",
       "sensitivity", "deviation"),
    _d("korrekthet.pasienter", "proportion", True, "[correctness] warn_below/fail_below"),
    _d("reliabilitet", "coefficient", True, "[reliability] warn_below/fail_below", "label"),
    _d("aktualitet.registrering", "proportion", True, "[timeliness] warn_below/fail_below",
       "national", "unit"),
    _d("aktualitet.ferskhet", "days", False, _CHECKS, "dates"),
    _d("sammenlignbarhet.trakt", "proportion", False, _CHECKS, "below", "above", "unit_below",
       "unit_above", enumeration=True),
    _d("sammenlignbarhet.skift", "proportion", False, _CHECKS, "units", "unit", enumeration=True),
    _d("sammenlignbarhet.koder", "count", False, _CHECKS, "changes", "same"),
    _d("sammenlignbarhet.id", "proportion", True, _CHECKS),
    _d("relevans.bruk", "proportion", True, _CHECKS, "undocumented", "all", enumeration=True),
    _d("relevans.udokumenterte_kolonner", "proportion", False, _CHECKS, "names", "none",
       enumeration=True),
    _d("relevans.manglende_variabler", "proportion", False, _CHECKS, "names", "none",
       enumeration=True),
)}

# Figures shared by several definitions of one dimension.
SHARED_FIGURES = {"relevans.udokumenterte_kolonner": "relevans.figure",
                  "relevans.manglende_variabler": "relevans.figure"}


def definition(key: str) -> Definition:
    return DEFINITIONS[key]


def title_key(key: str) -> str:
    return f"{key}.title"


def figure_key(key: str, variant: str) -> str:
    return f"{SHARED_FIGURES.get(key, key + '.figure')}.{variant}"
