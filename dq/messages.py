"""The message catalogue: every text a report shows, per language, with named parameters.

Templates are ``str.format`` strings whose fields name a value of the check (``{variable}``,
``{missing:count}``). The format spec after the colon says how the value is written in the
report's language — never how it is translated, since values are data, not words:

    count   a whole number with the language's thousands separator     19 610 / 19,610
    pct     a proportion as a percentage, one decimal                  84,1 % / 84.1 %
    pct0    the same with no decimals
    pp      a signed difference of proportions in percentage points   −7,5 prosentpoeng
    num1, num2, num3   a decimal number with that many decimals        0,741
    g       a number as short as it can be written                      0,05 / 11
    p       a p-value, two significant digits                           0,0012
    days    a whole number of days                                     12 dager / 12 days
    date    a date                                                      31.12.2023 / 2023-12-31
    list    names or codes joined as they are (never translated)        S72.0, NFB49
    (none)  the value as it is: a name, a code, a year

A part in ``[[…]]`` names options of the command being run: it is shown only where the
command has every option it names (``[[…||…]]`` shows the part after ``||`` otherwise), so that
no fix names an option the command lacks (``render``).

Adding a check means one definition in ``dq.checks.registry`` and its templates here; a test
fails when a check lacks a template in either language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from contextvars import ContextVar, Token
from datetime import date
from typing import Any

from dq.render.numbers import count, num, pct

LANGS = ("nb", "en")
MINUS = "\u2212"

# The options of the command being run (dq.cli sets them; none outside a command, e.g. dq.api):
# a text names an option only where the command has it, else the spec key (or the other way)
# that does the same. tests/test_review_fixes_b.py holds every text that names one to this.
_OPTIONS: ContextVar[frozenset[str]] = ContextVar("dq_options", default=frozenset())


def command_options(options: Iterable[str]) -> Token[frozenset[str]]:
    """The running command has these options (``--name``) from now on."""
    return _OPTIONS.set(frozenset(options))


def reset_options(token: Token[frozenset[str]]) -> None:
    _OPTIONS.reset(token)


def has_option(option: str) -> bool:
    """Whether the running command has ``option`` (``--encoding``)."""
    return option in _OPTIONS.get()

# ---------------------------------------------------------------- check titles and figures
# key: the check definition (dq.checks.registry), then ".title" or ".figure.<variant>".
CHECKS: dict[str, dict[str, str]] = {
    "kompletthet.tilslutning.title": {
        "nb": "Tilslutningsgrad: rapporterende enheter / enheter i referansen",
        "en": "Tilslutning: reporting units / units in the reference"},
    "kompletthet.tilslutning.figure.not_reporting": {
        "nb": "rapporterer ikke: {units:list}", "en": "not reporting: {units:list}"},
    "kompletthet.tilslutning.figure.all_report": {
        "nb": "alle enheter i referansen rapporterer",
        "en": "every unit in the reference reports"},
    "kompletthet.dekningsgrad.title": {
        "nb": "Dekningsgrad", "en": "Coverage (dekningsgrad, {mode})"},
    "kompletthet.dekningsgrad.figure.national": {
        "nb": "kun rapporterende enheter: {reporting:pct}",
        "en": "reporting units only: {reporting:pct}"},
    "kompletthet.dekningsgrad.figure.mismatch": {
        "nb": "registeret teller flere enn referansen",
        "en": "registry counts more than the reference"},
    "kompletthet.variabel.title": {
        "nb": "Variabelkompletthet: {variable}", "en": "Variable completeness: {variable}"},
    "kompletthet.variabel.figure.counts": {
        "nb": "mangler {missing:count}, ukjent {unknown:count}, ugyldig {invalid:count}",
        "en": "missing {missing:count}, unknown {unknown:count}, invalid {invalid:count}"},
    "kompletthet.records.title": {
        "nb": "Komplette registreringer (alle obligatoriske variabler)",
        "en": "Records complete on every mandatory variable"},
    "korrekthet.verdier.title": {
        "nb": "Verdier utenfor lovlige koder eller grenser: {variable}",
        "en": "Values outside allowed codes or range: {variable}"},
    "korrekthet.datoer.title": {
        "nb": "Datorekkefølge: {condition}", "en": "Date order: {condition}"},
    "korrekthet.framtid.title": {
        "nb": "{variable} etter uttrekksdato", "en": "{variable} after the export date"},
    "korrekthet.kodeformat.title": {
        "nb": "Kodeformat: {variable}", "en": "{system} code format: {variable}"},
    "korrekthet.duplikater.title": {
        "nb": "Dupliserte registreringer", "en": "Duplicate records on {keys:list}"},
    "korrekthet.duplikater.figure.groups": {
        "nb": "{extra:count} ekstra registreringer i {groups:count} grupper",
        "en": "{extra:count} extra records in {groups:count} groups"},
    "korrekthet.fodselsnummer.title": {
        "nb": "Ugyldige fødselsnummer", "en": "Invalid national ID numbers ({variable})"},
    "korrekthet.fodselsnummer.figure.classes": {"nb": "{classes:classes}",
                                                 "en": "{classes:classes}"},
    "korrekthet.validering.title": {
        "nb": "Samsvar med journal: {variable}", "en": "Agrees with the medical record: {variable}"},
    "korrekthet.validering.figure.sensitivity": {
        "nb": "sensitivitet {sensitivity:pct0}", "en": "sensitivity {sensitivity:pct0}"},
    "korrekthet.validering.figure.deviation": {
        "nb": "største avvik {deviation:g}", "en": "largest deviation {deviation:g}"},
    "korrekthet.pasienter.title": {
        "nb": "Korrekte pasienter (sanne positive / registrerte)",
        "en": "Correct patients (true positives / registered)"},
    "reliabilitet.title": {"nb": "{statistic:statistic}: {variable}",
                           "en": "{statistic:statistic}: {variable}"},
    "reliabilitet.figure.label": {"nb": "{label:label}", "en": "{label:label}"},
    "aktualitet.registrering.title": {
        "nb": "Registrert innen {limit} dager etter hendelsen ({year})",
        "en": "Registered within {limit} days of the event ({year})"},
    "aktualitet.registrering.figure.national": {
        "nb": "median {median:days}, 90-persentil {p90:days}",
        "en": "median {median:days}, 90th percentile {p90:days}"},
    "aktualitet.registrering.figure.unit": {
        "nb": "median {median:days}", "en": "median {median:days}"},
    "aktualitet.ferskhet.title": {
        "nb": "Dager fra siste hendelse til uttrekk", "en": "Days from the last event to the export"},
    "aktualitet.ferskhet.figure.dates": {
        "nb": "siste hendelse {last:date}, uttrekk {export:date}",
        "en": "last event {last:date}, export {export:date}"},
    "sammenlignbarhet.trakt.title": {
        "nb": "Enheter utenfor trakten: {measure}", "en": "Units outside the funnel: {measure}"},
    "sammenlignbarhet.trakt.figure.below": {
        "nb": "{outside:count} av {units:count} enheter under 99,8 %-grensen rundt {theta:pct}",
        "en": "{outside:count} of {units:count} units below the 99.8 % limit around {theta:pct}"},
    "sammenlignbarhet.trakt.figure.above": {
        "nb": "{outside:count} av {units:count} enheter over 99,8 %-grensen rundt {theta:pct}",
        "en": "{outside:count} of {units:count} units above the 99.8 % limit around {theta:pct}"},
    "sammenlignbarhet.trakt.figure.unit_below": {
        "nb": "under 99,8 %-grensene ({low:pct}–{high:pct})",
        "en": "below the 99.8 % limits ({low:pct}–{high:pct})"},
    "sammenlignbarhet.trakt.figure.unit_above": {
        "nb": "over 99,8 %-grensene ({low:pct}–{high:pct})",
        "en": "above the 99.8 % limits ({low:pct}–{high:pct})"},
    "sammenlignbarhet.skift.title": {
        "nb": "Skift i {measure} mellom år: {variable}",
        "en": "{measure} shifts between years: {variable}"},
    "sammenlignbarhet.skift.figure.units": {
        "nb": "{shifted:count} av {units:count} enheter med signifikant endring (Holm, α = {alpha:g})",
        "en": "{shifted:count} of {units:count} units with a significant change (Holm, α = {alpha:g})"},
    "sammenlignbarhet.skift.figure.unit": {
        "nb": "{year0}→{year1}: {before:pct} → {after:pct} (justert p = {p:p})",
        "en": "{year0}→{year1}: {before:pct} → {after:pct} (adjusted p = {p:p})"},
    "sammenlignbarhet.koder.title": {
        "nb": "Koder som kommer til eller forsvinner: {variable}",
        "en": "Codes appearing or vanishing between years: {variable}"},
    "sammenlignbarhet.koder.figure.changes": {"nb": "{changes:changes}", "en": "{changes:changes}"},
    "sammenlignbarhet.koder.figure.same": {
        "nb": "de samme kodene hvert år", "en": "the same codes every year"},
    "sammenlignbarhet.id.title": {
        "nb": "Registreringer med {role} for kobling", "en": "Records with a {role} for linkage"},
    "relevans.bruk.title": {
        "nb": "Variabler med dokumentert bruk", "en": "Variables with a documented use"},
    "relevans.bruk.figure.undocumented": {
        "nb": "ingen dokumentert bruk: {variables:list}", "en": "no documented use: {variables:list}"},
    "relevans.bruk.figure.all": {
        "nb": "alle variabler har dokumentert bruk", "en": "every variable has a documented use"},
    "relevans.udokumenterte_kolonner.title": {
        "nb": "Kolonner i uttrekket som spesifikasjonen ikke beskriver",
        "en": "Export columns that the spec does not describe"},
    "relevans.manglende_variabler.title": {
        "nb": "Variabler i spesifikasjonen som mangler i uttrekket",
        "en": "Spec variables missing from the export"},
    "relevans.figure.names": {"nb": "{names:list}", "en": "{names:list}"},
    "relevans.figure.none": {"nb": "ingen", "en": "none"},
}

# Words that stand inside a template's parameter: translated here, by key, never by parsing.
WORDS: dict[str, dict[str, str]] = {
    "aggregate": {"nb": "aggregert", "en": "aggregate"},
    "linkage": {"nb": "kobling", "en": "linkage"},
    "completeness": {"nb": "kompletthet", "en": "Completeness"},
    "unknown_rate": {"nb": "andel ukjent", "en": "Unknown-code rate"},
    "funnel_completeness": {"nb": "kompletthet for {variable}", "en": "completeness of {variable}"},
    "funnel_unknown": {"nb": "andel ukjent for {variable}", "en": "unknown-code rate of {variable}"},
    "funnel_coverage": {"nb": "dekningsgrad", "en": "coverage (dekningsgrad)"},
    "person": {"nb": "person-ID", "en": "person id"},
    "unit": {"nb": "enhets-ID", "en": "unit id"},
    "new": {"nb": "ny", "en": "new"},
    "gone": {"nb": "borte", "en": "gone"},
    "undeclared": {"nb": "{n:count} verdier utenfor kodelisten",
                   "en": "{n:count} undeclared values"},
    "undeclared_one": {"nb": "1 verdi utenfor kodelisten", "en": "1 undeclared value"},
    # what a partially assessed dimension lacks (dq.report.CORE), and how to add it
    "missing_dekningsgrad": {"nb": "dekningsgrad ([coverage] references)",
                             "en": "coverage, dekningsgrad ([coverage] references)"},
    "missing_variabelkompletthet": {"nb": "variabelkompletthet ([variables.*])",
                                    "en": "variable completeness ([variables.*])"},
    "missing_verdier": {"nb": "verdier mot koder og grenser ([variables.*] codes, min, max)",
                        "en": "values against codes and ranges ([variables.*] codes, min, max)"},
    "missing_duplikater": {"nb": "duplikater ([verification] duplicate_keys)",
                           "en": "duplicates ([verification] duplicate_keys)"},
    "missing_validering": {"nb": "samsvar med journal ([correctness] study)",
                           "en": "agreement with the medical record ([correctness] study)"},
    "missing_interrater": {"nb": "en interrater-studie ([reliability] study)",
                           "en": "an inter-rater study ([reliability] study)"},
    "missing_registrering": {"nb": "registreringstid ([timeliness] created, [dataset] event_date)",
                             "en": "registration delay ([timeliness] created, [dataset] "
                                   "event_date)"},
    "missing_trakt": {"nb": "enheter sammenlignet i traktplott ([dataset] unit)",
                      "en": "units compared in funnel plots ([dataset] unit)"},
    "missing_bruk": {"nb": "dokumentert bruk ([variables.*] uses)",
                     "en": "documented uses ([variables.*] uses)"},
    "previous_change": {"nb": "{year}: {previous:pct} ({change:pp})",
                        "en": "{year}: {previous:pct} ({change:pp})"},
}


# Agreement labels: Landis & Koch 1977 (κ, α, AC1) and Koo & Li 2016 (ICC); the Norwegian terms
# as in Norwegian registry validation studies (e.g. doi:10.1186/s12874-018-0651-2).
LABELS: dict[str, dict[str, str]] = {
    "nb": {"poor": "dårlig", "slight": "svak", "fair": "rimelig", "moderate": "moderat",
           "substantial": "betydelig", "almost perfect": "nesten perfekt", "good": "god",
           "excellent": "utmerket"},
    "en": {},
}
STATISTICS: dict[str, dict[str, str]] = {
    "nb": {"percent_agreement": "Observert enighet", "cohen_kappa": "Cohens κ",
           "fleiss_kappa": "Fleiss' κ", "gwet_ac1": "Gwets AC1", "gwet_ac2": "Gwets AC2",
           "pabak": "PABAK", "brennan_prediger": "Brennan–Prediger",
           "krippendorff_alpha": "Krippendorffs α",
           "weighted_kappa_linear": "Vektet κ (lineær)",
           "weighted_kappa_quadratic": "Vektet κ (kvadratisk)",
           "weighted_kappa_spec": "Vektet κ (spesifikasjonens vekter)"},
    "en": {"percent_agreement": "Percent agreement", "cohen_kappa": "Cohen's κ",
           "fleiss_kappa": "Fleiss' κ", "gwet_ac1": "Gwet's AC1", "gwet_ac2": "Gwet's AC2",
           "pabak": "PABAK", "brennan_prediger": "Brennan–Prediger",
           "krippendorff_alpha": "Krippendorff's α",
           "weighted_kappa_linear": "Weighted κ (linear)",
           "weighted_kappa_quadratic": "Weighted κ (quadratic)",
           "weighted_kappa_spec": "Weighted κ (the spec's weights)"},
}


# ---- dq reliability: statistics added for issue 12 (Conger's κ, irrCAC's weighted coefficients)
STATISTICS["nb"].update({
    "conger_kappa": "Congers κ",
    "percent_agreement_weighted": "Vektet observert enighet",
    "fleiss_kappa_weighted": "Vektet Fleiss' κ",
    "brennan_prediger_weighted": "Vektet Brennan–Prediger",
    "conger_kappa_weighted": "Vektet Congers κ",
    "weighted_kappa": "Vektet κ (valgte vekter)",
    "bland_altman_proportional_bias": "Proporsjonal skjevhet (Bland–Altman)",
})
STATISTICS["en"].update({
    "conger_kappa": "Conger's κ",
    "percent_agreement_weighted": "Weighted percent agreement",
    "fleiss_kappa_weighted": "Weighted Fleiss' κ",
    "brennan_prediger_weighted": "Weighted Brennan–Prediger",
    "conger_kappa_weighted": "Weighted Conger's κ",
    "weighted_kappa": "Weighted κ (chosen weights)",
    "bland_altman_proportional_bias": "Proportional bias (Bland–Altman)",
})

# National ID classes (dq.fnr.CLASSES), as the report names them; JSON keeps the keys.
FNR_CLASSES: dict[str, dict[str, str]] = {
    "nb": {"fodselsnummer": "fødselsnummer", "d_nummer": "D-nummer", "h_nummer": "H-nummer",
           "syntetisk": "syntetisk", "tom": "tom", "ugyldig_format": "ugyldig format",
           "ugyldig_dato": "ugyldig dato", "ugyldig_kontrollsiffer": "ugyldig kontrollsiffer",
           "kontroll_2032": "gyldig bare etter 2032-regelen"},
    "en": {"fodselsnummer": "fødselsnummer", "d_nummer": "D number", "h_nummer": "H number",
           "syntetisk": "synthetic", "tom": "empty", "ugyldig_format": "invalid format",
           "ugyldig_dato": "invalid date", "ugyldig_kontrollsiffer": "invalid check digit",
           "kontroll_2032": "valid only under the 2032 rule"},
}


# The terminal table's names, at most 16 characters so that the table fits 80 columns; the
# table says once what the Bland–Altman ones stand for (rel.ba_note).
SHORT_STATISTICS: dict[str, dict[str, str]] = {
    "nb": {"percent_agreement": "Obs. enighet", "bland_altman_bias": "BA: skjevhet",
           "bland_altman_loa_low": "BA: nedre grense", "bland_altman_loa_high": "BA: øvre grense",
           "bland_altman_proportional_bias": "BA: helning",
           "weighted_kappa_linear": "Vektet κ (lin.)", "weighted_kappa_quadratic": "Vektet κ (kv.)",
           "weighted_kappa_spec": "Vektet κ (spes.)", "weighted_kappa": "Vektet κ (valgt)",
           "percent_agreement_weighted": "Vektet enighet"},
    "en": {"percent_agreement": "% agreement", "bland_altman_bias": "BA: bias",
           "bland_altman_loa_low": "BA: lower LoA", "bland_altman_loa_high": "BA: upper LoA",
           "bland_altman_proportional_bias": "BA: slope",
           "weighted_kappa_linear": "Wtd κ (linear)", "weighted_kappa_quadratic": "Wtd κ (quadr.)",
           "weighted_kappa_spec": "Wtd κ (spec)", "weighted_kappa": "Wtd κ (chosen)",
           "percent_agreement_weighted": "Wtd % agreement"},
}


def _statistic(stat: str, lang: str) -> str:
    """A statistic's name; ICC forms as Shrout & Fleiss write them, e.g. icc_2_1 → ICC(2,1)."""
    if stat.startswith("icc_") and stat.count("_") == 2:
        _, model, k = stat.split("_")
        return f"ICC({model},{k})"
    if stat in STATISTICS[lang]:
        return STATISTICS[lang][stat]
    return SUB.get(f"stat.{stat}", {}).get(lang, stat)  # e.g. the Bland–Altman limits


UI: dict[str, dict[str, str]] = {
    "rows": {"nb": "rader", "en": "rows"},
    "fig_funnel": {"nb": "Traktplott: {measure} ({period}; 95 % stiplet, 99,8 % heltrukket; "
                         "Spiegelhalter 2005); rødt: utenfor 99,8 %",
                   "en": "Funnel plot: {measure} ({period}; 95 % dashed, 99.8 % solid; "
                         "Spiegelhalter 2005); red: outside 99.8 %"},
    "fig_heatmap": {"nb": "Variabelkompletthet per enhet ({period}; hvit 100 %, rød ≤ 70 %)",
                    "en": "Variable completeness by unit ({period}; white 100 %, red ≤ 70 %)"},
    "fig_coverage": {"nb": "Dekningsgrad per enhet ({period}; mål {target:pct0}, lav "
                           "{low:pct0})",
                     "en": "Coverage (dekningsgrad) by unit ({period}; target {target:pct0}, low "
                           "{low:pct0})"},
    "fig_delay": {"nb": "Median dager fra hendelse til registrering per enhet ({period}; "
                        "stiplet: fristen, {limit} dager)",
                  "en": "Median days from event to registration by unit ({period}; dashed: "
                        "the limit, {limit} days)"},
}


# ---------------------------------------------------------------- the report's fixed words
# Headings, column names and statuses of dq report's terminal, Markdown and HTML
# (dq.render.report_text.TEXT).
REPORT: dict[str, dict[str, str]] = {
    "nb": {"title": "Datakvalitet", "summary": "Oppsummering", "verdict": "Vurdering",
           "check": "Kontroll", "estimate": "Resultat", "ci": "95 % KI", "unit": "Enhet",
           "status": "Status", "worst": "Svakeste enheter", "not_assessed": "ikke vurdert",
           "partially_assessed": "delvis vurdert", "missing": "Ikke vurdert",
           "more": "… {n} til: --format markdown, html eller json",
           "pass": "bestått", "warn": "advarsel", "fail": "ikke bestått",
           "info": "orientering",
           "national": "Nasjonalt", "threshold": "Terskel", "method": "Metode",
           "suppression": "Prikking", "figures": "Figurer", "inputs": "Datagrunnlag",
           "spec_file": "spesifikasjon", "exit": "avslutningskode {code}", "n": "n/N",
           "what": "Hva som skal til", "generated": "Laget med dq",
           "period_year": "Rapportår {year}", "period_previous": "forrige år {previous}",
           "period_all": "Alle år samlet: {span}",
           "period_years": "registreringer {span}",
           "gh_threshold": "terskel {threshold}",
           "gh_unit": "{units}, blant dem {unit}: {figure}",
           "gh_unit_one": "1 enhet, {unit}: {figure}",
           "gh_more": "{fail} flere ikke beståtte kontroller og {warn} flere med advarsel er "
                      "ikke annotert (høyst {limit}); se rapporten"},
    "en": {"title": "Data quality", "summary": "Summary", "verdict": "Verdict",
           "check": "Check", "estimate": "Result", "ci": "95 % CI", "unit": "Unit",
           "status": "Status", "worst": "Worst units", "not_assessed": "not assessed",
           "partially_assessed": "partially assessed", "missing": "Not assessed",
           "more": "… {n} more: --format markdown, html or json",
           "pass": "pass", "warn": "warning", "fail": "fail", "info": "info",
           "national": "National", "threshold": "Threshold", "method": "Method",
           "suppression": "Small cells", "figures": "Figures", "inputs": "Data",
           "spec_file": "spec", "exit": "exit {code}", "n": "n/N",
           "what": "What would assess it", "generated": "Made with dq",
           "period_year": "Report year {year}", "period_previous": "previous year {previous}",
           "period_all": "All years pooled: {span}",
           "period_years": "registrations {span}",
           "gh_threshold": "threshold {threshold}",
           "gh_unit": "{units}, among them {unit}: {figure}",
           "gh_unit_one": "1 unit, {unit}: {figure}",
           "gh_more": "{fail} more failing and {warn} more warning checks not annotated (at "
                      "most {limit}); see the report"},
}
# (the words are used as they are, not through render(): the no-break space before % here)
REPORT["nb"] = {key: text.replace(" %", "\u202f%") for key, text in REPORT["nb"].items()}


def ui(key: str, lang: str, /, **params: Any) -> str:
    return render(UI[key][lang], lang, params)


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        lang = self.lang
        if value is None:
            return "–"
        if isinstance(value, str) and spec in ("count", "classes"):
            return value  # a count hidden by small-cell suppression: "<5" or ":"
        if isinstance(value, dict) and "word" in value:
            return word(value["word"], lang, **{k: v for k, v in value.items() if k != "word"})
        if spec == "changes":
            return "; ".join(_change(c, lang) for c in value)
        if spec == "classes":
            return ", ".join(f"{FNR_CLASSES[lang].get(k, k)} "
                             f"{v if isinstance(v, str) else count(v, lang)}"
                             for k, v in value.items() if v)
        if spec == "statistic":
            return _statistic(str(value), lang)
        if spec == "label":
            return LABELS[lang].get(str(value), str(value))
        if spec == "count":
            return count(value, lang)
        if spec in ("pct", "pct0"):
            return pct(value, lang, 0 if spec == "pct0" else 1).replace("-", MINUS)
        if spec == "pp":
            points = round(100 * value, 1) + 0.0  # no "−0,0": a change that rounds to none
            text = num(abs(points), lang, 1)
            sign = "+" if points > 0 else "-" if points < 0 else ""
            unit = " prosentpoeng" if lang == "nb" else " pp"
            return (sign + text).replace("-", MINUS) + unit
        if spec in ("num1", "num2", "num3"):
            return num(value, lang, int(spec[-1])).replace("-", MINUS)
        if spec in ("g", "p"):  # a plain number / a p-value: two significant digits
            text = f"{value:.2g}" if spec == "p" else f"{value:g}"
            if lang == "nb":
                text = text.replace(".", ",")
            return text.replace("-", MINUS) if "e" not in text else text
        if spec == "days":
            n = round(value)
            noun = ("dag" if n == 1 else "dager") if lang == "nb" else ("day" if n == 1 else "days")
            return f"{count(n, lang)} {noun}"
        if spec == "date":
            d = value if isinstance(value, date) else date.fromisoformat(str(value))
            return d.strftime("%d.%m.%Y") if lang == "nb" else d.isoformat()
        if spec == "list":
            return ", ".join(str(v) for v in value)
        if spec == "and":  # "a, b og c" / "a, b and c"
            items = [str(v) for v in value]
            last = " og " if lang == "nb" else " and "
            return last.join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else \
                "".join(items)
        return str(value)


def _change(change: dict[str, Any], lang: str) -> str:
    """One year's change of codes: declared codes by name, any other value only counted."""
    parts = [str(c) for c in change["codes"]]
    n = change.get("undeclared", 0)
    if n:
        parts.append(word("undeclared_one", lang) if n == 1 else word("undeclared", lang, n=n))
    return f"{change['year']}: {word(change['kind'], lang)} {', '.join(parts)}"


# A fix that names options: "[[ or pass --unit]]" is shown only when the running command has
# every option it names, "[[pass --encoding||set [dataset] encoding]]" shows the part after
# "||" when it lacks one (dq report has no --encoding; outside a command none is had).
_WITH_OPTIONS = re.compile(r"\[\[(.*?)(?:\|\|(.*?))?\]\]", re.S)
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _for_command(template: str) -> str:
    had = _OPTIONS.get()

    def pick(found: re.Match[str]) -> str:
        wanted = [o for o in OPTION.findall(found.group(1)) if o != "--help"]
        return found.group(1) if all(o in had for o in wanted) else (found.group(2) or "")

    return _WITH_OPTIONS.sub(pick, template) if "[[" in template else template


def render(template: str, lang: str, params: dict[str, Any]) -> str:
    template = _for_command(template)
    if lang == "nb":  # Norwegian typography: a non-breaking thin space before % ("95 % KI")
        template = template.replace(" %", "\u202f%")
    return _Formatter(lang).format(template, **params)


def check_text(key: str, lang: str, params: dict[str, Any]) -> str:
    """The text of a check's title or figure variant, e.g. ``kompletthet.variabel.title``."""
    return render(CHECKS[key][lang], lang, params)


def word(key: str, lang: str, /, **params: Any) -> str:
    return render(WORDS[key][lang], lang, params)


# ---------------------------------------------------------------- dq plan and dq sample
# Texts of `dq plan` (sample-size planning, dq.plan) and `dq sample` (dq.sample). Keys:
# "plan.sentence.<measure>" the paragraph a grant application can quote, "plan.method.<method>"
# the method's name, "plan.note.<note>" a caveat, "plan.label.<field>" the terminal table's rows,
# "sample.*" the allocation table and summary.
PLAN: dict[str, dict[str, str]] = {
    "plan.title": {"nb": "Planlagt utvalgsstørrelse: {measure}",
                   "en": "Planned sample size: {measure}"},
    "plan.measure.kappa": {"nb": "κ (samsvar mellom registratorer)",
                           "en": "κ (agreement between raters)"},
    "plan.measure.icc": {"nb": "ICC (reliabilitet, kontinuerlige mål)",
                         "en": "ICC (reliability, continuous measures)"},
    "plan.measure.sensitivity": {"nb": "sensitivitet", "en": "sensitivity"},
    "plan.measure.specificity": {"nb": "spesifisitet", "en": "specificity"},
    "plan.measure.proportion": {"nb": "andel", "en": "proportion"},
    "plan.measure.difference": {"nb": "forskjell mellom to andeler (før/etter)",
                                "en": "difference between two proportions (before/after)"},
    "plan.prev.binary": {"nb": "andelen med egenskapen er {share:pct0}",
                         "en": "the share with the trait is {share:pct0}"},
    "plan.prev.multi": {"nb": "kategoriandelene er {shares}",
                        "en": "the category shares are {shares}"},
    "plan.sentence.kappa.ci": {
        "nb": "Med {n:count} kasus, hvert vurdert av {raters} registratorer, blir forventet "
              "{level:pct0} KI for κ {ci} når κ = {kappa:num2} og {prev}.",
        "en": "With {n:count} cases, each rated by {raters} raters, the expected {level:pct0} CI "
              "for κ is {ci} when κ = {kappa:num2} and {prev}."},
    "plan.sentence.kappa.power": {
        "nb": "Med {n:count} kasus, hvert vurdert av {raters} registratorer, har studien "
              "{power:pct0} styrke til å forkaste κ = {kappa0:num2} når sann κ er {kappa:num2} "
              "og {prev} ({sided}-sidig test, α = {alpha:g}).",
        "en": "With {n:count} cases, each rated by {raters} raters, the study has {power:pct0} "
              "power to reject κ = {kappa0:num2} when the true κ is {kappa:num2} and {prev} "
              "({sided}-sided test, α = {alpha:g})."},
    "plan.sentence.icc.ci": {
        "nb": "Med {n:count} kasus, hvert målt av {raters} registratorer, blir forventet "
              "{level:pct0} KI for ICC omtrent {width:num2} bredt når ICC = {icc:num2}.",
        "en": "With {n:count} cases, each measured by {raters} raters, the expected {level:pct0} "
              "CI for the ICC is about {width:num2} wide when the ICC is {icc:num2}."},
    "plan.sentence.icc.power": {
        "nb": "Med {n:count} kasus, hvert målt av {raters} registratorer, har studien "
              "{power:pct0} styrke til å forkaste ICC = {icc0:num2} når sann ICC er {icc:num2} "
              "({sided}-sidig test, α = {alpha:g}).",
        "en": "With {n:count} cases, each measured by {raters} raters, the study has "
              "{power:pct0} power to reject ICC = {icc0:num2} when the true ICC is {icc:num2} "
              "({sided}-sided test, α = {alpha:g})."},
    "plan.sentence.sensitivity": {
        "nb": "Med {n:count} pasienter med tilstanden ({n_total:count} pasienter i alt ved en "
              "forekomst på {prevalence:pct}) blir forventet {level:pct0} KI for sensitivitet "
              "{ci} når sensitiviteten er {value:pct}.",
        "en": "With {n:count} patients with the condition ({n_total:count} patients in all at "
              "a prevalence of {prevalence:pct}) the expected {level:pct0} CI for sensitivity "
              "is {ci} when the sensitivity is {value:pct}."},
    "plan.sentence.specificity": {
        "nb": "Med {n:count} pasienter uten tilstanden ({n_total:count} pasienter i alt ved en "
              "forekomst på {prevalence:pct}) blir forventet {level:pct0} KI for spesifisitet "
              "{ci} når spesifisiteten er {value:pct}.",
        "en": "With {n:count} patients without the condition ({n_total:count} patients in all "
              "at a prevalence of {prevalence:pct}) the expected {level:pct0} CI for "
              "specificity is {ci} when the specificity is {value:pct}."},
    "plan.sentence.proportion": {
        "nb": "Med {n:count} registreringer blir forventet {level:pct0} KI for andelen "
              "{ci} når andelen er {value:pct}.",
        "en": "With {n:count} records the expected {level:pct0} CI for the proportion is "
              "{ci} when the proportion is {value:pct}."},
    "plan.sentence.difference": {
        "nb": "Med {n:count} registreringer i hver gruppe ({n_total:count} i alt) har studien "
              "{power:pct0} styrke til å påvise en endring fra {p1:pct} til {p2:pct} "
              "({sided}-sidig test, α = {alpha:g}).",
        "en": "With {n:count} records in each group ({n_total:count} in all) the study has "
              "{power:pct0} power to detect a change from {p1:pct} to {p2:pct} ({sided}-sided "
              "test, α = {alpha:g})."},
    "plan.sentence.method": {"nb": "Metode: {method} ({reference}).",
                             "en": "Method: {method} ({reference})."},
    "plan.method.kappa_ci_binary": {
        "nb": "konfidensintervall for κ, to kategorier", "en": "confidence interval for κ, two "
                                                            "categories"},
    "plan.method.kappa_ci_multi": {
        "nb": "konfidensintervall for κ, {categories} kategorier",
        "en": "confidence interval for κ, {categories} categories"},
    "plan.method.kappa_power_binary": {
        "nb": "styrke for κ (goodness-of-fit-test), to kategorier",
        "en": "power for κ (goodness-of-fit test), two categories"},
    "plan.method.kappa_power_multi": {
        "nb": "styrke for κ (goodness-of-fit-test), {categories} kategorier",
        "en": "power for κ (goodness-of-fit test), {categories} categories"},
    "plan.method.icc_width": {"nb": "bredden av KI for ICC", "en": "width of the CI for the ICC"},
    "plan.method.icc_power": {"nb": "styrke for ICC mot en nullverdi",
                              "en": "power for the ICC against a null value"},
    "plan.method.wald": {"nb": "Wald-intervall", "en": "Wald interval"},
    "plan.method.wilson": {"nb": "Wilson-intervall", "en": "Wilson interval"},
    "plan.method.clopper-pearson": {"nb": "eksakt intervall (Clopper–Pearson)",
                                    "en": "exact interval (Clopper–Pearson)"},
    "plan.method.fleiss_cc": {"nb": "to uavhengige andeler, med kontinuitetskorreksjon",
                              "en": "two independent proportions, continuity-corrected"},
    "plan.method.fleiss": {"nb": "to uavhengige andeler, uten kontinuitetskorreksjon",
                           "en": "two independent proportions, no continuity correction"},
    "plan.note.small_cells": {
        "nb": "Minst én forventet celle har færre enn 5 kasus: χ²-tilnærmingen er grov "
              "(kappaSize varsler det samme).",
        "en": "At least one expected cell count is below 5: the χ² approximation is rough "
              "(kappaSize warns the same)."},
    "plan.note.limit_outside": {
        "nb": "En grense for det forventede intervallet ligger utenfor 0–1 og vises ikke; "
              "studien er for liten til å avgrense κ på den siden.",
        "en": "A limit of the expected interval lies outside 0–1 and is not shown; the study "
              "is too small to bound κ on that side."},
    "plan.note.bonett_plus": {
        "nb": "5·ICC er lagt til n, som Bonett (2002) anbefaler for to registratorer og "
              "ICC ≥ 0,7.",
        "en": "5·ICC is added to n, as Bonett (2002) recommends for two raters and ICC ≥ 0.7."},
    "plan.note.wald_outside": {
        "nb": "Wald-intervallet går utenfor 0–1; bruk --method wilson eller clopper-pearson.",
        "en": "The Wald interval goes outside 0–1; use --method wilson or clopper-pearson."},
    "plan.note.search": {
        "nb": "n er den minste n der forventet intervall (ved x = p·n) ikke er bredere enn "
              "ønsket.",
        "en": "n is the smallest n whose expected interval (at x = p·n) is no wider than asked."},
    "plan.label.n.kappa": {"nb": "Kasus (n)", "en": "Cases (n)"},
    "plan.label.n.icc": {"nb": "Kasus (n)", "en": "Cases (n)"},
    "plan.label.n.sensitivity": {"nb": "Pasienter med tilstanden (n)",
                                 "en": "Patients with the condition (n)"},
    "plan.label.n.specificity": {"nb": "Pasienter uten tilstanden (n)",
                                 "en": "Patients without the condition (n)"},
    "plan.label.n.proportion": {"nb": "Registreringer (n)", "en": "Records (n)"},
    "plan.label.n.difference": {"nb": "Registreringer per gruppe (n)",
                                "en": "Records per group (n)"},
    "plan.label.n_total.sensitivity": {"nb": "Pasienter i alt", "en": "Patients in all"},
    "plan.label.n_total.specificity": {"nb": "Pasienter i alt", "en": "Patients in all"},
    "plan.label.n_total.difference": {"nb": "Registreringer i alt", "en": "Records in all"},
    "plan.label.n_exact": {"nb": "n før avrunding", "en": "n before rounding up"},
    "plan.label.ci": {"nb": "Forventet {level:pct0} KI", "en": "Expected {level:pct0} CI"},
    "plan.label.width": {"nb": "KI-bredde", "en": "CI width"},
    "plan.label.power": {"nb": "Styrke", "en": "Power"},
    "plan.label.alpha": {"nb": "α ({sided}-sidig)", "en": "α ({sided}-sided)"},
    "plan.label.method": {"nb": "Metode", "en": "Method"},
    "plan.label.reference": {"nb": "Referanse", "en": "Reference"},
    "plan.label.kappa": {"nb": "Forventet κ", "en": "Expected κ"},
    "plan.label.kappa0": {"nb": "κ under nullhypotesen", "en": "κ under the null"},
    "plan.label.icc": {"nb": "Forventet ICC", "en": "Expected ICC"},
    "plan.label.icc0": {"nb": "ICC under nullhypotesen", "en": "ICC under the null"},
    "plan.label.raters": {"nb": "Registratorer", "en": "Raters"},
    "plan.label.categories": {"nb": "Kategorier", "en": "Categories"},
    "plan.label.prevalence": {"nb": "Forekomst / andel med egenskapen",
                              "en": "Prevalence / share with the trait"},
    "plan.label.sensitivity": {"nb": "Forventet sensitivitet", "en": "Expected sensitivity"},
    "plan.label.specificity": {"nb": "Forventet spesifisitet", "en": "Expected specificity"},
    "plan.label.proportion": {"nb": "Forventet andel", "en": "Expected proportion"},
    "plan.label.p1": {"nb": "Andel før (p1)", "en": "Proportion before (p1)"},
    "plan.label.p2": {"nb": "Andel etter (p2)", "en": "Proportion after (p2)"},
    "plan.label.notes": {"nb": "Merknader", "en": "Notes"},
    "plan.label.assumptions": {"nb": "Forutsetninger", "en": "Assumptions"},
    # dq plan --from-study (planning values from a pilot inter-rater study)
    "plan.sentence.pilot": {
        "nb": "Fra pilotstudien {file} (variabel {variable}, {n:count} kasus, {raters:count} "
              "registratorer): {statistic} = {value:num2} (95 % KI {ci}); "
              "herfra er hentet {taken}.",
        "en": "From the pilot study {file} (variable {variable}, {n:count} cases, "
              "{raters:count} raters): {statistic} = {value:num2} (95 % CI {ci}); taken from "
              "it: {taken}."},
    "plan.pilot.kappa": {"nb": "forventet κ", "en": "the expected κ"},
    "plan.pilot.icc": {"nb": "forventet ICC", "en": "the expected ICC"},
    "plan.pilot.prevalence": {"nb": "kategoriandelene", "en": "the category shares"},
    "plan.pilot.raters": {"nb": "antall registratorer", "en": "the number of raters"},
    "plan.pilot.none": {"nb": "ingenting (alle verdier er gitt)",
                        "en": "nothing (every value was given)"},
    "plan.pilot.and": {"nb": " og ", "en": " and "},
    "plan.pilot.fleiss_kappa": {"nb": "Fleiss' κ", "en": "Fleiss' κ"},
    "plan.pilot.icc_2_1": {"nb": "ICC(2,1)", "en": "ICC(2,1)"},
    "plan.label.pilot": {"nb": "Pilotstudie", "en": "Pilot study"},
    "plan.pilot.row": {"nb": "{file}, {variable}: {statistic} = {value:num2}, {n:count} kasus",
                       "en": "{file}, {variable}: {statistic} = {value:num2}, {n:count} cases"},
    # dq correctness --weights (the weighted estimates of a study drawn by dq sample)
    "corr.weighted": {
        "nb": "Andelene er vektet med utvalgsvektene i {column} (Hájek-estimator); «riktige/n» "
              "er registreringene i studien, og KI bruker Kish' effektive utvalgsstørrelse.",
        "en": "The shares are weighted by the sampling weights in {column} (Hájek estimator); "
              "\"correct/n\" are the study's records, and the CIs use Kish's effective sample "
              "size."},
    # dq sample
    "sample.title": {"nb": "Tilfeldig utvalg for {purpose}: {n:count} av {population:count} "
                           "registreringer",
                     "en": "Random sample for {purpose}: {n:count} of {population:count} "
                           "records"},
    "sample.purpose": {"nb": "en datakvalitetsstudie", "en": "a data-quality study"},
    "sample.col.stratum": {"nb": "Stratum", "en": "Stratum"},
    "sample.col.unit_name": {"nb": "Navn", "en": "Name"},
    "sample.col.population": {"nb": "Registreringer", "en": "Records"},
    "sample.col.n": {"nb": "Utvalg", "en": "Sampled"},
    "sample.col.oversampled": {"nb": "Mangler verdi (overutvalg)",
                               "en": "Missing value (oversampled)"},
    "sample.col.weight": {"nb": "Vekt", "en": "Weight"},
    "sample.total": {"nb": "I alt", "en": "Total"},
    "sample.summary": {
        "nb": "Allokering: {allocation}; frø {seed}; uttrekk sha256 {sha}. Listen med "
              "nøkler er skrevet til {output} (vises aldri i terminalen).",
        "en": "Allocation: {allocation}; seed {seed}; export sha256 {sha}. The list of keys is "
              "written to {output} (never shown in the terminal)."},
    "sample.allocation.proportional": {"nb": "proporsjonal med antall registreringer",
                                       "en": "proportional to the number of records"},
    "sample.allocation.equal": {"nb": "likt antall per stratum", "en": "equal per stratum"},
    "sample.allocation.neyman": {"nb": "Neyman (proporsjonal med N·√(p(1−p)))",
                                 "en": "Neyman (proportional to N·√(p(1−p)))"},
    "sample.allocation.simple": {"nb": "enkelt tilfeldig utvalg", "en": "simple random sample"},
    "sample.small": {
        "nb": "Strata med færre enn {min_n} registreringer i populasjonen vises som <{min_n}, "
              "uten utvalgsstørrelse og vekt (alle deres registreringer kan bli trukket); er "
              "bare ett stratum skjult, skjules også det minste av de andre (:), så totalen ikke "
              "avslører det. Manifestet skjuler de samme.",
        "en": "Strata with fewer than {min_n} records in the population are shown as "
              "<{min_n}, without sample size and weight (all their records may be drawn); when "
              "only one stratum would be hidden, the smallest other one is hidden too (:), so "
              "that the total does not give it away. The manifest hides the same."},
}


def plan_text(key: str, lang: str, /, **params: Any) -> str:
    """A text of ``dq plan`` or ``dq sample`` (the PLAN block above)."""
    return render(PLAN[key][lang], lang, params)
# ---- dq report: the published chapter (dq.render.chapter, report_html, report_markdown)
# Headings, sentences and figure texts of the terminal, Markdown and HTML report. A key ending
# in "_one" is the singular of the key without it (``chapter_n``).
CHAPTER: dict[str, dict[str, str]] = {
    "contents": {"nb": "Innhold", "en": "Contents"},
    "unit_col": {"nb": "Enhet", "en": "Unit"},
    "national_col": {"nb": "Nasjonalt", "en": "National"},
    "ci_col": {"nb": "95 % KI", "en": "95 % CI"},
    "paradox_short": {"nb": "κ-paradokset ({variables:list}): κ er lav selv om registratorene er "
                            "enige i de fleste tilfellene; les AC1 ved siden av.",
                      "en": "The kappa paradox ({variables:list}): κ is low although the raters "
                            "agree on most cases; read AC1 beside it."},
    "top_findings": {"nb": "De viktigste funnene", "en": "The main findings"},
    "more_in_findings": {"nb": "{n:count} funn til under Funn", "en": "{n:count} more findings "
                         "under Findings"},
    "more_findings": {"nb": "… {n:count} funn til: --format html eller markdown",
                      "en": "… {n:count} more findings: --format html or markdown"},
    "summary": {"nb": "Oppsummering", "en": "Summary"},
    "dimension": {"nb": "Dimensjon", "en": "Dimension"},
    "key": {"nb": "Nøkkeltall", "en": "Key figure"},
    "findings": {"nb": "Funn: kontroller som ikke er bestått eller gir advarsel",
                 "en": "Findings: checks that fail or warn"},
    "findings_short": {"nb": "Funn", "en": "Findings"},
    "no_findings": {"nb": "Ingen kontroller er ikke bestått eller gir advarsel.",
                    "en": "No check fails or warns."},
    "passing": {"nb": "Bestått", "en": "Passed"},
    "figures": {"nb": "Figurer", "en": "Figures"},
    "methods": {"nb": "Metoder", "en": "Methods"},
    "by_unit": {"nb": "Per enhet", "en": "By unit"},
    "appendix": {"nb": "Vedlegg: alle kontroller", "en": "Appendix: every check"},
    "appendix_reliability": {"nb": "Vedlegg: alle mål for enighet",
                             "en": "Appendix: every agreement statistic"},
    "reliability_headline": {"nb": "Reliabilitet: ett hovedmål per variabel",
                             "en": "Reliability: one headline statistic per variable"},
    "variable": {"nb": "Variabel", "en": "Variable"},
    "statistic": {"nb": "Mål", "en": "Statistic"},
    "beside": {"nb": "Ved siden av", "en": "Beside it"},
    "label": {"nb": "Gradering", "en": "Grade"},
    "units_col": {"nb": "Enheter", "en": "Units"},
    "failing_col": {"nb": "Ikke bestått", "en": "Fail"},
    "warning_col": {"nb": "Advarsel", "en": "Warning"},
    "formula": {"nb": "Formel", "en": "Formula"},
    "reference": {"nb": "Referanse", "en": "Reference"},
    "thresholds_from": {"nb": "Terskler", "en": "Thresholds"},
    "period": {"nb": "periode", "en": "period"},
    "national": {"nb": "nasjonalt", "en": "national"},
    "in_units": {"nb": "{status} i {n:count} enheter", "en": "{status} in {n:count} units"},
    "in_units_one": {"nb": "{status} i 1 enhet", "en": "{status} in 1 unit"},
    "more_units": {"nb": "og {n:count} til", "en": "and {n:count} more"},
    "checks_n": {"nb": "{n:count} kontroller", "en": "{n:count} checks"},
    "checks_n_one": {"nb": "1 kontroll", "en": "1 check"},
    "variables_n": {"nb": "{n:count} variabler", "en": "{n:count} variables"},
    "variables_n_one": {"nb": "1 variabel", "en": "1 variable"},
    "n_fail": {"nb": "{n:count} ikke bestått", "en": "{n:count} fail"},
    "n_warn": {"nb": "{n:count} med advarsel", "en": "{n:count} warn"},
    "n_pass": {"nb": "{n:count} bestått", "en": "{n:count} pass"},
    "n_info": {"nb": "{n:count} til orientering", "en": "{n:count} for information"},
    "n_not_assessed": {"nb": "{n:count} ikke vurdert", "en": "{n:count} not assessed"},
    "and": {"nb": "og", "en": "and"},
    "sentence_checks": {"nb": "Av {what}: {parts}.", "en": "Of {what}: {parts}."},
    "sentence_all_pass": {"nb": "Alle {what} er bestått.", "en": "All {what} pass."},
    "sentence_units": {"nb": "{n:count} enheter har minst ett avvik.",
                       "en": "{n:count} units are flagged by at least one check."},
    "sentence_units_one": {"nb": "1 enhet har minst ett avvik.",
                           "en": "1 unit is flagged by at least one check."},
    "units_clean": {"nb": "{n:count} enheter uten avvik.", "en": "{n:count} units with no flag."},
    "units_clean_one": {"nb": "1 enhet uten avvik.", "en": "1 unit with no flag."},
    "info_more": {"nb": "{n:count} til orientering (ikke gradert)",
                  "en": "{n:count} for information (not graded)"},
    "paradox": {
        "nb": "κ-paradokset: {variables:list}. κ er lav selv om registratorene er enige i de "
              "fleste tilfellene, fordi nesten alle har samme verdi (skjev prevalens). Da sier "
              "κ lite om enigheten; les observert enighet og Gwets AC1 ved siden av "
              "(Feinstein & Cicchetti 1990; Gwet 2008).",
        "en": "The kappa paradox: {variables:list}. κ is low although the raters agree on most "
              "cases, because nearly all cases have the same value (skewed prevalence). κ then "
              "says little about agreement; read observed agreement and Gwet's AC1 beside it "
              "(Feinstein & Cicchetti 1990; Gwet 2008)."},
    "full_report": {"nb": "Hele rapporten med figurer og metoder: --format html eller markdown",
                    "en": "The full report with figures and methods: --format html or markdown"},
    "figures_files": {"nb": "Figurene ligger som filer i {folder}.",
                      "en": "The figures are files in {folder}."},
    "figure_data": {"nb": "Tallene i figuren", "en": "The figure's numbers"},
    "hidden": {"nb": "skjult", "en": "hidden"},
    # figures: axes, legends and text alternatives
    "axis_share": {"nb": "Andel (%)", "en": "Share (%)"},
    "axis_n": {"nb": "Antall registreringer i enheten (n)", "en": "Records of the unit (n)"},
    "axis_n_coverage": {"nb": "Antall i referansen (n)", "en": "Count in the reference (n)"},
    "axis_coverage": {"nb": "Dekningsgrad (%) med 95 % KI", "en": "Coverage, dekningsgrad (%) with 95 % CI"},
    "axis_timeliness": {"nb": "Andel registrert innen {limit} dager (%) med 95 % KI",
                        "en": "Share registered within {limit} days (%) with 95 % CI"},
    "legend_within": {"nb": "innenfor grensene", "en": "within the limits"},
    "legend_outside95": {"nb": "utenfor 95 %", "en": "outside 95 %"},
    "legend_outside998": {"nb": "utenfor 99,8 %", "en": "outside 99.8 %"},
    "legend_limits": {"nb": "stiplet 95 %, heltrukket 99,8 %, grå linje: samlet andel",
                      "en": "dashed 95 %, solid 99.8 %, grey line: pooled share"},
    "legend_pass": {"nb": "bestått", "en": "pass"},
    "legend_warn": {"nb": "advarsel", "en": "warning"},
    "legend_fail": {"nb": "ikke bestått", "en": "fail"},
    "legend_hidden": {"nb": "«{hidden}»: skjult (små tall)", "en": "«{hidden}»: hidden (small counts)"},
    "line_target": {"nb": "mål {v:pct0}", "en": "target {v:pct0}"},
    "line_low": {"nb": "lav {v:pct0}", "en": "low {v:pct0}"},
    "line_warn": {"nb": "advarsel under {v:pct0}", "en": "warning below {v:pct0}"},
    "line_fail": {"nb": "ikke bestått under {v:pct0}", "en": "fail below {v:pct0}"},
    "heat_legend": {"nb": "Kompletthet", "en": "Completeness"},
    "heat_marks": {"nb": "× ikke bestått, • advarsel, grå: skjult", "en": "× fail, • warning, "
                   "grey: hidden"},
    "fig_funnel": {"nb": "Traktplott: {measure} ({period}); kontrollgrenser 95 % og 99,8 % rundt "
                         "{theta:pct}, andelen for enhetene i plottet samlet{left_out} "
                         "(Spiegelhalter 2005)",
                   "en": "Funnel plot: {measure} ({period}); 95 % and 99.8 % control limits "
                         "around {theta:pct}, the pooled share of the units plotted{left_out} "
                         "(Spiegelhalter 2005)"},
    "funnel_left_out": {"nb": "; {n:count} enheter med flere i registeret enn i referansen er "
                              "ikke med",
                        "en": "; {n:count} units with more in the registry than in the "
                              "reference are not plotted"},
    "funnel_left_out_one": {"nb": "; 1 enhet med flere i registeret enn i referansen er ikke med",
                            "en": "; 1 unit with more in the registry than in the reference is "
                                  "not plotted"},
    "fig_coverage": {"nb": "Dekningsgrad per enhet med 95 % KI ({period}; mål {target:pct0}, lav "
                           "{low:pct0})",
                     "en": "Coverage (dekningsgrad) by unit with 95 % CI ({period}; target {target:pct0}, "
                           "low {low:pct0})"},
    "fig_timeliness": {"nb": "Andel registrert innen {limit} dager per enhet med 95 % KI "
                             "({period}; advarsel under {warn:pct0}, ikke bestått under "
                             "{fail:pct0})",
                       "en": "Share registered within {limit} days by unit with 95 % CI "
                             "({period}; warning below {warn:pct0}, fail below {fail:pct0})"},
    "fig_heatmap": {"nb": "Variabelkompletthet per enhet og variabel ({period})",
                    "en": "Variable completeness by unit and variable ({period})"},
    "alt_funnel": {"nb": "{units:count} enheter; samlet {theta:pct}{left_out}. Utenfor "
                         "99,8 %-grensen: {outside}.",
                   "en": "{units:count} units; pooled {theta:pct}{left_out}. Outside the 99.8 % "
                         "limit: {outside}."},
    "alt_bars": {"nb": "{units:count} enheter: {parts}. {flagged}",
                 "en": "{units:count} units: {parts}. {flagged}"},
    "alt_flagged": {"nb": "Med avvik: {list}.", "en": "Flagged: {list}."},
    "alt_heatmap": {"nb": "{variables:count} variabler i {units:count} enheter; {cells:count} "
                          "celler ikke bestått og {warned:count} med advarsel. {list}",
                    "en": "{variables:count} variables in {units:count} units; {cells:count} "
                          "cells fail and {warned:count} warn. {list}"},
    "none": {"nb": "ingen", "en": "none"},
}

# Passing checks of one definition, collapsed into one line: "29 variabler innenfor lovlige
# koder og grenser". "_one": the singular.
FAMILIES: dict[str, dict[str, str]] = {
    "kompletthet.variabel": {"nb": "{n:count} variabler med kompletthet over grensen",
                             "en": "{n:count} variables complete above the limit"},
    "kompletthet.variabel_one": {"nb": "1 variabel med kompletthet over grensen",
                                 "en": "1 variable complete above the limit"},
    "korrekthet.verdier": {"nb": "{n:count} variabler innenfor lovlige koder og grenser",
                           "en": "{n:count} variables within allowed codes and ranges"},
    "korrekthet.verdier_one": {"nb": "1 variabel innenfor lovlige koder og grenser",
                               "en": "1 variable within allowed codes and ranges"},
    "korrekthet.datoer": {"nb": "{n:count} datorekkefølger holder", "en": "{n:count} date orders hold"},
    "korrekthet.datoer_one": {"nb": "1 datorekkefølge holder", "en": "1 date order holds"},
    "korrekthet.framtid": {"nb": "{n:count} datovariabler uten datoer etter uttrekket",
                           "en": "{n:count} date variables with no date after the export"},
    "korrekthet.framtid_one": {"nb": "1 datovariabel uten datoer etter uttrekket",
                               "en": "1 date variable with no date after the export"},
    "korrekthet.kodeformat": {"nb": "{n:count} kodevariabler med gyldig kodeformat",
                              "en": "{n:count} code variables in a valid format"},
    "korrekthet.kodeformat_one": {"nb": "1 kodevariabel med gyldig kodeformat",
                                  "en": "1 code variable in a valid format"},
    "korrekthet.validering": {"nb": "{n:count} variabler i samsvar med journalen",
                              "en": "{n:count} variables agree with the medical record"},
    "korrekthet.validering_one": {"nb": "1 variabel i samsvar med journalen",
                                  "en": "1 variable agrees with the medical record"},
    "reliabilitet": {"nb": "{n:count} variabler med god nok enighet mellom registratorer",
                     "en": "{n:count} variables with enough agreement between registrars"},
    "reliabilitet_one": {"nb": "1 variabel med god nok enighet mellom registratorer",
                         "en": "1 variable with enough agreement between registrars"},
    "aktualitet.registrering": {"nb": "{n:count} år registrert innen fristen",
                                "en": "{n:count} years registered within the limit"},
    "aktualitet.registrering_one": {"nb": "registrert innen fristen",
                                    "en": "registered within the limit"},
    "sammenlignbarhet.trakt": {"nb": "{n:count} mål uten enheter utenfor trakten",
                               "en": "{n:count} measures with no unit outside the funnel"},
    "sammenlignbarhet.trakt_one": {"nb": "1 mål uten enheter utenfor trakten",
                                   "en": "1 measure with no unit outside the funnel"},
    "sammenlignbarhet.skift": {"nb": "{n:count} mål uten signifikante skift mellom år",
                               "en": "{n:count} measures with no significant shift between years"},
    "sammenlignbarhet.skift_one": {"nb": "1 mål uten signifikante skift mellom år",
                                   "en": "1 measure with no significant shift between years"},
    "sammenlignbarhet.koder": {"nb": "{n:count} variabler med de samme kodene hvert år",
                               "en": "{n:count} variables with the same codes every year"},
    "sammenlignbarhet.koder_one": {"nb": "1 variabel med de samme kodene hvert år",
                                   "en": "1 variable with the same codes every year"},
    "sammenlignbarhet.id": {"nb": "{n:count} ID-er for kobling i alle registreringer",
                            "en": "{n:count} linkage ids in every record"},
    "sammenlignbarhet.id_one": {"nb": "1 ID for kobling i alle registreringer",
                                "en": "1 linkage id in every record"},
}

# Methods: what each check measures and how, its formula by name, and the reference. Said once
# per check definition in the report's methods section.
METHODS: dict[str, dict[str, str]] = {
    "kompletthet.tilslutning": {
        "nb": "Enheter som rapporterer til registeret, delt på enhetene i referansen (NPR) for "
              "samme år. En telling av alle enheter, ikke et utvalg: uten konfidensintervall.",
        "en": "Units reporting to the registry divided by the units in the reference (NPR) for "
              "the same year. A count of every unit, not a sample: no confidence interval."},
    "kompletthet.dekningsgrad": {
        "nb": "Registerets antall hendelser delt på referansens antall for samme "
              "inklusjonskriterier (aggregert), eller registerets andel av unionen av de to "
              "kildene etter kobling på person og dato (kobling). Wilsons 95 % KI.",
        "en": "The registry's count of events divided by the reference's for the same inclusion "
              "criteria (aggregate), or the registry's share of the union of both sources after "
              "linking persons and dates (linkage). Wilson 95 % CI."},
    "kompletthet.variabel": {
        "nb": "Andel gyldige verdier blant registreringene der variabelen skal fylles ut: "
              "(aktuelle − mangler − ukjent − ugyldig) / aktuelle. Wilsons 95 % KI.",
        "en": "Share of valid values among the records where the variable applies: (applicable "
              "− missing − unknown − invalid) / applicable. Wilson 95 % CI."},
    "kompletthet.records": {
        "nb": "Andel registreringer med gyldig verdi i alle obligatoriske variabler. Wilsons "
              "95 % KI.",
        "en": "Share of records valid on every mandatory variable. Wilson 95 % CI."},
    "korrekthet.verdier": {
        "nb": "Andel registrerte verdier utenfor kodelisten eller grensene i kodeboken. Verdiene "
              "selv vises aldri, bare antallet.",
        "en": "Share of registered values outside the codebook's codes or range. The values are "
              "never shown, only counted."},
    "korrekthet.datoer": {
        "nb": "Andel registreringer der en påkrevd datorekkefølge ikke holder.",
        "en": "Share of records where a required date order does not hold."},
    "korrekthet.framtid": {
        "nb": "Andel datoer etter uttrekksdatoen.", "en": "Share of dates after the export date."},
    "korrekthet.kodeformat": {
        "nb": "Andel koder som ikke har gyldig ICD-10- eller NCSP-format.",
        "en": "Share of codes not in a valid ICD-10 or NCSP format."},
    "korrekthet.duplikater": {
        "nb": "Ekstra registreringer med samme nøkkel (f.eks. person og operasjonsdato), delt "
              "på alle registreringer.",
        "en": "Extra records with the same key (e.g. person and operation date) divided by all "
              "records."},
    "korrekthet.fodselsnummer": {
        "nb": "Andel fødselsnummer som ikke består kontrollsifrene (modulus 11, begge regler "
              "fra 2032), talt per klasse: fødselsnummer, D-, H- og syntetiske nummer.",
        "en": "Share of national ID numbers failing the check digits (modulus 11, both rules "
              "from 2032), counted by class: birth numbers, D-, H- and synthetic numbers."},
    "korrekthet.validering": {
        "nb": "Andel registreringer som stemmer med journalen (valideringsstudie); for "
              "binære variabler også sensitivitet, for kontinuerlige største avvik. Wilsons "
              "95 % KI.",
        "en": "Share of registrations that agree with the medical record (validation study); "
              "for binary variables also sensitivity, for continuous ones the largest "
              "deviation. Wilson 95 % CI."},
    "korrekthet.pasienter": {
        "nb": "Sanne positive delt på registrerte pasienter i valideringsstudien.",
        "en": "True positives divided by registered patients in the validation study."},
    "reliabilitet": {
        "nb": "Enighet mellom registratorer som registrerer de samme kasusene. Hovedmål per "
              "variabel etter målenivå: Cohens κ (to registratorer) eller Fleiss' κ for "
              "kategorier, vektet κ for ordnede koder, ICC(2,1) for tall; observert enighet og "
              "Gwets AC1 ved siden av. Gradert etter Landis & Koch (κ) og Koo & Li (ICC).",
        "en": "Agreement between registrars who register the same cases. Headline statistic "
              "by level: Cohen's κ (two raters) or Fleiss' κ for categories, weighted κ for "
              "ordered codes, ICC(2,1) for numbers; observed agreement and Gwet's AC1 beside "
              "it. Graded by Landis & Koch (κ) and Koo & Li (ICC)."},
    "aktualitet.registrering": {
        "nb": "Andel hendelser registrert innen fristen (dager fra hendelse til opprettet "
              "skjema); median og 90-persentil ved siden av. Wilsons 95 % KI.",
        "en": "Share of events registered within the limit (days from the event to the form "
              "being created); median and 90th percentile beside it. Wilson 95 % CI."},
    "aktualitet.ferskhet": {
        "nb": "Dager fra siste hendelse i uttrekket (på eller før uttrekksdatoen) til "
              "uttrekksdatoen.",
        "en": "Days from the last event in the export (on or before the export date) to the "
              "export date."},
    "sammenlignbarhet.trakt": {
        "nb": "Traktplott: hver enhets andel mot eksakte binomiske kontrollgrenser (95 % og "
              "99,8 %) rundt den samlede andelen for enhetene i plottet; enheter utenfor 99,8 % på "
              "den dårlige siden nevnes. "
              "En telling av alle enheter: uten konfidensintervall.",
        "en": "Funnel plot: each unit's share against exact binomial control limits (95 % and "
              "99.8 %) around the pooled share of the units plotted; units beyond 99.8 % on the bad "
              "side are "
              "named. A count of every unit: no confidence interval."},
    "sammenlignbarhet.skift": {
        "nb": "For hver enhet og hvert par av påfølgende år: test av to andeler (z-test, "
              "Fishers eksakte test ved små tall), Holm-justert over enheter og år.",
        "en": "For each unit and each pair of consecutive years: a two-proportion test (z test, "
              "Fisher's exact test for small counts), Holm-adjusted across units and years."},
    "sammenlignbarhet.koder": {
        "nb": "Koder som kommer til eller forsvinner mellom påfølgende år.",
        "en": "Codes that appear or vanish between consecutive years."},
    "sammenlignbarhet.id": {
        "nb": "Andel registreringer med person-ID og enhets-ID for kobling.",
        "en": "Share of records with a person id and a unit id for linkage."},
    "relevans.bruk": {
        "nb": "Andel variabler med dokumentert bruk (kvalitetsindikator, casemiks, forskning).",
        "en": "Share of variables with a documented use (quality indicator, case mix, "
              "research)."},
    "relevans.udokumenterte_kolonner": {
        "nb": "Kolonner i uttrekket som spesifikasjonen ikke beskriver.",
        "en": "Export columns the spec does not describe."},
    "relevans.manglende_variabler": {
        "nb": "Variabler i spesifikasjonen som mangler i uttrekket.",
        "en": "Spec variables missing from the export."},
}

# The formula (by name) and the reference of each check definition; citations are the same in
# both languages.
METHOD_SOURCES: dict[str, dict[str, str]] = {
    "kompletthet.tilslutning": {"nb": "n / N", "en": "n / N",
                                "ref": "kvalitetsregistre.no: Kompletthet"},
    "kompletthet.dekningsgrad": {"nb": "DG = n(register) / n(NPR); Wilson",
                                 "en": "DG = n(registry) / n(NPR); Wilson",
                                 "ref": "Brown, Cai & DasGupta 2001, Stat Sci 16:101–133"},
    "kompletthet.variabel": {"nb": "(N − mangler − ukjent − ugyldig) / N; Wilson",
                             "en": "(N − missing − unknown − invalid) / N; Wilson",
                             "ref": "Brown, Cai & DasGupta 2001, Stat Sci 16:101–133"},
    "kompletthet.records": {"nb": "komplette / N; Wilson", "en": "complete / N; Wilson",
                            "ref": "Brown, Cai & DasGupta 2001, Stat Sci 16:101–133"},
    "korrekthet.verdier": {"nb": "utenfor / N", "en": "outside / N",
                           "ref": "Kahn et al. 2016, eGEMs 4(1):1244"},
    "korrekthet.datoer": {"nb": "brudd / N", "en": "violations / N",
                          "ref": "Kahn et al. 2016, eGEMs 4(1):1244"},
    "korrekthet.framtid": {"nb": "etter uttrekk / N", "en": "after the export / N",
                           "ref": "Kahn et al. 2016, eGEMs 4(1):1244"},
    "korrekthet.kodeformat": {"nb": "ugyldige / N", "en": "invalid / N",
                              "ref": "WHO ICD-10; NOMESCO NCSP"},
    "korrekthet.duplikater": {"nb": "ekstra / N", "en": "extra / N",
                              "ref": "Kahn et al. 2016, eGEMs 4(1):1244"},
    "korrekthet.fodselsnummer": {"nb": "modulus 11 (K1, K2)", "en": "modulus 11 (K1, K2)",
                                 "ref": "Skatteetaten: fødselsnummer"},
    "korrekthet.validering": {"nb": "riktige / N; Wilson", "en": "correct / N; Wilson",
                              "ref": "Bray & Parkin 2009, Eur J Cancer 45:747–764"},
    "korrekthet.pasienter": {"nb": "TP / registrerte; Wilson", "en": "TP / registered; Wilson",
                             "ref": "kvalitetsregistre.no: Korrekthet"},
    "reliabilitet": {"nb": "κ = (p_o − p_e) / (1 − p_e); AC1; ICC(2,1)",
                     "en": "κ = (p_o − p_e) / (1 − p_e); AC1; ICC(2,1)",
                     "ref": "Cohen 1960; Gwet 2008, Br J Math Stat Psychol 61:29–48; Shrout & "
                            "Fleiss 1979; Landis & Koch 1977; Koo & Li 2016"},
    "aktualitet.registrering": {"nb": "innen fristen / N; Wilson",
                                "en": "within the limit / N; Wilson",
                                "ref": "Bray & Parkin 2009, Eur J Cancer 45:747–764"},
    "aktualitet.ferskhet": {"nb": "uttrekksdato − siste hendelse",
                            "en": "export date − last event",
                            "ref": "kvalitetsregistre.no: Aktualitet"},
    "sammenlignbarhet.trakt": {"nb": "eksakte binomiske grenser", "en": "exact binomial limits",
                               "ref": "Spiegelhalter 2005, Stat Med 24:1185–1202"},
    "sammenlignbarhet.skift": {"nb": "z-test / Fisher; Holm", "en": "z test / Fisher; Holm",
                               "ref": "Holm 1979, Scand J Stat 6:65–70"},
    "sammenlignbarhet.koder": {"nb": "kodesett år mot år", "en": "code sets year on year",
                               "ref": "kvalitetsregistre.no: Sammenlignbarhet"},
    "sammenlignbarhet.id": {"nb": "med ID / N", "en": "with an id / N",
                            "ref": "kvalitetsregistre.no: Sammenlignbarhet"},
    "relevans.bruk": {"nb": "brukt / variabler", "en": "used / variables",
                      "ref": "kvalitetsregistre.no: Relevans"},
    "relevans.udokumenterte_kolonner": {"nb": "n / N", "en": "n / N",
                                        "ref": "kvalitetsregistre.no: Relevans"},
    "relevans.manglende_variabler": {"nb": "n / N", "en": "n / N",
                                     "ref": "kvalitetsregistre.no: Relevans"},
}


# The name of each check definition in the methods section.
METHOD_NAMES: dict[str, dict[str, str]] = {
    "kompletthet.tilslutning": {"nb": "Tilslutningsgrad", "en": "Tilslutning (institution coverage)"},
    "kompletthet.dekningsgrad": {"nb": "Dekningsgrad", "en": "Dekningsgrad (coverage)"},
    "kompletthet.variabel": {"nb": "Variabelkompletthet", "en": "Variable completeness"},
    "kompletthet.records": {"nb": "Komplette registreringer", "en": "Complete records"},
    "korrekthet.verdier": {"nb": "Verdier utenfor lovlige koder eller grenser", "en": "Values outside allowed codes or range"},
    "korrekthet.datoer": {"nb": "Datorekkefølge", "en": "Date order"},
    "korrekthet.framtid": {"nb": "Datoer etter uttrekksdato", "en": "Dates after the export date"},
    "korrekthet.kodeformat": {"nb": "Kodeformat (ICD-10, NCSP)", "en": "Code format (ICD-10, NCSP)"},
    "korrekthet.duplikater": {"nb": "Dupliserte registreringer", "en": "Duplicate records"},
    "korrekthet.fodselsnummer": {"nb": "Ugyldige fødselsnummer", "en": "Invalid national ID numbers"},
    "korrekthet.validering": {"nb": "Samsvar med journal", "en": "Agreement with the medical record"},
    "korrekthet.pasienter": {"nb": "Korrekte pasienter", "en": "Correct patients"},
    "reliabilitet": {"nb": "Enighet mellom registratorer", "en": "Agreement between registrars"},
    "aktualitet.registrering": {"nb": "Registrert innen fristen", "en": "Registered within the limit"},
    "aktualitet.ferskhet": {"nb": "Dager fra siste hendelse til uttrekk", "en": "Days from the last event to the export"},
    "sammenlignbarhet.trakt": {"nb": "Enheter utenfor trakten", "en": "Units outside the funnel"},
    "sammenlignbarhet.skift": {"nb": "Skift mellom år", "en": "Shifts between years"},
    "sammenlignbarhet.koder": {"nb": "Koder som kommer til eller forsvinner", "en": "Codes appearing or vanishing"},
    "sammenlignbarhet.id": {"nb": "ID for kobling", "en": "Ids for linkage"},
    "relevans.bruk": {"nb": "Dokumentert bruk", "en": "Documented use"},
    "relevans.udokumenterte_kolonner": {"nb": "Udokumenterte kolonner", "en": "Undocumented columns"},
    "relevans.manglende_variabler": {"nb": "Manglende variabler", "en": "Missing variables"},
}


def chapter(key: str, lang: str, /, **params: Any) -> str:
    return render(CHAPTER[key][lang], lang, params)


def chapter_n(key: str, n: int, lang: str, /, **params: Any) -> str:
    """A counted text: the ``_one`` form when ``n`` is 1."""
    table = FAMILIES if key in FAMILIES else CHAPTER
    key = f"{key}_one" if n == 1 and f"{key}_one" in table else key
    return render(table[key][lang], lang, {"n": n, **params})
# ---------------------------------------------------------------- dq init and dq spec check
# The comments dq init writes into a drafted dq.toml, and the lines of dq spec check. Names and
# declared codes arrive as parameters; values of the data never do.
INIT: dict[str, dict[str, str]] = {
    "header": {
        "nb": "dq-spesifikasjon laget av «dq init» fra {file} ({rows:count} registreringer, "
              "{columns:count} kolonner).",
        "en": "dq spec drafted by `dq init` from {file} ({rows:count} records, {columns:count} "
              "columns)."},
    "header_todo": {
        "nb": "Gå gjennom hver linje merket TODO ({todos:count} stykker), og kjør så: "
              "dq spec check {spec} --data {data}, deretter dq report {spec}",
        "en": "Go through every line marked TODO ({todos:count} of them), then run: "
              "dq spec check {spec} --data {data}, then dq report {spec}"},
    "header_paths": {
        "nb": "Stier er relative til denne filen. Ingen verdier fra uttrekket er skrevet her, "
              "bortsett fra koder som finnes i minst {min:count} registreringer.",
        "en": "Paths are relative to this file. No value of the export is written here except "
              "codes held by at least {min:count} records."},
    "name_todo": {"nb": "navnet på registeret", "en": "the registry's name"},
    "detected": {"nb": "funnet i filen: {what}", "en": "detected in the file: {what}"},
    "encoding_guessed": {
        "nb": "filen er ikke UTF-8; lest som {encoding}",
        "en": "the file is not UTF-8; read as {encoding}"},
    "export_date_todo": {
        "nb": "datoen uttrekket ble tatt (gir sjekkene av datoer etter uttrekket og ferskhet)",
        "en": "the day the export was taken (enables the checks of dates after the export and "
              "of freshness)"},
    "fnr": {"nb": "{share:pct} av verdiene er gyldige fødselsnummer (kontrollsifre)",
            "en": "{share:pct} of the values are valid fødselsnummer (check digits)"},
    "person": {"nb": "{distinct:count} ulike verdier i {records:count} registreringer",
               "en": "{distinct:count} distinct values in {records:count} records"},
    "person_fnr": {"nb": "ingen kolonne for pasient-ID funnet; fødselsnummeret brukes",
                   "en": "no person id column found; the national ID is used"},
    "no_person": {"nb": "ingen kolonne for pasient-ID funnet: person_id = \"KOLONNE\"",
                  "en": "no person id column found: person_id = \"COLUMN\""},
    "unit": {"nb": "{distinct:count} ulike enheter", "en": "{distinct:count} distinct units"},
    "no_unit": {"nb": "ingen enhetskolonne (RESH-ID) funnet: unit = \"KOLONNE\"",
                "en": "no unit column (RESH id) found: unit = \"COLUMN\""},
    "status": {"nb": "skjemastatus (registreringer): {values}",
               "en": "form status (records): {values}"},
    "finished_label": {"nb": "{code} betyr ferdigstilt etter kodeboken",
                       "en": "{code} means finished by the codebook"},
    "finished_mrs": {"nb": "{code} = ferdigstilt i MRS; bekreft", "en": "{code} = finished in MRS; confirm"},
    "finished_oqr": {"nb": "{code} = ferdigstilt i OQR (−1 opprettet, 0 lagret); bekreft",
                     "en": "{code} = finished in OQR (−1 created, 0 saved); confirm"},
    "no_finished": {"nb": "hvilken skjemastatus betyr ferdigstilt? finished = \"Status = KODE\"",
                    "en": "which form status means finished? finished = \"Status = CODE\""},
    "no_status": {"nb": "ingen skjemastatus funnet; teller alle registreringer som ferdige",
                  "en": "no form status found; every record counts as finished"},
    "event": {"nb": "hendelsesdato; andre datoer: {others:list}",
              "en": "event date; other dates: {others:list}"},
    "no_event": {"nb": "ingen datokolonne funnet: event_date = \"KOLONNE\"",
                 "en": "no date column found: event_date = \"COLUMN\""},
    "created": {"nb": "når skjemaet ble opprettet", "en": "when the form was created"},
    "no_created": {"nb": "ingen registreringstidspunkt funnet: created = \"KOLONNE\"",
                   "en": "no registration timestamp found: created = \"COLUMN\""},
    "closed": {"nb": "når skjemaet ble ferdigstilt", "en": "when the form was finished"},
    "limit_todo": {"nb": "registerets frist i dager", "en": "the registry's limit in days"},
    "thresholds_todo": {"nb": "registerets egne grenser (dette er startverdier)",
                        "en": "the registry's own thresholds (these are starting points)"},
    "duplicate_keys": {"nb": "én registrering per pasient og hendelsesdato; bekreft",
                       "en": "one record per person and event date; confirm"},
    "date_order": {"nb": "gjelder i {share:pct} av {n:count} ferdige registreringer med begge "
                         "datoer",
                   "en": "holds in {share:pct} of {n:count} finished records with both dates"},
    "no_future": {"nb": "datoer som ikke kan ligge etter uttrekket (krever export_date)",
                  "en": "dates that cannot lie after the export (needs export_date)"},
    "icd10": {"nb": "verdiene har formen til ICD-10-koder", "en": "values shaped like ICD-10 codes"},
    "ncsp": {"nb": "verdiene har formen til NCSP-koder", "en": "values shaped like NCSP codes"},
    "variables": {
        "nb": "Én tabell per kolonne. Fyll inn uses (quality_indicator, case_mix, research, "
              "administration, other) for variabler dere bruker (Relevans).",
        "en": "One table per column. Fill in uses (quality_indicator, case_mix, research, "
              "administration, other) for the variables you use (Relevans)."},
    "codebook_file": {"nb": "typer, koder, ledetekster og obligatorisk kommer fra kodeboken; "
                            "tabellene under legger bare til det dataene viser",
                      "en": "types, codes, labels and mandatory come from the codebook; the "
                            "tables below only add what the data show"},
    "codebook_missing": {"nb": "i kodeboken, men ikke i uttrekket: {names:list}",
                         "en": "in the codebook but not in the export: {names:list}"},
    "empty": {"nb": "ingen verdier i uttrekket; velg type", "en": "no values in the export; "
                                                                   "choose the type"},
    "dates": {"nb": "{share:pct} av verdiene er datoer, {years}",
              "en": "{share:pct} of the values are dates, {years}"},
    "categorical": {"nb": "{distinct:count} ulike verdier; {written:count} skrevet som koder",
                    "en": "{distinct:count} distinct values; {written:count} written as codes"},
    "hidden_values": {
        "nb": "{values:count} andre verdier i {records:count} registreringer er ikke skrevet "
              "(færre enn 5 registreringer, eller ser ikke ut som koder); legg til de gyldige",
        "en": "{values:count} other values in {records:count} records are not written (fewer "
              "than 5 records, or not code-like); add the valid ones"},
    "unknown_guess": {"nb": "trolig «ukjent»-koder: {codes:list}; bekreft",
                      "en": "likely \"unknown\" codes: {codes:list}; confirm"},
    "unknown_guess_one": {"nb": "trolig «ukjent»-kode: {codes:list}; bekreft",
                          "en": "likely \"unknown\" code: {codes:list}; confirm"},
    "na_tokens": {"nb": "{codes:list} står for «ingen verdi» i {n:count} registreringer; telles "
                         "som ukjent",
                  "en": "{codes:list} stand for \"no value\" in {n:count} records; counted as "
                        "unknown"},
    "user_missing": {"nb": "brukerdefinerte manglende verdier i filen: {codes:list}",
                     "en": "user-defined missing values in the file: {codes:list}"},
    "id_number": {"nb": "identifikator ({distinct:count} ulike tall)",
                  "en": "identifier ({distinct:count} distinct numbers)"},
    "id_text": {"nb": "identifikator ({distinct:count} ulike verdier)",
                "en": "identifier ({distinct:count} distinct values)"},
    "free_text": {"nb": "fritekst ({distinct:count} ulike verdier); verdiene skrives aldri hit",
                  "en": "free text ({distinct:count} distinct values); values are never written "
                        "here"},
    "range": {"nb": "{share:pct} er tall; min og max er observert, sett de lovlige grensene",
              "en": "{share:pct} are numbers; min and max are observed, set the allowed range"},
    "range_id_like": {"nb": "en observert grense på seks sifre eller mer (et ID-nummer skrevet i "
                            "feil felt?) er ikke skrevet hit; sett {bounds} selv",
                      "en": "an observed bound of six digits or more (an ID number typed into "
                            "the wrong field?) is not written here; set {bounds} yourself"},
    "missing": {"nb": "mangler i {share:pct} av registreringene",
                "en": "missing in {share:pct} of the records"},
    "optional": {"nb": "mangler ofte: ikke obligatorisk? Eller skriv betingelsen den kreves under",
                 "en": "often missing: not mandatory? Or write the condition it is required "
                       "under"},
    "condition": {"nb": "fylt ut i {filled:pct} der {condition}, og {elsewhere:pct} av verdiene "
                        "står ellers; bekreft",
                  "en": "filled in {filled:pct} where {condition}, and {elsewhere:pct} of its "
                        "values stand elsewhere; confirm"},
    "codebook": {"nb": "kodeboken: {type}, «{label}»", "en": "codebook: {type}, \"{label}\""},
    "codebook_codes": {"nb": "kodeboken: {type}, «{label}», {codes:count} koder",
                       "en": "codebook: {type}, \"{label}\", {codes:count} codes"},
    "codebook_unseen": {"nb": "koder i kodeboken som ikke finnes i uttrekket: {codes:list}",
                        "en": "codebook codes not seen in the export: {codes:list}"},
    "codebook_undeclared": {
        "nb": "{values:count} verdier i {records:count} registreringer står ikke i kodeboken",
        "en": "{values:count} values in {records:count} records are not in the codebook"},
    "codebook_not_numbers": {"nb": "kodeboken sier tall, men bare {share:pct} er tall",
                             "en": "the codebook says numbers, but only {share:pct} are numbers"},
    "codebook_not_dates": {"nb": "kodeboken sier dato, men verdiene er ikke datoer",
                           "en": "the codebook says dates, but the values are not dates"},
    "codebook_mandatory_missing": {
        "nb": "obligatorisk etter kodeboken, men mangler i {share:pct}",
        "en": "mandatory by the codebook, but missing in {share:pct}"},
    "units": {"nb": "{matched:count} av {total:count} enheter i uttrekket finnes i enhetstabellen",
              "en": "{matched:count} of {total:count} units in the export are in the unit table"},
    "units_unmatched": {"nb": "ikke i enhetstabellen: {ids:list}",
                        "en": "not in the unit table: {ids:list}"},
    "units_unmatched_hidden": {
        "nb": "{n:count} verdier i enhetskolonnen er ikke enhets-ID-er (ikke vist)",
        "en": "{n:count} values of the unit column are not unit ids (not shown)"},
    "units_columns": {"nb": "enhetstabellen mangler kolonne for {roles:list}; [units] trenger "
                            "id, name, hf og rhf",
                      "en": "the unit table lacks a column for {roles:list}; [units] needs id, "
                            "name, hf and rhf"},
    "coverage": {"nb": "{mode}: kolonner gjenkjent i {files:list}",
                 "en": "{mode}: columns recognised in {files:list}"},
    "coverage_other": {"nb": "også: dq coverage --mode {mode} --reference {files:list}",
                       "en": "also: dq coverage --mode {mode} --reference {files:list}"},
    "coverage_units": {"nb": "{matched:count} av {total:count} enheter i referansen finnes i "
                             "enhetstabellen",
                       "en": "{matched:count} of {total:count} units in the reference are in "
                             "the unit table"},
    "coverage_column_todo": {"nb": "fant ingen kolonne for {key}", "en": "no column found for "
                                                                          "{key}"},
    "coverage_none": {"nb": "referansen {files:list} har verken antall (aggregert) eller person "
                            "og dato (kobling)",
                      "en": "the reference {files:list} has neither counts (aggregate) nor person "
                            "and date (linkage)"},
    "coverage_template": {
        "nb": "Dekningsgrad: dq init --reference npr.csv gjenkjenner kolonnene",
        "en": "Coverage (dekningsgrad): dq init --reference npr.csv recognises the columns"},
    "studies_template": {
        "nb": "Reliabilitet og korrekthet: en interrater-studie ([reliability] study, case, "
              "rater) og et valideringsdatasett ([correctness] study, patient, unit)",
        "en": "Reliability and correctness: an inter-rater study ([reliability] study, case, "
              "rater) and a validation data set ([correctness] study, patient, unit)"},
    # stderr lines
    "written": {"nb": "dq: skrev {spec}: {variables:count} variabler; roller: {roles}; "
                      "{todos:count} TODO. Neste steg: rediger TODO-ene, så dq report {spec}",
                "en": "dq: wrote {spec}: {variables:count} variables; roles: {roles}; "
                      "{todos:count} TODOs. Next: edit the TODOs, then dq report {spec}"},
    "written_stdout": {"nb": "dq: skrev spesifikasjonen til standard ut: {variables:count} "
                             "variabler; roller: {roles}; {todos:count} TODO. Neste steg: lagre "
                             "den som {spec}, rediger TODO-ene, så dq report {spec}",
                       "en": "dq: wrote the spec to standard output: {variables:count} variables; "
                             "roles: {roles}; {todos:count} TODOs. Next: save it as {spec}, edit "
                             "the TODOs, then dq report {spec}"},
    "check_clean": {"nb": "{spec}: i orden ({variables:count} variabler{data})",
                    "en": "{spec}: clean ({variables:count} variables{data})"},
    "check_data": {"nb": "; kontrollert mot {file}, {rows:count} registreringer",
                   "en": "; checked against {file}, {rows:count} records"},
    "check_problems": {"nb": "{spec}: {n:count} problemer; rett dem og kjør dq spec check igjen",
                       "en": "{spec}: {n:count} problems; fix them and run dq spec check again"},
    "check_problems_one": {"nb": "{spec}: 1 problem; rett det og kjør dq spec check igjen",
                           "en": "{spec}: 1 problem; fix it and run dq spec check again"},
}


def init_text(key: str, lang: str, /, **params: Any) -> str:
    """A text of dq init / dq spec check in ``lang`` (``key_one`` when ``n`` is 1, or when
    ``codes`` holds one code, and that form exists)."""
    codes = params.get("codes")
    one = params.get("n") == 1 or (params.get("n") is None and isinstance(codes, list | tuple)
                                   and len(codes) == 1)
    if one and f"{key}_one" in INIT:
        key = f"{key}_one"
    return render(INIT[key][lang], lang, params)


# ---- dq init: one pass (approximate distinct counts) and dq spec check's unseen codes
WORDS.update({
    "init_about": {"nb": "om lag {n:count}", "en": "about {n:count}"},
})


# ---- dq init and dq spec check from a database ([dataset] url + table | query)
INIT.update({
    "header_database": {
        "nb": "dq-spesifikasjon laget av «dq init» fra databasen: {source} ({rows:count} "
              "registreringer, {columns:count} kolonner).",
        "en": "dq spec drafted by `dq init` from the database: {source} ({rows:count} records, "
              "{columns:count} columns)."},
    "header_todo_database": {
        "nb": "Gå gjennom hver linje merket TODO ({todos:count} stykker), og kjør så: "
              "dq spec check {spec}, deretter dq report {spec}",
        "en": "Go through every line marked TODO ({todos:count} of them), then run: "
              "dq spec check {spec}, then dq report {spec}"},
    "password_replaced": {
        "nb": "passordet i adressen fra kommandolinjen er ikke skrevet hit: ${{{var}}} står i "
              "stedet; sett miljøvariabelen {var} (export {var}=…) før dq report",
        "en": "the password in the URL given on the command line is not written here: "
              "${{{var}}} stands in its place; set the environment variable {var} "
              "(export {var}=…) before dq report"},
    "password_replaced_stderr": {
        "nb": "dq: adressen (--data-url) inneholder et passord; {spec} har ${{{var}}} i stedet "
              "for det. Sett {var} (export {var}=…) før dq report, og bruk gjerne ${{{var}}} "
              "også på kommandolinjen",
        "en": "dq: the URL (--data-url) holds a password; {spec} has ${{{var}}} in its place. "
              "Set {var} (export {var}=…) before dq report, and prefer ${{{var}}} on the "
              "command line too"},
    "check_database": {"nb": "; kolonnene finnes i {source}",
                       "en": "; its columns exist in {source}"},
})
# ---- dq completeness, coverage, reliability, correctness, compare (the sub-commands' own text)
# Terminal, Markdown and HTML of the sub-commands take every word from here; JSON and CSV are the
# machine contract (English keys) and carry no prose.
SUB: dict[str, dict[str, str]] = {
    # shared
    "status.pass": {"nb": "bestått", "en": "pass"},
    "status.warn": {"nb": "advarsel", "en": "warning"},
    "status.fail": {"nb": "ikke bestått", "en": "fail"},
    "status.info": {"nb": "orientering", "en": "info"},
    "status.not_assessed": {"nb": "ikke vurdert", "en": "not assessed"},
    "national": {"nb": "Nasjonalt", "en": "National"},
    "missing_group": {"nb": "(mangler)", "en": "(missing)"},
    "unmatched_group": {"nb": "(uten treff)", "en": "(unmatched)"},
    "not_a_unit_group": {"nb": "(ikke en enhet)", "en": "(not a unit id)"},
    "col.ci": {"nb": "95 % KI", "en": "95 % CI"},
    "col.status": {"nb": "Status", "en": "Status"},
    "col.variable": {"nb": "Variabel", "en": "Variable"},
    "col.group": {"nb": "Gruppe", "en": "Group"},
    "col.unit": {"nb": "Enhet", "en": "Unit"},
    "col.year": {"nb": "År", "en": "Year"},
    "summary": {"nb": "Oppsummering", "en": "Summary"},
    "more_rows": {"nb": "Viser de {shown:count} svakeste av {total:count} radene; --top N viser "
                        "flere, --format csv alle.",
                  "en": "Showing the {shown:count} worst of {total:count} rows; --top N shows "
                        "more, --format csv all."},
    "ci_method.wilson": {"nb": "Wilson", "en": "Wilson"},
    "ci_method.clopper-pearson": {"nb": "Clopper–Pearson (eksakt)",
                                  "en": "Clopper–Pearson (exact)"},
    "suppression": {"nb": "Prikking", "en": "Small cells"},
    "notes": {"nb": "Merknader", "en": "Notes"},
    "no_rows": {"nb": "Ingen rader.", "en": "No rows."},
    # dq completeness
    "comp.title": {"nb": "Variabelkompletthet (Kompletthet)",
                   "en": "Variable completeness (Kompletthet)"},
    "comp.read": {"nb": "{finished} av {read} lest{period}; {variables}; 95 % KI: {ci}",
                  "en": "{finished} of {read} read{period}; {variables}; 95 % CI: {ci}"},
    "comp.period": {"nb": ", år {period}", "en": ", years {period}"},
    "comp.method": {
        "nb": "Kompletthet = gyldige / aktuelle registreringer: en verdi er gyldig når den ikke "
              "mangler, ikke er en ukjent-kode og ligger innenfor lovlige koder og grenser. "
              "«Kun tomme» regner bare tomme verdier som manglende.",
        "en": "Completeness = valid / applicable records: a value is valid when it is not "
              "missing, not an unknown code and within the allowed codes and range. "
              "\"Empty only\" counts only empty values as missing."},
    "comp.col.valid_n": {"nb": "gyldige/N", "en": "valid/N"},
    "comp.col.completeness": {"nb": "Kompl.", "en": "Compl."},
    "comp.col.unk_inv": {"nb": "ukj./ugy.", "en": "unk/inv"},
    "comp.col.applicable": {"nb": "Aktuelle", "en": "Applicable"},
    "comp.col.valid": {"nb": "Gyldige", "en": "Valid"},
    "comp.col.missing": {"nb": "Mangler", "en": "Missing"},
    "comp.col.unknown": {"nb": "Ukjent", "en": "Unknown"},
    "comp.col.invalid": {"nb": "Ugyldig", "en": "Invalid"},
    "comp.col.full": {"nb": "Kompletthet", "en": "Completeness"},
    "comp.col.nulls_only": {"nb": "Kun tomme", "en": "Empty only"},
    "comp.records": {"nb": "Komplette registreringer (alle obligatoriske variabler gyldige): "
                           "{n:count}/{total:count} = {share:pct} (95 % KI {ci})",
                     "en": "Record-level completeness (all mandatory variables valid): "
                           "{n:count}/{total:count} = {share:pct} (95 % CI {ci})"},
    "comp.records.title": {"nb": "Komplette registreringer", "en": "Record-level completeness"},
    "comp.records.col": {"nb": "Komplette", "en": "Complete"},
    "comp.records.total": {"nb": "Registreringer", "en": "Records"},
    "comp.unmatched": {"nb": "{units} finnes ikke i enhetstabellen og er samlet som (uten treff): "
                             "{names}",
                       "en": "{units} not in the unit table, rolled up as (unmatched): {names}"},
    "comp.min_n": {"nb": "Rader med færre enn {n:count} aktuelle registreringer vises, men "
                         "vurderes ikke (info).",
                   "en": "Rows with fewer than {n:count} applicable records are shown but not "
                         "graded (info)."},
    # dq coverage
    "cov.title.aggregate": {"nb": "Dekningsgrad (Kompletthet), aggregert mot referansens antall",
                            "en": "Coverage (Kompletthet → dekningsgrad), aggregate against "
                                  "reference counts"},
    "cov.title.linkage": {"nb": "Dekningsgrad (Kompletthet), ved kobling på personnivå",
                          "en": "Coverage (Kompletthet → dekningsgrad), by record linkage"},
    "cov.method.aggregate": {
        "nb": "Dekningsgrad = registerets {what} per enhet og år / referansens antall ({ref}){years}"
              "; 95 % KI: {ci}.",
        "en": "Coverage = registry {what} per unit and year / reference counts ({ref}){years}; "
              "95 % CI: {ci}."},
    "cov.method.linkage": {
        "nb": "Hendelser koblet på person-ID innenfor {window}{same_unit}, én til én, nærmeste "
              "dato først; kilder: {ref}{years}; 95 % KI: {ci}. DG = (a + m) / (a + b + m). "
              "Chapman-estimatoren med Chaos log-transformerte intervall antar uavhengige kilder; "
              "positiv avhengighet gir for lavt estimat av totalen. Ved siden av står Chaos nedre "
              "grense for to kilder, n + (a + b)²/(4m) (Chao 1987, Biometrics 43:783–791; Chao "
              "1989), med log-transformert 95 % KI: en nedre grense for totalen når hendelsene "
              "er ulikt lette å fange (heterogenitet).",
        "en": "Events linked on person id within {window}{same_unit}, one-to-one, nearest date "
              "first; sources: {ref}{years}; 95 % CI: {ci}. DG = (a + m) / (a + b + m). "
              "Chapman's estimator with Chao's log-transformed interval assumes independent "
              "sources; positive dependence biases the total downwards. Beside it, Chao's lower "
              "bound for two sources, n + (a + b)²/(4m) (Chao 1987, Biometrics 43:783–791; Chao "
              "1989), with a log-transformed 95 % CI: a lower bound for the total when events "
              "differ in how easily they are caught (heterogeneity)."},
    "cov.what.events": {"nb": "hendelser", "en": "events"},
    "cov.what.persons": {"nb": "personer", "en": "persons"},
    "cov.years": {"nb": ", år {span}", "en": ", years {span}"},
    "cov.same_day": {"nb": "samme dag", "en": "the same day"},
    "cov.window": {"nb": "±{days:days}", "en": "±{days:days}"},
    "cov.same_unit": {"nb": " på samme enhet", "en": " at the same unit"},
    "cov.scope.all_units": {"nb": "alle enheter", "en": "all units"},
    "cov.scope.reporting_units": {"nb": "kun rapporterende enheter",
                                  "en": "reporting units only"},
    "cov.national": {"nb": "Nasjonalt{period}, {scope}: {figure} {n}/{d} = {p:pct} "
                           "(95 % KI {ci}, {units})",
                     "en": "National{period}, {scope}: {figure} {n}/{d} = {p:pct} "
                           "(95 % CI {ci}, {units})"},
    "cov.national_hidden": {"nb": "Nasjonalt{period}, {scope}: prikket ({units}; tallene ville "
                                  "vist en prikket celle)",
                            "en": "National{period}, {scope}: suppressed ({units}; its counts "
                                  "would give a suppressed cell back)"},
    "cov.figure.coverage": {"nb": "dekningsgrad", "en": "coverage"},
    "cov.figure.dg": {"nb": "DG registeret", "en": "DG registry"},
    "cov.linkage": {"nb": "  kun registeret {a:count}, kun referansen {b:count}, begge {m:count}; "
                          "DG referansen {dg_n}/{dg_d} = {dg:pct} (95 % KI {dg_ci}); Chapman N̂ "
                          "{chapman}: registerets kompletthet "
                          "{rc:pct} (95 % KI {rc_ci}); Chaos nedre grense {chao}",
                    "en": "  only registry {a:count}, only reference {b:count}, both {m:count}; "
                          "DG reference {dg_n}/{dg_d} = {dg:pct} (95 % CI {dg_ci}); Chapman N̂ "
                          "{chapman}: registry completeness "
                          "{rc:pct} (95 % CI {rc_ci}); Chao's lower bound {chao}"},
    # an estimated total with its interval: "337 (95 % KI 291–410)"
    "cov.total_ci": {"nb": "{n} (95 % KI {ci})", "en": "{n} (95 % CI {ci})"},
    "cov.tilslutning_none": {
        "nb": "Tilslutning{period}: referansen nevner ingen enhet (ingen enhets-ID)",
        "en": "Tilslutning{period}: the reference names no unit (no unit id)"},
    "cov.tilslutning": {"nb": "Tilslutning{period}: {n:count} av {d} rapporterer = {p:pct}",
                        "en": "Tilslutning{period}: {n:count} of {d} report = {p:pct}"},
    "cov.loglinear": {"nb": "Log-lineært estimat ({sources} kilder, {observed:count} observert), "
                            "valgt etter AIC: {model}, totalt {n} (95 % KI {ci}, Wald på "
                            "log-skala; profil-likelihood {profile}, Cormack 1992); Chaos nedre "
                            "grense {chao}",
                      "en": "Log-linear estimate ({sources} sources, {observed:count} observed), "
                            "chosen by AIC: {model}, total {n} (95 % CI {ci}, Wald on the log "
                            "scale; profile likelihood {profile}, Cormack 1992); Chao's lower "
                            "bound {chao}"},
    # Rcapture's table of the log-linear and heterogeneity models (Baillargeon & Rivest 2007)
    "cov.models": {"nb": "Modellene (som tabellen i Rcapture)", "en": "The models (as Rcapture's "
                                                                      "table)"},
    "cov.model.col.model": {"nb": "Modell", "en": "Model"},
    "cov.model.col.n_hat": {"nb": "N̂", "en": "N̂"},
    "cov.model.col.se": {"nb": "Std.feil", "en": "SE"},
    "cov.model.col.deviance": {"nb": "Devians", "en": "Deviance"},
    "cov.model.col.df": {"nb": "fg", "en": "df"},
    "cov.model.col.aic": {"nb": "AIC", "en": "AIC"},
    "cov.model.col.bic": {"nb": "BIC", "en": "BIC"},
    "cov.model.independence": {"nb": "uavhengighet", "en": "independence"},
    "cov.model.registry": {"nb": "registeret", "en": "registry"},
    "cov.col.chao": {"nb": "Chaos nedre grense (95 % KI)", "en": "Chao's lower bound (95 % CI)"},
    "cov.col.unit": {"nb": "Enhet", "en": "Unit"},
    "cov.col.reg_ref": {"nb": "reg./ref.", "en": "reg/ref"},
    "cov.col.reg_all": {"nb": "reg./alle", "en": "reg/all"},
    "cov.col.coverage": {"nb": "Dekn.", "en": "Cover."},
    "cov.col.coverage_full": {"nb": "Dekningsgrad", "en": "Coverage"},
    "cov.col.registry": {"nb": "Registeret", "en": "Registry"},
    "cov.col.reference": {"nb": "Referansen", "en": "Reference"},
    "cov.col.only_registry": {"nb": "Kun registeret", "en": "Only registry"},
    "cov.col.only_reference": {"nb": "Kun referansen", "en": "Only reference"},
    "cov.col.both": {"nb": "Begge", "en": "Both"},
    "cov.col.dg_reference": {"nb": "DG referansen", "en": "DG reference"},
    "cov.col.chapman": {"nb": "Chapman N̂ (95 % KI)", "en": "Chapman N̂ (95 % CI)"},
    "cov.col.scope": {"nb": "Omfang", "en": "Scope"},
    "cov.col.units": {"nb": "Enheter", "en": "Units"},
    "cov.col.rhf": {"nb": "RHF", "en": "RHF"},
    "cov.col.reporting": {"nb": "Rapporterende", "en": "Reporting"},
    "cov.col.in_reference": {"nb": "I referansen", "en": "In the reference"},
    "cov.col.tilslutning": {"nb": "Tilslutning", "en": "Tilslutning"},
    "cov.col.band": {"nb": "Bånd", "en": "Band"},
    "cov.h.national": {"nb": "Nasjonalt", "en": "National"},
    "cov.h.tilslutning": {"nb": "Tilslutning (rapporterende enheter)",
                          "en": "Tilslutning (reporting units)"},
    "cov.h.units": {"nb": "Per enhet", "en": "By unit"},
    "cov.more": {"nb": "Viser de {shown:count} svakeste av {total:count} enhetsradene; --top N "
                       "viser flere, --format csv alle nivåer.",
                 "en": "Showing the {shown:count} worst of {total:count} unit rows; --top N shows "
                       "more, --format csv all levels."},
    "cov.not_reporting": {"nb": "Rapporterer ikke ({n:count}): {names}",
                          "en": "Not reporting ({n:count}): {names}"},
    "cov.legend": {"nb": "lav = under grensen for lav dekningsgrad ({low:pct0}), ≠ = registeret "
                         "teller flere enn referansen (ulik definisjon); mål {target:pct0}.",
                   "en": "low = below the low-coverage mark ({low:pct0}), ≠ = registry counts "
                         "more than the reference (definition mismatch); target {target:pct0}."},
    "cov.low": {"nb": "lav", "en": "low"},
    "cov.band.mismatch": {"nb": "over 100 % (ulik definisjon)", "en": "over 100 % (mismatch)"},
    # dq reliability
    "study.period": {"nb": ", registreringer fra {period}", "en": ", registrations from {period}"},
    "study.period_line": {"nb": "Registreringer fra {period}", "en": "Registrations from {period}"},
    "rel.title": {"nb": "Interrater-reliabilitet (Reliabilitet)",
                  "en": "Inter-rater reliability (Reliabilitet)"},
    "rel.bootstrap": {"nb": "{ci}: persentil-bootstrap over kasus, {n:count} trekninger, "
                            "frø {seed}.",
                      "en": "{ci}s: percentile bootstrap over cases, {n:count} resamples, "
                            "seed {seed}."},
    "rel.asymptotic": {"nb": "{ci} fra asymptotiske standardfeil (metoden for hver står i "
                             "JSON-utdata, se_method).",
                       "en": "{ci}s from asymptotic standard errors (the method of each is in "
                             "the JSON output, se_method)."},
    "rel.labels": {"nb": "Tolkning: Landis & Koch 1977 (κ, α, AC1), Koo & Li 2016 (ICC).",
                   "en": "Labels: Landis & Koch 1977 (κ, α, AC1), Koo & Li 2016 (ICC)."},
    "rel.col.statistic": {"nb": "Variabel / statistikk", "en": "Variable / statistic"},
    "rel.col.stat": {"nb": "Statistikk", "en": "Statistic"},
    "rel.col.estimate": {"nb": "Estimat", "en": "Estimate"},
    "rel.col.n": {"nb": "n", "en": "n"},  # the cases rated: n, as in every statistics table
    "rel.col.raters": {"nb": "Ratere", "en": "Raters"},
    "rel.col.label": {"nb": "Tolkning", "en": "Label"},
    "rel.level.nominal": {"nb": "nominal", "en": "nominal"},
    "rel.level.ordinal": {"nb": "ordinal", "en": "ordinal"},
    "rel.level.interval": {"nb": "intervall", "en": "interval"},
    "rel.level.ratio": {"nb": "forholdstall", "en": "ratio"},
    "rel.paradox": {"nb": "{variable}: {kappas:and} selv om registratorene er enige i "
                          "{agreement:pct0} av kasusene. Fordelingen er skjev (κ-paradokset, "
                          "Feinstein & Cicchetti 1990): les Gwets AC1 og PABAK ved siden av.",
                    "en": "{variable}: {kappas:and} while the raters agree on {agreement:pct0} of "
                          "cases. Prevalence is skewed (the kappa paradox, Feinstein & Cicchetti "
                          "1990): read Gwet's AC1 and PABAK beside it."},
    "rel.paradox_kappa": {"nb": "{statistic} er {kappa:num2}", "en": "{statistic} is {kappa:num2}"},
    "rel.not_computed": {"nb": "ikke beregnet", "en": "not computed"},
    "rel.ba_note": {"nb": "BA = Bland–Altman: skjevhet = gjennomsnittlig forskjell, grensene = "
                          "95 % enighetsgrenser (skjevhet ± 1,96 SD), helning = proporsjonal "
                          "skjevhet.",
                    "en": "BA = Bland–Altman: bias = mean difference, LoA = 95 % limits of "
                          "agreement (bias ± 1.96 SD), slope = proportional bias."},
    "stat.bland_altman_bias": {"nb": "Bland–Altman: gjennomsnittlig forskjell",
                               "en": "Bland–Altman: mean difference"},
    "stat.bland_altman_loa_low": {"nb": "Bland–Altman: nedre enighetsgrense",
                                  "en": "Bland–Altman: lower limit of agreement"},
    "stat.bland_altman_loa_high": {"nb": "Bland–Altman: øvre enighetsgrense",
                                   "en": "Bland–Altman: upper limit of agreement"},
    # dq correctness
    "corr.title": {"nb": "Korrekthet mot journal (Korrekthet)",
                   "en": "Correctness against the medical record (Korrekthet)"},
    "corr.method": {"nb": "Andel registreringer som stemmer med journalen (95 % KI: {ci}); tall "
                          "og datoer innenfor variabelens toleranse regnes som riktige.",
                    "en": "Share of registrations that agree with the record (95 % CI: {ci}); "
                          "numbers and dates within the variable's tolerance count as agreeing."},
    "corr.col.correct_n": {"nb": "riktige/n", "en": "correct/n"},
    "corr.col.correct": {"nb": "Riktige", "en": "Correct"},
    "corr.col.n": {"nb": "n", "en": "n"},
    "corr.col.share": {"nb": "Andel", "en": "Share"},
    "corr.col.share_full": {"nb": "Andel riktige", "en": "Share correct"},
    "corr.col.detail": {"nb": "Detalj", "en": "Detail"},
    "corr.col.sensitivity": {"nb": "Sensitivitet", "en": "Sensitivity"},
    "corr.col.specificity": {"nb": "Spesifisitet", "en": "Specificity"},
    "corr.col.ppv": {"nb": "PPV", "en": "PPV"},
    "corr.col.npv": {"nb": "NPV", "en": "NPV"},
    "corr.col.deviation": {"nb": "Avvik (snitt / største)", "en": "Deviation (mean / largest)"},
    "corr.sens": {"nb": "sens. {v}", "en": "sens {v}"},
    "corr.binary": {"nb": "{variable}: sensitivitet {sensitivity}, spesifisitet {specificity}, "
                          "PPV {ppv}, NPV {npv}",
                    "en": "{variable}: sensitivity {sensitivity}, specificity {specificity}, "
                          "PPV {ppv}, NPV {npv}"},
    "corr.spec": {"nb": "spes. {v}", "en": "spec {v}"},
    "corr.dev": {"nb": "|Δ| snitt {mean:g}, maks {max:g}", "en": "|Δ| mean {mean:g}, max {max:g}"},
    "corr.patients": {"nb": "Korrekte pasienter (sanne positive / registrerte): {n:count}/{d:count}"
                            " = {p:pct} (95 % KI {ci})",
                      "en": "Correct patients (true positives / registered): {n:count}/{d:count} "
                            "= {p:pct} (95 % CI {ci})"},
    "corr.problems": {"nb": "Problemvariabler (under terskelen): {names}",
                      "en": "Problem variables (below the threshold): {names}"},
}

# Nouns counted in a sentence: (one, many) per language — "1 variabel", "29 variabler".
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "variable": {"nb": ("variabel", "variabler"), "en": ("variable", "variables")},
    "unit": {"nb": ("enhet", "enheter"), "en": ("unit", "units")},
    "finished": {"nb": ("ferdigstilt registrering", "ferdigstilte registreringer"),
                 "en": ("finished record", "finished records")},
    "record": {"nb": ("registrering", "registreringer"), "en": ("record", "records")},
    "row": {"nb": ("rad", "rader"), "en": ("row", "rows")},
    "source": {"nb": ("kilde", "kilder"), "en": ("source", "sources")},
}


def sub(key: str, lang: str, /, **params: Any) -> str:
    """A sub-command's text (``SUB``) in ``lang`` with its values written in that language."""
    return render(SUB[key][lang], lang, params)


def counted(n: int, noun: str, lang: str) -> str:
    """``n`` with its noun in the right number: "1 enhet", "2 enheter", "19 610 registreringer"."""
    one, many = NOUNS[noun][lang]
    return f"{count(n, lang)} {one if n == 1 else many}"


def status_word(status: str, lang: str) -> str:
    return SUB[f"status.{status}"][lang] if f"status.{status}" in SUB else status


def statistic_name(stat: str, lang: str, short: bool = False) -> str:
    """A reliability statistic's name: Cohens κ, ICC(2,1), Bland–Altman: … (``short``: the
    terminal table's shorter form, "BA: nedre grense")."""
    if short and stat in SHORT_STATISTICS[lang]:
        return SHORT_STATISTICS[lang][stat]
    key = f"stat.{stat}"
    return SUB[key][lang] if key in SUB else _statistic(stat, lang)


def label_word(label: str | None, lang: str) -> str:
    """A Landis & Koch or Koo & Li label in ``lang``."""
    return "" if not label else LABELS[lang].get(label, label)

# dq compare: the results section of a project report (before and after)
SUB.update({
    "cmp.title": {"nb": "Før og etter", "en": "Before and after"},
    "cmp.title_registry": {"nb": "Før og etter: {registry}", "en": "Before and after: {registry}"},
    "cmp.baseline": {"nb": "Før", "en": "Baseline"},
    "cmp.followup": {"nb": "Etter", "en": "Follow-up"},
    "cmp.run": {"nb": "Kjørt", "en": "Run"},
    "cmp.period": {"nb": "Periode", "en": "Period"},
    "cmp.file": {"nb": "Resultatfil", "en": "Result file"},
    "cmp.change": {"nb": "Endring (95 % KI)", "en": "Change (95 % CI)"},
    "cmp.change_short": {"nb": "Endring", "en": "Change"},
    "cmp.p": {"nb": "p (justert)", "en": "p (adjusted)"},
    "cmp.check": {"nb": "Kontroll", "en": "Check"},
    "cmp.dimension": {"nb": "Dimensjon", "en": "Dimension"},
    "cmp.outcome": {"nb": "Utfall", "en": "Outcome"},
    "cmp.h.better": {"nb": "Forbedringer", "en": "Improvements"},
    "cmp.h.worse": {"nb": "Forverringer", "en": "Deteriorations"},
    "cmp.h.same": {"nb": "Uendret", "en": "Unchanged"},
    "cmp.h.changed_set": {"nb": "Kontroller som kom til eller falt bort",
                          "en": "Checks added or removed"},
    "cmp.none": {"nb": "Ingen.", "en": "None."},
    "cmp.unchanged_line": {"nb": "{n} uten signifikant endring (bestått, advarsel eller info i "
                                 "begge kjøringene).",
                           "en": "{n} without a significant change (pass, warning or info in "
                                 "both runs)."},
    "cmp.persisting_line": {"nb": "Ikke bestått i begge kjøringene:",
                            "en": "Failing in both runs:"},
    "cmp.counts": {"nb": "Oppsummering", "en": "Summary"},
    "cmp.more": {"nb": "… {n:count} til: --format markdown, html eller json",
                 "en": "… {n:count} more: --format markdown, html or json"},
    "cmp.shift": {"nb": "{change:pp} ({year0}→{year1})", "en": "{change:pp} ({year0}→{year1})"},
    "cmp.method": {
        "nb": "Forskjeller i andeler med Newcombes hybride score-intervall (1998) og z-test eller "
              "Fishers eksakte test; κ, α og AC1 med intervall fra standardfeilene. Enhetsrader er "
              "Holm-justert innen hver kontroll. Andeler av enheter eller kolonner (tilslutning, "
              "trakt- og skifttellinger, relevans) er fulltellinger, ikke utvalg: endringen vises "
              "uten KI og test, og enhver endring i kontrollens retning er bedre eller verre. En "
              "enhet utenfor trakten eller med et skift som ikke lenger er der, regnes som løst.",
        "en": "Differences of proportions with Newcombe's hybrid score interval (1998) and a z or "
              "Fisher's exact test; κ, α and AC1 with an interval from the standard errors. Unit "
              "rows are Holm-adjusted within each check. Shares of units or columns (tilslutning, "
              "funnel and shift counts, relevance) are full counts, not samples: the change is "
              "shown without a CI or test, and any change in the check's direction is improved "
              "or worsened. A unit outside the funnel or with a shift that is no longer there "
              "counts as resolved."},
    "cmp.hidden": {"nb": "prikket", "en": "suppressed"},
    "cmp.full_count": {"nb": "fulltelling", "en": "full count"},
    "change.new_failure": {"nb": "ny feil", "en": "new failure"},
    "change.resolved": {"nb": "løst", "en": "resolved"},
    "change.persisting_failure": {"nb": "vedvarende feil", "en": "persisting failure"},
    "change.unchanged": {"nb": "uendret", "en": "unchanged"},
    "change.improved": {"nb": "bedre", "en": "improved"},
    "change.worsened": {"nb": "verre", "en": "worsened"},
    "change.added": {"nb": "ny kontroll", "en": "added"},
    "change.removed": {"nb": "kontroll falt bort", "en": "removed"},
})
NOUNS["check"] = {"nb": ("kontroll", "kontroller"), "en": ("check", "checks")}


# ---- dq reliability: warnings and reasons of dq.reliability, as Message values
# A result keeps a Message (key and values), not a sentence: its str is the English text (JSON,
# row notes), and each output writes it in its own language with ``localise``. "<key>_one" is
# the singular of "<key>", chosen when the value ``n`` is 1 (Norwegian and English both inflect).
RELIABILITY: dict[str, dict[str, str]] = {
    "reliability.remark": {"nb": "{variable}: {remark}", "en": "{variable}: {remark}"},
    "reliability.problem": {"nb": "{variable}: {problem}; ingen mål er beregnet",
                            "en": "{variable}: {problem}; no statistic computed"},
    "reliability.left_out": {"nb": "{variable}: {statistic:statistic} er utelatt: {reason}",
                             "en": "{variable}: {statistic} left out: {reason}"},
    "reliability.paradox": {
        "nb": "{variable}: {kappas:and} mens registratorene er enige i {agreement:pct0} av "
              "kasusene: κ er lav fordi prevalensen er skjev (κ-paradokset, Feinstein & "
              "Cicchetti 1990); les Gwets AC1 og PABAK ved siden av",
        "en": "{variable}: {kappas:and} while the raters agree on {agreement:pct0} of cases: κ is "
              "low because prevalence is skewed (the kappa paradox, Feinstein & Cicchetti "
              "1990); read gwet_ac1 and pabak beside it"},
    "reliability.paradox_kappa": {"nb": "{statistic:statistic} = {kappa:num2}",
                                  "en": "{statistic:statistic} = {kappa:num2}"},
    # what was done to the ratings (counted, never listed)
    "reliability.unknown_missing": {
        "nb": "{n:count} vurderinger med en kode for ukjent er regnet som manglende",
        "en": "{n:count} ratings with a declared unknown code counted as missing"},
    "reliability.unknown_missing_one": {
        "nb": "1 vurdering med en kode for ukjent er regnet som manglende",
        "en": "1 rating with a declared unknown code counted as missing"},
    "reliability.unknown_ordinal": {
        "nb": "{n:count} vurderinger med en kode for ukjent er regnet som manglende (en kode for "
              "ukjent har ingen plass på ordinalskalaen)",
        "en": "{n:count} ratings with a declared unknown code counted as missing (an unknown "
              "code has no place on the ordinal scale)"},
    "reliability.unknown_ordinal_one": {
        "nb": "1 vurdering med en kode for ukjent er regnet som manglende (en kode for ukjent har "
              "ingen plass på ordinalskalaen)",
        "en": "1 rating with a declared unknown code counted as missing (an unknown code has no "
              "place on the ordinal scale)"},
    "reliability.ordinal_as_text": {
        "nb": "ordinalnivå, men de {n} kodene er tekst uten oppgitt rekkefølge: de er ordnet "
              "alfabetisk, som kanskje ikke er deres rekkefølge — oppgi kodene i rekkefølge "
              "(codes i [variables.NAVN][[ eller --categories]])",
        "en": "ordinal level, but the {n} codes are text with no declared order: they are "
              "ordered alphabetically, which may not be their order — declare the codes in "
              "order (codes in [variables.NAME][[ or --categories]])"},
    "reliability.undeclared_missing": {
        "nb": "{n:count} vurderinger utenfor kodelisten er regnet som manglende",
        "en": "{n:count} ratings outside the declared codes counted as missing"},
    "reliability.undeclared_missing_one": {
        "nb": "1 vurdering utenfor kodelisten er regnet som manglende",
        "en": "1 rating outside the declared codes counted as missing"},
    "reliability.undeclared_category": {
        "nb": "{n:count} vurderinger utenfor kodelisten; hver ulik verdi telles som en egen "
              "kategori",
        "en": "{n:count} ratings outside the declared codes; each distinct value is counted as "
              "a further category"},
    "reliability.undeclared_category_one": {
        "nb": "1 vurdering utenfor kodelisten; den telles som en egen kategori",
        "en": "1 rating outside the declared codes; it is counted as a further category"},
    "reliability.unplaced": {"nb": "{n:count} rader uten kasus-ID eller registrator er utelatt",
                             "en": "{n:count} rows without a case id or a rater left out"},
    "reliability.unplaced_one": {"nb": "1 rad uten kasus-ID eller registrator er utelatt",
                                 "en": "1 row without a case id or a rater left out"},
    # why a variable has no statistic at all
    "reliability.reason.all_missing": {"nb": "alle vurderingene mangler",
                                       "en": "all ratings are missing"},
    "reliability.reason.one_rater": {"nb": "bare én registrator", "en": "only one rater"},
    "reliability.reason.text_values": {
        "nb": "{n:count} vurderinger er tekst (eller et uendelig tall) på {level}; velg "
              "nominal- eller ordinalnivå ([[--level nominal eller ordinal||level i "
              "[variables.NAVN] i spesifikasjonen]]), eller rens verdiene",
        "en": "{n:count} ratings are text where the level is {level} (or an infinite number); "
              "set the level to nominal or ordinal ([[--level nominal or ordinal||level in "
              "[variables.NAME] of the spec]]), or clean the values"},
    "reliability.reason.text_values_one": {
        "nb": "1 vurdering er tekst (eller et uendelig tall) på {level}; velg nominal- eller "
              "ordinalnivå ([[--level nominal eller ordinal||level i [variables.NAVN] i "
              "spesifikasjonen]]), eller rens verdien",
        "en": "1 rating is text where the level is {level} (or an infinite number); set the "
              "level to nominal or ordinal ([[--level nominal or ordinal||level in "
              "[variables.NAME] of the spec]]), or clean the value"},
    "reliability.reason.table_text": {
        "nb": "kategorinavnene i tabellen er tekst på {level}; velg nominal- eller ordinalnivå "
              "([[--level nominal eller ordinal||level i [variables.NAVN] i spesifikasjonen]])",
        "en": "category labels of the table are text where the level is {level}; set the "
              "level to nominal or ordinal ([[--level nominal or ordinal||level in "
              "[variables.NAME] of the spec]])"},
    # why one statistic is left out
    "reliability.reason.no_pairs": {"nb": "ingen kasus har to eller flere vurderinger",
                                    "en": "no case has two or more ratings"},
    "reliability.reason.too_many_categories": {
        "nb": "{n:count} ulike verdier, men høyst {most:count} kategorier går an på nominal- og "
              "ordinalnivå; er variabelen en måling, oppgi [[--level interval eller ratio (eller "
              "type i [variables.NAVN])||type i [variables.NAVN]]]",
        "en": "{n:count} distinct values, but at most {most:count} categories are possible at "
              "the nominal and ordinal levels; if the variable is a measurement, give [[--level "
              "interval or ratio (or its type in [variables.NAME])||its type in "
              "[variables.NAME]]]"},
    "reliability.reason.one_case": {
        "nb": "bare ett kasus er vurdert av to eller flere registratorer: enighet krever minst "
              "to kasus",
        "en": "only one case was rated by two or more raters: agreement needs at least two "
              "cases"},
    "reliability.reason.one_category_chance": {
        "nb": "bare én kategori: sjansekorrigert enighet er udefinert",
        "en": "only one category: chance-corrected agreement is undefined"},
    "reliability.reason.one_category": {"nb": "bare én kategori: {name} er udefinert",
                                        "en": "only one category: {name} is undefined"},
    "reliability.reason.no_variation": {
        "nb": "ingen variasjon: alle vurderingene er i én og samme kategori, så forventet "
              "tilfeldig enighet er 1 og {statistic:statistic} er udefinert",
        "en": "no variation: every rating is in one and the same category, so chance "
              "agreement is 1 and {name} is undefined"},
    "reliability.reason.no_variation_pair": {
        "nb": "ingen variasjon: begge registratorene brukte én og samme kategori, så forventet "
              "tilfeldig enighet er 1 og κ er udefinert",
        "en": "no variation: both raters used one and the same category, so chance agreement "
              "is 1 and κ is undefined"},
    "reliability.reason.same_values": {
        "nb": "ingen variasjon: alle vurderingene er like, så {name} er udefinert",
        "en": "no variation: every rating is the same, so {name} is undefined"},
    "reliability.reason.conger_rater": {
        "nb": "en registrator har ingen vurdering: Congers κ trenger kategorifordelingen til "
              "hver registrator",
        "en": "a rater has no rating: Conger's κ needs every rater's category shares"},
    "reliability.reason.cohen_two": {
        "nb": "Cohens κ er for to registratorer ({k} her); se Fleiss' κ og Gwets AC1",
        "en": "Cohen's κ is for two raters ({k} here); see fleiss_kappa and gwet_ac1"},
    "reliability.reason.both_raters": {
        "nb": "færre enn to kasus er vurdert av begge registratorene",
        "en": "fewer than two cases rated by both raters"},
    "reliability.reason.three_both": {
        "nb": "færre enn tre kasus er vurdert av begge registratorene",
        "en": "fewer than three cases rated by both raters"},
    "reliability.reason.every_rater": {
        "nb": "færre enn to kasus er vurdert av alle registratorene",
        "en": "fewer than two cases rated by every rater"},
    "reliability.reason.kappa_table": {"nb": "κ er udefinert for denne tabellen",
                                       "en": "κ is undefined for this table"},
    "reliability.reason.icc_mean_squares": {
        "nb": "ICC er udefinert: middelkvadratene den deler på er 0 (ingen variasjon mellom "
              "kasusene eller mellom vurderingene)",
        "en": "ICC is undefined: the mean squares it divides by are 0 (no variation between "
              "the cases or between the ratings)"},
    "reliability.reason.ba_two": {"nb": "Bland–Altman sammenligner to registratorer ({k} her)",
                                  "en": "Bland–Altman compares two raters ({k} here)"},
    "reliability.reason.flat_means": {
        "nb": "gjennomsnittene av parene varierer ikke: ingen regresjon på gjennomsnittet",
        "en": "the means of the pairs do not vary: no regression on the mean"},
    "reliability.reason.undefined": {"nb": "udefinert for disse dataene",
                                     "en": "undefined for these data"},
    # an A.Undefined text dq.reliability has no key for: English as it is, else the general text
    "reliability.reason.undefined_other": {"nb": "udefinert for disse dataene", "en": "{text}"},
}
# The levels of measurement where a text names one (WORDS: the template gets {"word": key}).
WORDS.update({
    "level_nominal": {"nb": "nominalnivå", "en": "nominal"},
    "level_ordinal": {"nb": "ordinalnivå", "en": "ordinal"},
    "level_interval": {"nb": "intervallnivå", "en": "interval"},
    "level_ratio": {"nb": "forholdstallsnivå", "en": "ratio"},
})


def _message(key: str, lang: str, params: dict[str, Any]) -> str:
    table = next(t for t in (RELIABILITY, WARNINGS, ERRORS, ERRORS_SPEC, ERRORS_DATA)
                 if key in t)
    if params.get("n") == 1 and f"{key}_one" in table:
        key = f"{key}_one"
    values = {k: _in(v, lang) for k, v in params.items()}
    return render(table[key][lang], lang, values)


def _in(value: Any, lang: str) -> Any:
    """A value of a Message in ``lang``: a Message (or a list of them) as its text."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, list | tuple):
        return [_in(v, lang) for v in value]
    return value


class Message(str):
    """A catalogue text with its values. It *is* its English text (so JSON, a row's note and
    every caller that takes a str keep working) and writes itself in any language with
    :meth:`text`; a Message among the values is written in the same language."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> Message:
        self = super().__new__(cls, _message(key, "en", params))
        self.key, self.params = key, params
        return self

    def text(self, lang: str) -> str:
        return _message(self.key, lang, self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.key, self.params))


def _rebuild(key: str, params: dict[str, Any]) -> Message:
    return Message(key, **params)


def localise(text: str, lang: str) -> str:
    """A warning or note in ``lang``: a Message in that language, any other text as it is."""
    return text.text(lang) if isinstance(text, Message) else text


# ---- warnings and notes on stderr (issue 11, "Norwegian everywhere"): every command's warnings
# and notes as Message values (dq.messages.Message looks keys up here too). Values are unit ids
# and names, variable and column names, file names, counts and years — never row values. The
# CLI writes them with the prefix "stderr.warning" / "stderr.note" in the run's language.
WARNINGS: dict[str, dict[str, str]] = {
    "stderr.warning": {"nb": "advarsel", "en": "warning"},
    "stderr.note": {"nb": "merk", "en": "note"},
    # the unit groups dq makes itself (dq.units.group_word), as the tables name them
    "group.not_a_unit": SUB["not_a_unit_group"],
    "group.unmatched": SUB["unmatched_group"],
    "group.missing": SUB["missing_group"],
    # progress displays (a person watching a terminal)
    "progress.reading": {"nb": "Leser uttrekket …", "en": "Reading the export…"},
    "progress.reading_studies": {"nb": "Leser uttrekket og studiene …",
                                 "en": "Reading the export and the studies…"},
    "progress.report": {"nb": "Kontrollerer alle seks dimensjoner …",
                        "en": "Checking all six dimensions…"},
    "progress.completeness": {"nb": "Teller kompletthet …", "en": "Counting completeness…"},
    "progress.coverage": {"nb": "Beregner dekningsgrad …", "en": "Computing coverage…"},
    "progress.agreement": {"nb": "Beregner enighet …", "en": "Computing agreement…"},
    "progress.spec": {"nb": "Kontrollerer spesifikasjonen …", "en": "Checking the spec…"},
    # reading a file (dq.io.readers)
    "read.not_utf8_other": {
        "nb": "{file} er ikke UTF-8; leses som {encoding} (lagre filen som UTF-8 hvis bokstavene "
              "blir feil)",
        "en": "{file} is not UTF-8; reading it as {encoding} (save the file as UTF-8 if its "
              "letters come out wrong)"},
    "read.not_utf8": {"nb": "{file} er ikke UTF-8; leses som {encoding} ([[velg med "
                            "--encoding||velg med [dataset] encoding]])",
                      "en": "{file} is not UTF-8; reading it as {encoding} ([[pass --encoding||set "
                            "[dataset] encoding]] to choose)"},
    # dq coverage (dq.coverage) and the report's Kompletthet
    "coverage.side.reference": {"nb": "referansen", "en": "reference"},
    "coverage.side.registry": {"nb": "registeret", "en": "registry"},
    "coverage.side.reference_file": {"nb": "referansen {file}", "en": "reference {file}"},
    "coverage.years_left_out": {
        "nb": "årene {years} finnes bare i {side} og er utelatt fra sammenligningen "
              "(sammenlignet: {compared})",
        "en": "years {years} are only in the {side} and are left out of the comparison "
              "(compared: {compared})"},
    "coverage.years_left_out_one": {
        "nb": "året {years} finnes bare i {side} og er utelatt fra sammenligningen "
              "(sammenlignet: {compared})",
        "en": "year {years} is only in the {side} and is left out of the comparison "
              "(compared: {compared})"},
    "coverage.closest": {"nb": " (nærmest: {names:list})", "en": " (closest: {names:list})"},
    "coverage.closest_reference": {"nb": " (nærmeste enheter i referansen: {names:list})",
                                   "en": " (closest reference units: {names:list})"},
    "coverage.unit_unmatched": {
        "nb": "enheten {unit!r} i {side} finnes ikke i enhetstabellen{closest}",
        "en": "{side} unit {unit!r} matches no unit in the unit table{closest}"},
    "coverage.reference_without_unit": {
        "nb": "{n:count} hendelser i referansen har ingen enhet (eller en verdi som ikke er en "
              "enhet): de telles med nasjonalt, men ikke som en enhet som skal rapportere",
        "en": "{n:count} reference events have no unit (or a value that is not a unit): they "
              "count nationally, but not as a unit that should report"},
    "coverage.reference_without_unit_one": {
        "nb": "1 hendelse i referansen har ingen enhet (eller en verdi som ikke er en enhet): den "
              "telles med nasjonalt, men ikke som en enhet som skal rapportere",
        "en": "1 reference event has no unit (or a value that is not a unit): it counts "
              "nationally, but not as a unit that should report"},
    "coverage.unit_not_in_reference": {
        "nb": "enheten {unit!r} i registeret finnes ikke i referansen: dekningsgrad kan ikke "
              "beregnes for den{closest}",
        "en": "registry unit {unit!r} is not in the reference: no coverage can be computed for "
              "it{closest}"},
    "coverage.no_valid_date": {
        "nb": "{n:count} hendelser i registeret har ingen gyldig dato i {column!r} (tom: "
              "{empty:count}, uleselig: {bad:count}) og dermed intet år; de er utelatt fra "
              "sammenligningen",
        "en": "{n:count} registry events have no valid date in {column!r} ({empty:count} "
              "empty, {bad:count} unparseable) and have no year; they are left out of the "
              "comparison"},
    "coverage.no_valid_date_one": {
        "nb": "1 hendelse i registeret har ingen gyldig dato i {column!r} (tom: {empty:count}, "
              "uleselig: {bad:count}) og dermed intet år; den er utelatt fra sammenligningen",
        "en": "1 registry event has no valid date in {column!r} ({empty:count} empty, "
              "{bad:count} unparseable) and has no year; it is left out of the comparison"},
    "coverage.no_person": {
        "nb": "{n:count} hendelser i registeret mangler person-ID og kan ikke kobles; de telles "
              "som bare i registeret",
        "en": "{n:count} registry events have no person id and cannot be linked; they count "
              "as registry-only"},
    "coverage.no_person_one": {
        "nb": "1 hendelse i registeret mangler person-ID og kan ikke kobles; den telles som bare "
              "i registeret",
        "en": "1 registry event has no person id and cannot be linked; it counts as "
              "registry-only"},
    "coverage.none_linked": {
        "nb": "ingen person i registeret ({registry:count} hendelser) ble funnet i referansen "
              "({reference:count} hendelser) innen ±{window} dager, så hver hendelse telles som "
              "bare i én kilde; trolig er person-ID-ene ulike: sjekk [dataset] person_id og "
              "[coverage.reference] person_id, og at begge kildene er pseudonymisert likt",
        "en": "no person of the registry ({registry:count} events) was found in the reference "
              "({reference:count} events) within ±{window} days, so every event counts as in "
              "one source only; the person ids probably differ: check [dataset] person_id and "
              "[coverage.reference] person_id, and that both sources are pseudonymised alike"},
    "coverage.reference_undated": {
        "nb": "{n:count} hendelser i {file} har ingen gyldig dato og kan ikke kobles; de er "
              "utelatt",
        "en": "{n:count} events in {file} have no valid date and cannot be linked; they are "
              "left out"},
    "coverage.reference_undated_one": {
        "nb": "1 hendelse i {file} har ingen gyldig dato og kan ikke kobles; den er utelatt",
        "en": "1 event in {file} has no valid date and cannot be linked; it is left out"},
    "coverage.no_report_year": {
        "nb": "referansen for dekningsgrad har ingen tall for {year}; dekningsgraden er ikke "
              "vurdert for rapportåret",
        "en": "the coverage reference has no figures for {year}; coverage (dekningsgrad) is not assessed "
              "for the report year"},
    # capture-recapture (dq.capture), through dq coverage --mode linkage with 3+ sources
    "capture.model_n": {"nb": "{model}: {n_hat:count}", "en": "{model}: {n_hat:count}"},
    "capture.close_models": {
        "nb": "{n:count} andre modeller innenfor 2 AIC av den valgte ({chosen}, N̂ "
              "{n_hat:count}) gir en N̂ som avviker mer enn 5 % ({others:list}): estimatet "
              "avhenger av modellen; se modelltabellen",
        "en": "{n:count} other models within 2 AIC of the chosen one ({chosen}, N̂ "
              "{n_hat:count}) give N̂ more than 5 % away ({others:list}): the estimate depends "
              "on the model; read the model table"},
    "capture.close_models_one": {
        "nb": "1 annen modell innenfor 2 AIC av den valgte ({chosen}, N̂ {n_hat:count}) gir en "
              "N̂ som avviker mer enn 5 % ({others:list}): estimatet avhenger av modellen; se "
              "modelltabellen",
        "en": "1 other model within 2 AIC of the chosen one ({chosen}, N̂ {n_hat:count}) gives "
              "N̂ more than 5 % away ({others:list}): the estimate depends on the model; read "
              "the model table"},
    # conditions of the spec (dq completeness and every command that counts with them)
    "finished.none": {
        "nb": "{file}: [dataset] finished {condition!r} gjelder ingen av de {rows:count} "
              "registreringene, så hvert tall er regnet over 0 registreringer; sjekk "
              "betingelsen (f.eks. koden for et ferdigstilt skjema)",
        "en": "{file}: [dataset] finished {condition!r} matches none of the {rows:count} "
              "records, so every figure is over 0 records; check the condition (e.g. the code "
              "of a finished form)"},
    "type.date": {"nb": "dato", "en": "date"},
    "type.datetime": {"nb": "tidspunkt", "en": "datetime"},
    "type.number": {"nb": "tall", "en": "number"},
    "conditions.unreadable": {
        "nb": "{variable!r}: {n:count} registrerte verdier kan ikke leses som {kind} i en "
              "betingelse i spesifikasjonen; disse registreringene regnes som at betingelsen "
              "ikke er oppfylt (rett verdiene, eller oppgi typen til {variable!r} i "
              "[variables.{variable}])",
        "en": "{variable!r}: {n:count} registered values cannot be read as a {kind} in a "
              "condition of the spec; those records count as not meeting it (correct the "
              "values, or declare the type of {variable!r} in [variables.{variable}])"},
    "conditions.unreadable_one": {
        "nb": "{variable!r}: 1 registrert verdi kan ikke leses som {kind} i en betingelse i "
              "spesifikasjonen; registreringen regnes som at betingelsen ikke er oppfylt (rett "
              "verdien, eller oppgi typen til {variable!r} i [variables.{variable}])",
        "en": "{variable!r}: 1 registered value cannot be read as a {kind} in a condition of "
              "the spec; that record counts as not meeting it (correct the value, or declare "
              "the type of {variable!r} in [variables.{variable}])"},
    # dq correctness (dq.correctness) and the report's Korrekthet
    "correctness.what.numeric": {"nb": "endelige tall", "en": "finite numbers"},
    "correctness.what.date": {"nb": "datoer", "en": "dates"},
    "correctness.what.binary": {"nb": "ja/nei (ja/nei, 1/0, true/false)",
                                "en": "yes/no (ja/nei, 1/0, true/false)"},
    "correctness.what.text": {"nb": "tekst", "en": "text"},
    "correctness.unreadable": {
        "nb": "{variable}: verdier som ikke kan leses som {what}: {registry:count} i registeret, "
              "{record:count} i journalen; hvert slikt par regnes som uenig",
        "en": "{variable}: values that cannot be read as {what}: {registry:count} in the "
              "registry, {record:count} in the record; each such pair counts as not agreeing"},
    "correctness.figure.sensitivity": {"nb": "sensitivitet", "en": "sensitivity"},
    "correctness.figure.specificity": {"nb": "spesifisitet", "en": "specificity"},
    "correctness.figure.ppv": {"nb": "PPV", "en": "ppv"},
    "correctness.figure.npv": {"nb": "NPV", "en": "npv"},
    "correctness.why.sensitivity": {"nb": "ingen positive i journalen",
                                    "en": "no positive in the record"},
    "correctness.why.specificity": {"nb": "ingen negative i journalen",
                                    "en": "no negative in the record"},
    "correctness.why.ppv": {"nb": "ingen positive i registeret",
                            "en": "no positive in the registry"},
    "correctness.why.npv": {"nb": "ingen negative i registeret",
                            "en": "no negative in the registry"},
    "correctness.undefined": {
        "nb": "{variable}: {figure} er udefinert ({why}: nevneren er 0)",
        "en": "{variable}: {figure} is undefined ({why}: its denominator is 0)"},
    "correctness.conflicting": {
        "nb": "{n:count} pasienter har både ja og nei i {column!r}; den første raden for hver "
              "er brukt",
        "en": "{n:count} patients have both yes and no in {column!r}; the first row of each "
              "is used"},
    "correctness.conflicting_one": {
        "nb": "1 pasient har både ja og nei i {column!r}; den første raden er brukt",
        "en": "1 patient has both yes and no in {column!r}; its first row is used"},
    "correctness.belongs_unknown": {
        "nb": "{n:count} pasienter har ingen verdi i {column!r} og er utelatt fra korrekte "
              "pasienter",
        "en": "{n:count} patients have no value in {column!r} and are left out of correct "
              "patients"},
    "correctness.belongs_unknown_one": {
        "nb": "1 pasient har ingen verdi i {column!r} og er utelatt fra korrekte pasienter",
        "en": "1 patient has no value in {column!r} and is left out of correct patients"},
    # dq sample (dq.sample)
    "sample.no_key": {
        "nb": "{n:count} registreringer uten verdi i nøkkelen ({keys:list}) kan ikke trekkes og "
              "er utelatt",
        "en": "{n:count} records without a value in the key ({keys:list}) cannot be sampled "
              "and were left out"},
    "sample.no_key_one": {
        "nb": "1 registrering uten verdi i nøkkelen ({keys:list}) kan ikke trekkes og er "
              "utelatt",
        "en": "1 record without a value in the key ({keys:list}) cannot be sampled and was "
              "left out"},
    "sample.duplicate_key": {
        "nb": "{n:count} registreringer gjentar en nøkkel ({keys:list}): hver nøkkel er én "
              "trekkenhet, oppført én gang med verdiene fra sin første registrering; oppgi "
              "--key med kolonner som identifiserer én registrering",
        "en": "{n:count} records repeat a key ({keys:list}): each key is one sampling unit, "
              "listed once with its first record's values; pass --key with columns that "
              "identify one record"},
    "sample.duplicate_key_one": {
        "nb": "1 registrering gjentar en nøkkel ({keys:list}): hver nøkkel er én trekkenhet, "
              "oppført én gang med verdiene fra sin første registrering; oppgi --key med "
              "kolonner som identifiserer én registrering",
        "en": "1 record repeats a key ({keys:list}): each key is one sampling unit, listed "
              "once with its first record's values; pass --key with columns that identify one "
              "record"},
    "sample.neyman_fallback": {
        "nb": "{variable!r} mangler i ingen strata eller i alle: Neyman-allokeringen erstattes "
              "av proporsjonal allokering",
        "en": "{variable!r} is missing in no stratum or in all: Neyman allocation falls back "
              "to proportional"},
    "sample.all_taken": {
        "nb": "strataene har til sammen {total:count} registreringer, færre enn --n {wanted}: "
              "alle er trukket",
        "en": "the strata hold {total:count} records, fewer than --n {wanted}: all are taken"},
    # dq compare (dq.compare)
    "compare.versions": {"nb": "resultatene er laget med ulike dq-versjoner ({before} og "
                               "{after})",
                         "en": "the results come from different dq versions ({before} and "
                               "{after})"},
    "compare.specs": {"nb": "resultatene er laget med ulike spesifikasjoner (spesifikasjonens "
                            "sha256 er ulik)",
                      "en": "the results were made with different specs (spec sha256 "
                            "differs)"},
    "compare.inputs_changed": {
        "nb": "{n:count} andre inndatafiler enn uttrekket er endret mellom kjøringene (sha256 er "
              "ulik): {names:list}",
        "en": "{n:count} inputs other than the export changed between the runs (sha256 "
              "differs): {names:list}"},
    "compare.inputs_changed_one": {
        "nb": "1 annen inndatafil enn uttrekket er endret mellom kjøringene (sha256 er ulik): "
              "{names:list}",
        "en": "1 input other than the export changed between the runs (sha256 differs): "
              "{names:list}"},
    "compare.thresholds_changed": {
        "nb": "{n:count} kontroller har ulike terskler: {ids:list}{more}",
        "en": "{n:count} checks have different thresholds: {ids:list}{more}"},
    "compare.thresholds_changed_one": {
        "nb": "1 kontroll har ulike terskler: {ids:list}{more}",
        "en": "1 check has different thresholds: {ids:list}{more}"},
    "compare.unsuppressed": {
        "nb": "{file} er skrevet uten prikking av små tall: dq compare skjuler enhetsrader der "
              "teller eller nevner er under {min}, men bare dq report --suppress {min} ser "
              "alle tallene bak et mål; sammenlign resultater skrevet med den",
        "en": "{file} was written without small-cell suppression: compare hides unit rows "
              "whose numerator or denominator is below {min}, but only dq report --suppress "
              "{min} sees every count behind a figure; compare results written with it"},
    # writing the outputs (dq.outputs): {error} is an error message (English, as every error)
    "outputs.append_failed": {"nb": "{error}; de andre utdataene er skrevet",
                              "en": "{error}; the other outputs were written"},
    # dq report
    "report.figures_svg_only": {
        "nb": "--figures: bare SVG; PNG krever CairoSVG og cairo-biblioteket (pip install "
              "'dq[png]')",
        "en": "--figures: SVG only; PNG needs CairoSVG and the cairo library (pip install "
              "'dq[png]')"},
    "report.more_warnings": {
        "nb": "{n:count} advarsler til står i JSON-utdataene (nøkkelen warnings)",
        "en": "{n:count} more warnings in the JSON output (warnings)"},
    "report.more_warnings_one": {
        "nb": "1 advarsel til står i JSON-utdataene (nøkkelen warnings)",
        "en": "1 more warning in the JSON output (warnings)"},
    # dq spec check (dq.spec_check): the problems that are warnings
    "spec.codebook_codes_never_held": {
        "nb": "{where}: {n:count} koder fra kodeboken finnes ikke i noen registrering: {shown} "
              "(tillatt: en kodebok lister alle registerets koder)",
        "en": "{where}: {n:count} codes of the codebook no record holds: {shown} (allowed: a "
              "codebook lists every code of the registry)"},
    "spec.codebook_codes_never_held_one": {
        "nb": "{where}: 1 kode fra kodeboken finnes ikke i noen registrering: {shown} "
              "(tillatt: en kodebok lister alle registerets koder)",
        "en": "{where}: 1 code of the codebook no record holds: {shown} (allowed: a codebook "
              "lists every code of the registry)"},
}
# the CI column of dq reliability at the level asked for (--level-of-confidence 0.9: "90 % KI")
SUB.update({"col.ci_level": {"nb": "{level:g} % KI", "en": "{level:g} % CI"}})


# ---- errors on stderr (exit 2, 3 and 4; issue 11, "Norwegian everywhere"): every DQError is
# raised with a Message whose key is looked up here, in ERRORS_SPEC (configuration: the spec,
# flags, plans, studies, results handed to compare) or in ERRORS_DATA (reading and writing files
# and databases). The CLI writes them after "dq: feil:" / "dq: error:" in the run's language
# (dq.cli._common.fail). Values are file, column, key and unit names, counts and what was
# expected — never row values (a DQError's message must never contain one).
ERRORS: dict[str, dict[str, str]] = {
    "stderr.error": {"nb": "feil", "en": "error"},
    "stderr.interrupted": {"nb": "avbrutt", "en": "interrupted"},
    # the command-line parser's usage errors in a Norwegian run (dq.cli._common.usage_error);
    # in English the parser's own text is shown
    "usage.see_help": {"nb": "{error}; se «{command} --help»",
                       "en": "{error}; see '{command} --help'"},
    "usage.no_such_option": {"nb": "ukjent valg {option}{hint}",
                             "en": "no such option {option}{hint}"},
    "usage.did_you_mean": {"nb": " (mulige valg: {options:list})",
                           "en": " (possible options: {options:list})"},
    "usage.option_needs_value": {"nb": "valget {option} trenger en verdi",
                                 "en": "option {option} needs a value"},
    "usage.missing": {"nb": "{name} mangler", "en": "missing {name}"},
    "usage.bad_value": {"nb": "ugyldig verdi for {name}{reason}{hint}",
                        "en": "invalid value for {name}{reason}{hint}"},
    # {reason}: why (dq.cli._common._reason); values and bounds as they are typed (0.5)
    "usage.not_integer": {"nb": ": «{value}» er ikke et heltall",
                          "en": ": '{value}' is not a whole number"},
    "usage.not_number": {"nb": ": «{value}» er ikke et tall", "en": ": '{value}' is not a number"},
    "usage.not_finite": {"nb": ": «{value}» er ikke et endelig tall",
                         "en": ": '{value}' is not a finite number"},
    "usage.at_least": {"nb": ": må være minst {bound} (fikk {value})",
                       "en": ": must be at least {bound} (got {value})"},
    "usage.above": {"nb": ": må være større enn {bound} (fikk {value})",
                    "en": ": must be greater than {bound} (got {value})"},
    "usage.at_most": {"nb": ": må være høyst {bound} (fikk {value})",
                      "en": ": must be at most {bound} (got {value})"},
    "usage.below": {"nb": ": må være mindre enn {bound} (fikk {value})",
                    "en": ": must be less than {bound} (got {value})"},
    "usage.path_missing": {"nb": ": {path} finnes ikke", "en": ": {path} does not exist"},
    "usage.path_is_dir": {"nb": ": {path} er en mappe, ikke en fil",
                          "en": ": {path} is a folder, not a file"},
    "usage.path_is_file": {"nb": ": {path} er en fil, ikke en mappe",
                           "en": ": {path} is a file, not a folder"},
    "usage.path_unreadable": {"nb": ": {path} kan ikke leses (ingen tilgang)",
                              "en": ": {path} cannot be read (permission denied)"},
    "usage.path_unwritable": {"nb": ": {path} kan ikke skrives (ingen tilgang)",
                              "en": ": {path} cannot be written (permission denied)"},
    "usage.choices": {"nb": "; gyldige verdier: {choices:list}",
                      "en": "; valid values: {choices:list}"},
    "usage.bad_argument": {"nb": "feil i argumentene", "en": "bad arguments"},
    "usage.other": {"nb": "ukjent kommando eller feil bruk",
                    "en": "unknown command or wrong usage"},
    "stderr.internal": {
        "nb": "intern feil – dette er en feil i dq; meld den gjerne med sporingen nedenfor",
        "en": "internal error — this is a bug in dq; please report it with the traceback "
              "below"},
    "stderr.internal_withheld": {
        "nb": " (unntaksmeldingene er holdt tilbake fordi de kan sitere dataene; DQ_DEBUG=1 "
              "viser dem)",
        "en": " (exception messages are withheld because they may quote the data; "
              "DQ_DEBUG=1 shows them)"},
    # the files being read, as an error names them
    "files.the_input": {"nb": "inndataene", "en": "the input"},
    "files.one_of": {"nb": "én av {shown}", "en": "one of {shown}"},
    # errors the engine raised while reading the data, in dq's own words (the engine's text
    # is never passed on: it quotes row values)
    "engine.type": {
        "nb": "dataene i {where} kunne ikke leses til slutt: en verdi{col} passer ikke til "
              "kolonnens type, eller en rad passer ikke til overskriften; sjekk typene i "
              "spesifikasjonen, filens format, skilletegn ([[--separator||[dataset] separator]]) og "
              "tegnkoding ([[--encoding||[dataset] encoding]])",
        "en": "the data in {where} could not be read to the end: a value{col} does not fit "
              "its column's type, or a row does not match the header; check the types in the "
              "spec, the file's format, separator ([[--separator||[dataset] separator]]) and "
              "encoding ([[--encoding||[dataset] encoding]])"},
    "engine.type_column": {"nb": " (kolonne {column})", "en": " (column {column})"},
    "engine.no_data": {"nb": "{where} har ingen data å lese (en tom fil?)",
                       "en": "{where} has no data to read (an empty file?)"},
    "engine.csv": {
        "nb": "{where} kunne ikke leses som CSV; sjekk filens format, skilletegn og "
              "linjeskift",
        "en": "{where} could not be read as CSV; check the file's format, separator and line "
              "endings"},
    "engine.unicode": {
        "nb": "{where} inneholder byte som ikke er tekst i forventet tegnkoding; [[oppgi "
              "--encoding||sett [dataset] encoding]] (utf-8, cp1252 eller latin-1) eller lagre "
              "filen som UTF-8",
        "en": "{where} holds bytes that are not text in the expected encoding; [[pass "
              "--encoding||set [dataset] encoding]] (utf-8, cp1252 or latin-1) or save the file "
              "as UTF-8"},
    "engine.os": {"nb": "{name} kunne ikke leses ({why})",
                  "en": "{name} could not be read ({why})"},
    "engine.nested": {
        "nb": "{where} er nøstet for dypt til å leses (tusenvis av nøstede klammer eller "
              "tabeller); sjekk at det er filen du mente",
        "en": "{where} is nested too deeply to read (thousands of nested brackets or tables); "
              "check that it is the file you meant"},
    "engine.memory": {
        "nb": "ikke nok minne til å behandle {where}; kjør på en maskin med mer minne eller del "
              "opp uttrekket",
        "en": "not enough memory to process {where}; run on a machine with more memory or "
              "split the export"},
    "engine.panic": {
        "nb": "{where} kunne ikke leses: datamotoren stoppet på innholdet; sjekk filens "
              "format, skilletegn og tegnkoding",
        "en": "{where} could not be read: the data engine stopped on its content; check the "
              "file's format, separator and encoding"},
}

# configuration errors (exit 2): the spec, flags, plans, studies, results handed to compare
ERRORS_SPEC: dict[str, dict[str, str]] = {
    # ---- the spec (dq.spec): {where} is the file and key ("dq.toml: [variables.Alder] min"),
    # values of the spec are shown as written in it (TOML literals), never data
    "spec.the_spec": {"nb": "spesifikasjonen", "en": "the spec"},
    "spec.not_found": {"nb": "{file}: fant ikke spesifikasjonsfilen",
                       "en": "{file}: spec file not found"},
    "spec.not_found_dir": {"nb": "{file}: fant ikke spesifikasjonsfilen (det er en mappe)",
                           "en": "{file}: spec file not found (it is a directory)"},
    "spec.not_utf8": {
        "nb": "{file}: ikke gyldig TOML (ikke UTF-8-tekst: byte {byte} kan ikke dekodes; lagre "
              "spesifikasjonen som UTF-8)",
        "en": "{file}: not valid TOML (not UTF-8 text: byte {byte} cannot be decoded; save the "
              "spec as UTF-8)"},
    "spec.not_toml": {"nb": "{file}: ikke gyldig TOML ({reason})",
                      "en": "{file}: not valid TOML ({reason})"},
    "spec.nested": {
        "nb": "{file}: ikke en dq-spesifikasjon: lister eller tabeller er nøstet for dypt for en "
              "registerspesifikasjon",
        "en": "{file}: not a dq spec: arrays or tables are nested too deeply for a registry "
              "spec"},
    "spec.nested_key": {"nb": "{where}: {field}: nøstet for dypt for en registerspesifikasjon",
                        "en": "{where}: {field}: nested too deeply for a registry spec"},
    # tomllib's reasons (the English is tomllib's own text)
    "spec.toml.reason_at": {"nb": "{reason} ({at})", "en": "{reason} (at {at})"},
    "spec.toml.at": {"nb": "på linje {line}, kolonne {column}",
                     "en": "line {line}, column {column}"},
    "spec.toml.at_end": {"nb": "ved slutten av dokumentet", "en": "end of document"},
    "spec.toml.overwrite": {"nb": "en verdi kan ikke overskrives",
                            "en": "Cannot overwrite a value"},
    "spec.toml.escape": {"nb": "escape-sekvensen er ikke et gyldig Unicode-tegn",
                         "en": "Escaped character is not a Unicode scalar value"},
    "spec.toml.equals": {"nb": "forventet '=' etter nøkkelen i et nøkkel/verdi-par",
                         "en": "Expected '=' after a key in a key/value pair"},
    "spec.toml.table_end": {"nb": "forventet ']' på slutten av tabelloverskriften",
                            "en": "Expected ']' at the end of a table declaration"},
    "spec.toml.array_table_end": {"nb": "forventet ']]' på slutten av tabellisteoverskriften",
                                  "en": "Expected ']]' at the end of an array declaration"},
    "spec.toml.newline": {"nb": "forventet linjeskift eller slutten av dokumentet etter en "
                                "setning",
                          "en": "Expected newline or end of document after a statement"},
    "spec.toml.date": {"nb": "ugyldig dato eller tidspunkt", "en": "Invalid date or datetime"},
    "spec.toml.hex": {"nb": "ugyldig heksadesimal verdi", "en": "Invalid hex value"},
    "spec.toml.key_start": {"nb": "ugyldig første tegn i en nøkkel",
                            "en": "Invalid initial character for a key part"},
    "spec.toml.statement": {"nb": "ugyldig setning", "en": "Invalid statement"},
    "spec.toml.value": {"nb": "ugyldig verdi", "en": "Invalid value"},
    "spec.toml.array": {"nb": "en liste er ikke lukket", "en": "Unclosed array"},
    "spec.toml.inline_table": {"nb": "en innebygd tabell er ikke lukket",
                               "en": "Unclosed inline table"},
    "spec.toml.backslash": {"nb": "'\\' uten escape i en tekststreng",
                            "en": "Unescaped '\\' in a string"},
    "spec.toml.string": {"nb": "en tekststreng er ikke avsluttet", "en": "Unterminated string"},
    "spec.toml.twice": {"nb": "{what} kan ikke oppgis to ganger", "en": "Cannot declare {what} twice"},
    "spec.toml.immutable": {"nb": "navnerommet {what} kan ikke endres",
                            "en": "Cannot mutate immutable namespace {what}"},
    "spec.toml.redefine": {"nb": "navnerommet {what} kan ikke defineres på nytt",
                           "en": "Cannot redefine namespace {what}"},
    "spec.toml.duplicate": {"nb": "nøkkelen {what} står to ganger i en innebygd tabell",
                            "en": "Duplicate inline table key {what}"},
    "spec.toml.expected": {"nb": "forventet {what}", "en": "Expected {what}"},
    "spec.toml.character": {"nb": "ugyldig tegn {what}", "en": "Found invalid character {what}"},
    "spec.toml.illegal": {"nb": "ulovlig tegn {what}", "en": "Illegal character {what}"},
    # a parser's reason dq has no words for (dq.spec.ParserWords): the English is the
    # parser's own text (it quotes the spec, never data), Norwegian says what kind of error
    "spec.sql.other": {"nb": "SQL-tolkeren godtar ikke uttrykket",
                       "en": "the SQL parser does not accept it"},
    "spec.toml.other": {"nb": "ugyldig TOML-syntaks", "en": "invalid TOML syntax"},
    "spec.sql.at": {"nb": "{reason}, ved tegn {column}", "en": "{reason} at column {column}"},
    "spec.sql.string": {"nb": "en tekststreng er ikke avsluttet",
                        "en": "Unterminated string literal"},
    "spec.sql.delimiter": {"nb": "mangler avsluttende {what}",
                           "en": "Expected close delimiter {what} before EOF"},
    "spec.sql.comment": {"nb": "en kommentar er ikke avsluttet",
                         "en": "Unexpected EOF while in a multi-line comment"},
    "spec.sql.unexpected": {"nb": "uventet {what}",
                            "en": "invalid expression (found unexpected token {what})"},
    "spec.sql.like": {"nb": "mønsteret til LIKE/ILIKE må være tekst i anførselstegn, fikk {what}",
                      "en": "LIKE/ILIKE pattern must be a string literal; found {what}"},
    "spec.sql.datatype": {"nb": "datatypen {what} støttes ikke",
                          "en": "datatype {what} is not currently supported"},
    "spec.sql.date": {"nb": "ugyldig DATE-verdi {what}", "en": "invalid DATE literal {what}"},
    "spec.sql.clause": {"nb": "forventet et uttrykk, fant {what}",
                        "en": "expected an expression (found {what} clause)"},
    "spec.sql.parse": {"nb": "kan ikke tolke {what} som et uttrykk",
                       "en": "unable to parse {what} as Expr"},
    "spec.sql.function": {"nb": "funksjonen {what} støttes ikke",
                          "en": "unsupported function {what}"},
    "spec.sql.operator": {"nb": "operatoren {what} støttes ikke",
                          "en": "operator {what} is not currently supported"},
    "spec.condition_hint": {
        "nb": "skriv den som et SQL-uttrykk over kolonnenavn, f.eks. \"Komplikasjon = 1\"",
        "en": "write it as a SQL expression over column names, e.g. \"Komplikasjon = 1\""},
    "spec.condition_not_text": {
        "nb": "{where}: forventet en SQL-betingelse som tekst, f.eks. \"Komplikasjon = 1\"",
        "en": "{where}: expected a SQL condition as text, e.g. \"Komplikasjon = 1\""},
    "spec.condition_subquery": {
        "nb": "{where}: betingelsen {condition!r} inneholder en underspørring (SELECT); "
              "betingelser evalueres rad for rad: {hint}",
        "en": "{where}: the condition {condition!r} contains a subquery (SELECT); conditions "
              "are evaluated row by row: {hint}"},
    "spec.condition_invalid": {"nb": "{where}: ugyldig betingelse {condition!r} ({reason}); {hint}",
                               "en": "{where}: invalid condition {condition!r} ({reason}); {hint}"},
    "spec.condition_not_row": {
        "nb": "{where}: betingelsen {condition!r} er ikke en enkel betingelse per rad; {hint}",
        "en": "{where}: the condition {condition!r} is not a plain row condition; {hint}"},
    "spec.unknown_keys": {"nb": "{where}: ukjente nøkler {keys:list}; gyldige nøkler: {valid:list}",
                          "en": "{where}: unknown keys {keys:list}; valid keys: {valid:list}"},
    "spec.unknown_keys_one": {
        "nb": "{where}: ukjent nøkkel {keys:list}; gyldige nøkler: {valid:list}",
        "en": "{where}: unknown key {keys:list}; valid keys: {valid:list}"},
    "spec.not_a_table": {"nb": "{where}: [{field}] må være en tabell",
                         "en": "{where}: [{field}] must be a table"},
    "spec.fraction": {"nb": "{where}: forventet en andel fra 0 til 1 (0.95 betyr 95 %), fikk "
                            "{value!r}",
                      "en": "{where}: expected a fraction from 0 to 1 (0.95 means 95 %), got "
                            "{value!r}"},
    "spec.fail_above_warn": {
        "nb": "{where}: fail_below ({fail}) er høyere enn warn_below ({warn}); en verdi skal gi "
              "advarsel før den gir feil",
        "en": "{where}: fail_below ({fail}) is above warn_below ({warn}); a value must warn "
              "before it fails"},
    "spec.code_list": {"nb": "{where}: forventet en liste med koder, f.eks. [9, \"Ukjent\"]",
                       "en": "{where}: expected a list of codes, e.g. [9, \"Ukjent\"]"},
    "spec.variable_not_table": {"nb": "{where}: må være en tabell med nøkler ({keys:list})",
                                "en": "{where}: must be a table of keys ({keys:list})"},
    "spec.variable_type": {"nb": "{where} type: {type!r} er ikke en type; bruk en av {types:list}",
                           "en": "{where} type: {type!r} is not a type; use one of {types:list}"},
    "spec.codes": {"nb": "{where} codes: forventet en tabell {{\"1\" = \"Ja\"}} eller en liste",
                   "en": "{where} codes: expected a table {{\"1\" = \"Ja\"}} or a list"},
    "spec.bound_number": {"nb": "{where} {field}: forventet et tall, fikk {value!r}",
                          "en": "{where} {field}: expected a number, got {value!r}"},
    "spec.min_above_max": {"nb": "{where}: min ({min}) er større enn max ({max})",
                           "en": "{where}: min ({min}) is above max ({max})"},
    "spec.uses": {"nb": "{where} uses: {bad:list} er ukjente; bruk {uses:list}",
                  "en": "{where} uses: {bad:list} not known; use {uses:list}"},
    "spec.uses_one": {"nb": "{where} uses: {bad:list} er ukjent; bruk {uses:list}",
                      "en": "{where} uses: {bad:list} not known; use {uses:list}"},
    "spec.code_both": {
        "nb": "{where}: kodene {codes:list} er både tillatte koder og ukjent-koder; før opp hver "
              "kode i bare én av codes og unknown",
        "en": "{where}: codes {codes:list} are both allowed codes and unknown codes; list "
              "each in one of codes or unknown"},
    "spec.code_both_one": {
        "nb": "{where}: koden {codes:list} er både en tillatt kode og en ukjent-kode; før den opp "
              "i bare én av codes og unknown",
        "en": "{where}: code {codes:list} is both an allowed code and an unknown code; list "
              "each in one of codes or unknown"},
    "spec.level": {"nb": "{where} level: {level!r}; bruk en av {levels:list}",
                   "en": "{where} level: {level!r}; use one of {levels:list}"},
    "spec.kappa_weights": {
        "nb": "{where} kappa_weights: forventet en {q} × {q}-matrise med uenighetsvekter ≥ 0 og "
              "nuller på diagonalen, med rader og kolonner i rekkefølgen til codes (codes må være "
              "satt)",
        "en": "{where} kappa_weights: expected a {q} × {q} matrix of disagreement weights ≥ 0 "
              "with zeros on the diagonal, rows and columns in the order of codes (codes must "
              "be set)"},
    "spec.tolerance": {"nb": "{where} tolerance: forventet et tall ≥ 0 (dager for datoer)",
                       "en": "{where} tolerance: expected a number ≥ 0 (days for dates)"},
    "spec.codebook_columns": {
        "nb": "{file}: kodeboken mangler kolonnene {missing:list}; forventet rapwhales "
              "kanoniske kolonner {columns:list}",
        "en": "{file}: codebook lacks columns {missing:list}; expected rapwhale's canonical "
              "columns {columns:list}"},
    "spec.codebook_columns_one": {
        "nb": "{file}: kodeboken mangler kolonnen {missing:list}; forventet rapwhales kanoniske "
              "kolonner {columns:list}",
        "en": "{file}: codebook lacks column {missing:list}; expected rapwhale's canonical "
              "columns {columns:list}"},
    "spec.codebook_empty_id": {
        "nb": "{file}: {n:count} rader med tom variabel_id (linje {lines:list}); hver rad må "
              "navngi sin variabel",
        "en": "{file}: {n:count} rows with an empty variabel_id (line {lines:list}); every "
              "row must name its variable"},
    "spec.codebook_empty_id_one": {
        "nb": "{file}: {n:count} rad med tom variabel_id (linje {lines:list}); hver rad må "
              "navngi sin variabel",
        "en": "{file}: {n:count} row with an empty variabel_id (line {lines:list}); every "
              "row must name its variable"},
    "spec.codebook_type": {
        "nb": "{file}: variabel_id {variable!r} har variabeltype {type!r}; forventet en av "
              "{types:list}",
        "en": "{file}: variabel_id {variable!r} has variabeltype {type!r}; expected one of "
              "{types:list}"},
    "spec.codebook_types": {
        "nb": "{file}: variabel_id {variable!r} har mer enn én variabeltype ({types:list}); gi "
              "hver variabel én type",
        "en": "{file}: variabel_id {variable!r} has more than one variabeltype ({types:list}); "
              "give each variable one type"},
    "spec.codebook_code_both": {"nb": "kodene {codes:list} både som gyldige og merket manglande",
                                "en": "codes {codes:list} both valid and marked manglande"},
    "spec.codebook_code_both_one": {"nb": "koden {codes:list} både som gyldig og merket "
                                          "manglande",
                                    "en": "code {codes:list} both valid and marked "
                                          "manglande"},
    "spec.codebook_code_repeated": {"nb": "kodene {codes:list} oppført mer enn én gang",
                                    "en": "codes {codes:list} listed more than once"},
    "spec.codebook_code_repeated_one": {"nb": "koden {codes:list} oppført mer enn én gang",
                                        "en": "code {codes:list} listed more than once"},
    "spec.codebook_codes": {
        "nb": "{file}: variabel_id {variable!r} har {what}; før opp hver kode én gang, som "
              "gyldig kode eller som ukjent-kode",
        "en": "{file}: variabel_id {variable!r} has {what}; list each code once, as a valid "
              "code or as an unknown code"},
    "spec.codebook_number": {"nb": "{file}: variabel_id {variable!r} har {field} = {value!r}, som "
                                   "ikke er et tall",
                             "en": "{file}: variabel_id {variable!r} has {field} = {value!r}, not "
                                   "a number"},
    "spec.codebook_not_found": {
        "nb": "{file}: [dataset] codebook: fant ikke {codebook}; sjekk stien (relativ til "
              "spesifikasjonens mappe)",
        "en": "{file}: [dataset] codebook: {codebook} not found; check the path (relative to "
              "the spec's folder)"},
    "spec.dataset_files": {"nb": "{file}: [dataset] files: forventet en liste med stier, f.eks. "
                                 "[\"eksport.csv\"]",
                           "en": "{file}: [dataset] files: expected a list of paths, e.g. "
                                 "[\"export.csv\"]"},
    "spec.expected_text": {"nb": "{where} forventet tekst, fikk {value!r}",
                           "en": "{where} expected text, got {value!r}"},
    "spec.dataset_format": {"nb": "{where}: ukjent format {value!r}; bruk ett av {formats:list}",
                            "en": "{where}: unknown format {value!r}; use one of {formats:list}"},
    "spec.dataset_encoding": {"nb": "{where}: ukjent tegnkoding {value!r}; bruk en av {valid:list}",
                              "en": "{where}: unknown encoding {value!r}; use one of {valid:list}"},
    "spec.dataset_separator": {
        "nb": "{where}: {value!r} er ikke ett tegn (og ikke et anførselstegn eller linjeskift), "
              "f.eks. \";\"",
        "en": "{where}: {value!r} is not one character (other than a quote or a line break), "
              "e.g. \";\""},
    # [dataset] date_format and [coverage.reference] date_format (dq.spec.parse_date_format)
    "spec.date_format_hint": {
        "nb": "skriv formatet med strftime-koder, f.eks. \"%d.%m.%Y\" for 31.12.2023 eller "
              "\"%Y-%m-%d\" for 2023-12-31",
        "en": "write the format with strftime directives, e.g. \"%d.%m.%Y\" for 31.12.2023 or "
              "\"%Y-%m-%d\" for 2023-12-31"},
    "spec.date_format_none": {"nb": "{where}: {value!r} har ingen strftime-koder; {hint}",
                              "en": "{where}: {value!r} has no strftime directives; {hint}"},
    "spec.date_format_unknown": {
        "nb": "{where}: {value!r}: {directives:list} er ikke datokoder; {hint}",
        "en": "{where}: {value!r}: {directives:list} are no date directives; {hint}"},
    "spec.date_format_unknown_one": {
        "nb": "{where}: {value!r}: {directives:list} er ingen datokode; {hint}",
        "en": "{where}: {value!r}: {directives:list} is no date directive; {hint}"},
    "spec.date_format_unread": {
        "nb": "{where}: en dato skrevet som {value!r} kan ikke leses tilbake (formatet må ha "
              "dag, måned og år); {hint}",
        "en": "{where}: a date written as {value!r} cannot be read back (the format needs the "
              "day, the month and the year); {hint}"},
    "spec.export_date": {
        "nb": "{where}: {value!r} er ikke en dato; skriv den som ÅÅÅÅ-MM-DD, f.eks. "
              "\"2024-03-01\"",
        "en": "{where}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. \"2024-03-01\""},
    # a key naming a variable that cannot serve it (dq.spec._check_roles, undated_columns)
    "spec.not_a_date": {
        "nb": "{where}: {column!r} er en variabel av typen {type}, ikke en dato; pek på en "
              "datokolonne, eller sett type = \"date\" i [variables.{column}] hvis verdiene er "
              "datoer",
        "en": "{where}: {column!r} is a variable of type {type}, not a date; name a date "
              "column, or set type = \"date\" in [variables.{column}] if its values are dates"},
    "spec.numbers_not_dates": {
        "nb": "{where}: kolonnen {column!r} inneholder tall, ikke datoer; pek på en datokolonne",
        "en": "{where}: column {column!r} holds numbers, not dates; name a date column"},
    "spec.not_a_variable": {
        "nb": "{where}: {variable!r} er ingen variabel i spesifikasjonen ([variables] eller "
              "kodeboken) og kan ikke sammenlignes; {fix}",
        "en": "{where}: {variable!r} is not a variable of the spec ([variables] or the "
              "codebook) and cannot be compared; {fix}"},
    "spec.add_variable": {"nb": "legg den til som [variables.NAVN], eller fjern den",
                          "en": "add it as [variables.NAME], or remove it"},
    "spec.units_table": {
        "nb": "{file}: [units] trenger table = \"sti/til/enheter.csv\" med kolonnene unit_id, "
              "unit_name, hf, rhf",
        "en": "{file}: [units] needs table = \"path/to/units.csv\" with columns unit_id, "
              "unit_name, hf, rhf"},
    "spec.min_n": {"nb": "{file}: [completeness] min_n: forventet et antall på 0 eller mer, "
                         "fikk {value!r}",
                   "en": "{file}: [completeness] min_n: expected a count of 0 or more, got "
                         "{value!r}"},
    "spec.not_finite": {
        "nb": "{where}: {field}: {value} er ikke et brukbart tall; skriv en endelig verdi (en andel "
              "fra 0 til 1, et antall eller en grense)",
        "en": "{where}: {field}: {value} is not a usable number; write a finite value (a fraction "
              "from 0 to 1, a count or a bound)"},
    "spec.whole_number": {"nb": "{where}: forventet et heltall fra 0 til {most:count}, fikk "
                                "{value!r}",
                          "en": "{where}: expected a whole number from 0 to {most:count}, got "
                                "{value!r}"},
    "spec.coverage_mode": {"nb": "{where} mode: {mode!r}; bruk aggregate eller linkage",
                           "en": "{where} mode: {mode!r}; use aggregate or linkage"},
    "spec.references": {
        "nb": "{where} references: forventet en liste med stier (eller med databasekilder "
              "{{ url = \"…\", table = \"…\" }})",
        "en": "{where} references: expected a list of paths (or of database sources "
              "{{ url = \"…\", table = \"…\" }})"},
    "spec.coverage_count": {"nb": "{where} count: {count!r}; bruk \"events\" eller \"persons\"",
                            "en": "{where} count: {count!r}; use \"events\" or \"persons\""},
    "spec.fail_on": {"nb": "{where} fail_on: {fail_on!r}; bruk en av {choices:list}",
                     "en": "{where} fail_on: {fail_on!r}; use one of {choices:list}"},
    "spec.same_unit": {"nb": "{where} same_unit: forventet true eller false",
                       "en": "{where} same_unit: expected true or false"},
    "spec.reference_table": {"nb": "{where}: [coverage.reference] må være en tabell med "
                                   "kolonnenavn",
                             "en": "{where}: [coverage.reference] must be a table of column "
                                   "names"},
    "spec.reference_column": {"nb": "{where}.reference {field}: forventet et kolonnenavn, fikk "
                                    "{value!r}",
                              "en": "{where}.reference {field}: expected a column name, got "
                                    "{value!r}"},
    "spec.database_url": {
        "nb": "{where}: en databasekilde trenger url = \"…\" og table = \"…\" (eller query = "
              "\"SELECT …\")",
        "en": "{where}: a database source needs url = \"…\" and table = \"…\" (or query = "
              "\"SELECT …\")"},
    "spec.location": {"nb": "{where}: forventet en filsti eller en databasekilde "
                            "{{ url = \"…\", table = \"…\" }}",
                      "en": "{where}: expected a file path, or a database source "
                            "{{ url = \"…\", table = \"…\" }}"},
    "spec.dataset_url": {"nb": "{where} {field}: trenger url = \"…\" (databasen den leses fra)",
                         "en": "{where} {field}: needs url = \"…\" (the database to read it from)"},
    "spec.dataset_twice": {"nb": "{where}: oppgi dataene én gang: files, eller url med "
                                 "table/query",
                           "en": "{where}: name the data once: files, or url with table/query"},
    "report.unused_check_rule": {
        "nb": "[checks.\"{key}\"] gjelder ingen kontroll i denne kjøringen og setter ingen "
              "terskel{closest}",
        "en": "[checks.\"{key}\"] matches no check of this run and sets no threshold{closest}"},
    "report.closest_check": {"nb": "; mente du {id!r}?", "en": "; did you mean {id!r}?"},
    "timeliness.unread_dates": {
        "nb": "[timeliness] {key}: {n:count} ferdigstilte registreringer der {column} ikke kan "
              "leses som dato, er holdt utenfor aktualiteten; sett [dataset] date_format til "
              "formatet registeret skriver datoer i, eller rett verdiene",
        "en": "[timeliness] {key}: {n:count} finished records whose {column} cannot be read as "
              "a date are left out of timeliness; set [dataset] date_format to the format the "
              "registry writes dates in, or fix the values"},
    "report.study_no_period": {
        "nb": "[{section}] sier ikke hvilke år studien trakk registreringene fra, så tallene "
              "fra den har ingen periode; oppgi period, f.eks. period = 2023 eller "
              "\"2022–2023\"",
        "en": "[{section}] does not say which years the study drew its registrations from, so "
              "its figures have no period; give period, e.g. period = 2023 or \"2022–2023\""},
    "spec.period": {"nb": "{where}: forventet et år (2023) eller en periode (\"2022–2023\"), "
                          "fikk {value!r}",
                    "en": "{where}: expected a year (2023) or a span of years (\"2022–2023\"), "
                          "got {value!r}"},
    "spec.column_list": {"nb": "{where}: forventet en liste med kolonnenavn",
                         "en": "{where}: expected a list of column names"},
    "spec.reliability_thresholds": {
        "nb": "{where} thresholds: forventet tabeller [reliability.thresholds.STATISTIC]",
        "en": "{where} thresholds: expected [reliability.thresholds.STATISTIC] tables"},
    "spec.unknown_statistic": {"nb": "{where}.thresholds: ukjent statistikk {statistic!r}; "
                                     "gyldige: {known:list}",
                               "en": "{where}.thresholds: unknown statistic {statistic!r}; valid: "
                                     "{known:list}"},
    "spec.statistic_table": {"nb": "{where}.thresholds.{statistic}: forventet warn_below / "
                                   "fail_below",
                             "en": "{where}.thresholds.{statistic}: expected warn_below / "
                                   "fail_below"},
    "spec.check_table": {"nb": "{where}: forventet en tabell med {keys:list}",
                         "en": "{where}: expected a table of {keys:list}"},
    "spec.check_value": {"nb": "{where} {field}: forventet en andel (0–1) eller et antall ≥ 0, fikk "
                               "{value!r}",
                         "en": "{where} {field}: expected a fraction (0–1) or a count ≥ 0, got "
                               "{value!r}"},
    "spec.check_fraction": {"nb": "{where} {field}: forventet en andel fra 0 til 1, fikk {value!r}",
                            "en": "{where} {field}: expected a fraction from 0 to 1, got {value!r}"},
    "spec.lang": {"nb": "{where} lang: {lang!r}; bruk \"nb\" eller \"en\"",
                  "en": "{where} lang: {lang!r}; use \"nb\" or \"en\""},
    "spec.year": {"nb": "{where}: forventet et år som 2023, eller \"all\", fikk {value!r}",
                  "en": "{where}: expected a year such as 2023, or \"all\", got {value!r}"},
    "spec.value_like_name": {"nb": "<et navn som ligner en verdi>",
                             "en": "<a value-like name>"},
    "spec.header_missing": {
        "nb": "ingen av de {n:count} kolonnene som er navngitt i {where}, står i første linje av "
              "{file} ({fields:count} felt): mangler overskriftsraden, eller er det en annen fil? "
              "Eksporter den med kolonnenavnene i første linje",
        "en": "none of the {n:count} columns named in {where} is in the first line of {file} "
              "({fields:count} fields): is the header row missing, or is it another file? Export "
              "it with column names in the first line"},
    "spec.columns_missing": {
        "nb": "{n:count} kolonner som er navngitt i {where}, mangler i {file}: {names} "
              "(kolonner funnet: {shown:list}{more})",
        "en": "{n:count} columns named in {where} are missing from {file}: {names} (columns "
              "found: {shown:list}{more})"},
    "spec.columns_missing_one": {
        "nb": "{n:count} kolonne som er navngitt i {where}, mangler i {file}: {names} "
              "(kolonner funnet: {shown:list}{more})",
        "en": "{n:count} column named in {where} is missing from {file}: {names} (columns "
              "found: {shown:list}{more})"},
    # ---- dq plan (dq.plan, dq.cli.plan): {option} is a flag, {value} what was given
    "plan.every": {"nb": "hver {option}", "en": "every {option}"},
    "plan.open_unit": {"nb": "{option} må ligge strengt mellom 0 og 1 (fikk {value:g})",
                       "en": "{option} must lie strictly between 0 and 1 (got {value:g})"},
    "plan.one_of": {"nb": "oppgi nøyaktig én av {option} og --n",
                    "en": "give exactly one of {option} and --n"},
    "plan.width": {
        "nb": "--width er hele bredden av intervallet og må ligge mellom 0 og 1 (fikk "
              "{value:g}); 0.2 betyr ±0,1",
        "en": "--width is the full width of the interval and must lie between 0 and 1 (got "
              "{value:g}); 0.2 means ±0.1"},
    "plan.at_least": {"nb": "{option} må være minst {least} (fikk {value})",
                      "en": "{option} must be at least {least} (got {value})"},
    "plan.n_per_group": {"nb": "--n må være minst 2 per gruppe (fikk {value})",
                         "en": "--n must be at least 2 per group (got {value})"},
    # dq.plan.EDGE and dq.plan.MAX_N: the range and the cap these texts name
    "plan.edge": {
        "nb": "{option} må ligge mellom 0,000001 og 0,999999 for at formlene skal holde (fikk "
              "{value:g})",
        "en": "{option} must lie between 0.000001 and 0.999999 for the formulas to hold (got "
              "{value:g})"},
    "plan.too_many": {
        "nb": "studien ville trenge om lag {need:p} tilfeller, flere enn de {cap:count} dq "
              "planlegger for; {fix}",
        "en": "the study would need about {need:p} cases, more than the {cap:count} dq plans "
              "for; {fix}"},
    "plan.too_many_search": {
        "nb": "studien ville trenge flere enn de {cap:count} tilfellene dq planlegger for; {fix}",
        "en": "the study would need more than the {cap:count} cases dq plans for; {fix}"},
    "plan.fix.width": {"nb": "be om en --width på minst {least:g}",
                       "en": "ask for a --width of at least {least:g}"},
    "plan.fix.wider": {"nb": "be om en bredere --width", "en": "ask for a wider --width"},
    "plan.fix.prevalence_half": {"nb": "velg en --prevalence nærmere 0.5",
                                 "en": "choose a --prevalence nearer 0.5"},
    "plan.fix.shares_equal": {"nb": "velg kategoriandeler (--prevalence) som ligger nærmere "
                                    "hverandre",
                              "en": "choose category shares (--prevalence) nearer each other"},
    "plan.fix.prevalence_least": {"nb": "velg en --prevalence på minst {least:g}",
                                  "en": "choose a --prevalence of at least {least:g}"},
    "plan.fix.prevalence_most": {"nb": "velg en --prevalence på høyst {most:g}",
                                 "en": "choose a --prevalence of at most {most:g}"},
    "plan.fix.apart": {"nb": "velg en {null} lenger fra {value}",
                       "en": "choose a {null} further from {value}"},
    "plan.fix.or": {"nb": "{first}, eller {second}", "en": "{first}, or {second}"},
    "plan.power_alpha": {
        "nb": "--power {power:g} må være større enn {least:g}, sjansen for et signifikant "
              "resultat med --alpha {alpha:g} når det ikke finnes noen forskjell",
        "en": "--power {power:g} must be greater than {least:g}, the chance of a significant "
              "result at --alpha {alpha:g} when there is no difference"},
    "plan.power_or_n": {"nb": "oppgi --power eller --n, ikke begge",
                        "en": "give --power or --n, not both"},
    "plan.kappa_shares": {
        "nb": "κ trenger --prevalence (andelen med egenskapen, eller én andel per kategori) "
              "eller --categories K (like andeler)",
        "en": "κ needs --prevalence (the share with the trait, or one share per category) or "
              "--categories K (equal shares)"},
    "plan.shares_sum": {
        "nb": "de {shares} kategoriandelene gitt med --prevalence må summere seg til 1 (summen "
              "er {total:g})",
        "en": "the {shares} category shares given with --prevalence must sum to 1 (they sum to "
              "{total:g})"},
    "plan.categories_shares": {
        "nb": "--categories {categories} stemmer ikke med de {shares} andelene gitt med "
              "--prevalence",
        "en": "--categories {categories} does not match the {shares} shares given with "
              "--prevalence"},
    "plan.kappa_range": {"nb": "{option} må ligge mellom 0 og 1 for denne metoden (fikk {value:g})",
                         "en": "{option} must lie between 0 and 1 for this method (got "
                               "{value:g})"},
    "plan.raters": {"nb": "--raters må være mellom 2 og 50 (fikk {value})",
                    "en": "--raters must be between 2 and 50 (got {value})"},
    "plan.kappa_interval": {
        "nb": "med κ = {kappa:num3} og --width {width:g} ville intervallet κ ± width/2 gå forbi "
              "{bound}, men κ ligger mellom 0 og 1: be om en --width på høyst {most:g}",
        "en": "with κ = {kappa:num3} and --width {width:g} the interval κ ± width/2 would pass "
              "{bound}, but κ lies between 0 and 1: ask for a --width of at most {most:g}"},
    "plan.differ": {"nb": "{first} og {second} må være ulike",
                    "en": "{first} and {second} must differ"},
    "plan.icc_n": {
        "nb": "--n {value} er for lite for ICC med {raters} registratorer: Bonetts formel trenger "
              "flere enn {need:g} kasus",
        "en": "--n {value} is too small for the ICC of {raters} raters: Bonett's formula needs "
              "more than {need:g} subjects"},
    "plan.unknown_method": {"nb": "ukjent --method {method!r}: velg wald, wilson eller "
                                  "clopper-pearson",
                            "en": "unknown --method {method!r}: choose wald, wilson or "
                                  "clopper-pearson"},
    "plan.too_few_positive": {"nb": "--n {value} med prevalens {prevalence:g} gir færre enn ett "
                                    "positivt tilfelle",
                              "en": "--n {value} at prevalence {prevalence:g} gives fewer than "
                                    "one positive case"},
    "plan.too_few_negative": {"nb": "--n {value} med prevalens {prevalence:g} gir færre enn ett "
                                    "negativt tilfelle",
                              "en": "--n {value} at prevalence {prevalence:g} gives fewer than "
                                    "one negative case"},
    "plan.pilot_variables": {
        "nb": "pilotstudien {file} har {count} variabler: oppgi den du vil planlegge for med "
              "--variable (en av {names:list})",
        "en": "the pilot study {file} has {count} variables: name the one to plan for with "
              "--variable (one of {names:list})"},
    "plan.pilot_no_variable": {"nb": "--variable {variable!r} finnes ikke i pilotstudien {file} "
                                     "(variabler: {names:list})",
                               "en": "--variable {variable!r} is not in the pilot study {file} "
                                     "(variables: {names:list})"},
    "plan.pilot_problem": {"nb": "pilotstudien {file}, variabelen {variable!r}: {problem}",
                           "en": "the pilot study {file}, variable {variable!r}: {problem}"},
    "plan.pilot_no_value": {
        "nb": "pilotstudien {file} gir ingen {statistic:statistic} for {variable!r} (ingen "
              "variasjon i vurderingene?): oppgi verdien selv",
        "en": "the pilot study {file} gives no {statistic:statistic} for {variable!r} (no "
              "variation in the ratings?): give the value yourself"},
    "plan.pilot_one_category": {
        "nb": "pilotstudien {file}: alle vurderingene av {variable!r} er i én kategori; κ kan "
              "ikke planlegges ut fra den",
        "en": "the pilot study {file}: every rating of {variable!r} is in one category; κ "
              "cannot be planned from it"},
    "plan.pilot_out_of_range": {
        "nb": "pilotstudien {file} gir {statistic:statistic} = {value:num2} for {variable!r}: "
              "planen trenger en verdi mellom 0 og 1; oppgi --{measure} selv",
        "en": "the pilot study {file} gives {statistic:statistic} = {value:num2} for "
              "{variable!r}: the plan needs a value between 0 and 1; give --{measure} yourself"},
    "plan.pilot_level_kappa": {
        "nb": "pilotstudien {file}: {variable!r} er på {level} i spesifikasjonen, og κ er for "
              "kategoriske vurderinger (dq reliability regner ICC, ikke κ, for en måling): "
              "planlegg med dq plan icc og samme --from-study og --variable; er verdiene "
              "kategorier, sett level = \"ordinal\" i [variables.{variable}]",
        "en": "the pilot study {file}: {variable!r} is at the {level} level in the spec, and κ "
              "is for categorical ratings (dq reliability computes the ICC, not κ, for a "
              "measurement): plan with dq plan icc and the same --from-study and --variable; if "
              "its values are categories, set level = \"ordinal\" in [variables.{variable}]"},
    "plan.pilot_level_icc": {
        "nb": "pilotstudien {file}: {variable!r} er på {level} i spesifikasjonen, men ICC "
              "forutsetter målinger på intervallnivå, med like avstander mellom verdiene (dq "
              "reliability regner ikke ICC for den): planlegg med dq plan kappa og samme "
              "--from-study og --variable (en plan for uvektet κ over kategoriene; for en "
              "ordinal variabel gir dq reliability vektet κ); er verdiene målinger, sett level = "
              "\"interval\" i [variables.{variable}]",
        "en": "the pilot study {file}: {variable!r} is at the {level} level in the spec, but the "
              "ICC assumes measurements at the interval level, with equal distances between "
              "values (dq reliability does not compute the ICC for it): plan with dq plan kappa "
              "and the same --from-study and --variable (a plan for unweighted κ over its "
              "categories; for an ordinal variable dq reliability reports weighted κ); if its "
              "values are measurements, set level = \"interval\" in [variables.{variable}]"},
    "plan.prevalence_text": {
        "nb": "--prevalence tar én andel (0.3) eller én andel per kategori atskilt med komma "
              "(0.2,0.3,0.5), med desimalpunktum",
        "en": "--prevalence takes one share (0.3) or one share per category separated by commas "
              "(0.2,0.3,0.5), with a decimal point"},
    "plan.give_kappa": {
        "nb": "oppgi --kappa (forventet κ), eller --from-study PILOT for å hente den fra en "
              "pilotstudie",
        "en": "give --kappa (the expected κ), or --from-study PILOT to take it from a pilot "
              "study"},
    "plan.give_icc": {
        "nb": "oppgi --icc (forventet ICC), eller --from-study PILOT for å hente den fra en "
              "pilotstudie",
        "en": "give --icc (the expected ICC), or --from-study PILOT to take it from a pilot "
              "study"},
    "plan.width_or_null": {
        "nb": "--width planlegger etter intervallbredde og {null} etter teststyrke: oppgi én av "
              "dem",
        "en": "--width plans by interval and {null} by power: give one of them"},
    "plan.power_needs_kappa0": {"nb": "--power trenger --kappa0, κ-verdien som skal forkastes",
                                "en": "--power needs --kappa0, the κ to reject"},
    "plan.power_needs_icc0": {"nb": "--power trenger --icc0, ICC-verdien som skal forkastes",
                              "en": "--power needs --icc0, the ICC to reject"},
    # ---- dq sample (dq.sample, dq.cli.sample)
    "sample.unknown_allocation": {"nb": "ukjent allokering {method!r}: velg en av {choices:list}",
                                  "en": "unknown allocation {method!r}: choose one of "
                                        "{choices:list}"},
    "sample.unknown_allocation_option": {
        "nb": "ukjent --allocation {method!r}: velg proportional, equal, neyman eller simple",
        "en": "unknown --allocation {method!r}: choose proportional, equal, neyman or simple"},
    "sample.factor": {"nb": "--oversample-factor må være minst 1 (fikk {value:g})",
                      "en": "--oversample-factor must be at least 1 (got {value:g})"},
    "sample.no_key_given": {
        "nb": "ingen registreringsnøkkel: oppgi --key KOLONNE(R), eller sett [dataset] person_id "
              "eller [verification] duplicate_keys i spesifikasjonen",
        "en": "no record key: pass --key COLUMN(S), or set [dataset] person_id or "
              "[verification] duplicate_keys in the spec"},
    "sample.neyman_needs_variable": {
        "nb": "--allocation neyman trenger --neyman VARIABEL (andelen som mangler, gir hvert "
              "stratums varians)",
        "en": "--allocation neyman needs --neyman VARIABLE (its share missing sets each "
              "stratum's variance)"},
    "sample.columns_absent": {
        "nb": "{n:count} kolonner som er oppgitt for utvalget, finnes ikke i uttrekket: "
              "{names:list} (kolonner funnet: {found:list}{more})",
        "en": "{n:count} columns named for the sample are not in the export: {names:list} "
              "(columns found: {found:list}{more})"},
    "sample.columns_absent_one": {
        "nb": "{n:count} kolonne som er oppgitt for utvalget, finnes ikke i uttrekket: "
              "{names:list} (kolonner funnet: {found:list}{more})",
        "en": "{n:count} column named for the sample is not in the export: {names:list} "
              "(columns found: {found:list}{more})"},
    "sample.none_left": {
        "nb": "ingen registreringer er igjen å trekke fra etter {filters:and}",
        "en": "no record is left to sample after {filters:and}"},
    "sample.year_needs_date": {
        "nb": "--year trenger [dataset] event_date i spesifikasjonen (datoen som gir en "
              "registrerings år)",
        "en": "--year needs [dataset] event_date in the spec (the date that sets a record's "
              "year)"},
    "sample.file_only": {
        "nb": "dq sample skriver listen over registreringer bare til en fil: oppgi -o utvalg.csv "
              "(listen inneholder registreringsnøkler og skrives aldri til terminalen)",
        "en": "dq sample writes the list of records only to a file: pass -o utvalg.csv (the "
              "list holds record keys and never goes to the terminal)"},
    "sample.by_or_per": {
        "nb": "oppgi --by (proporsjonalt) eller --per (likt per stratum), ikke begge",
        "en": "give --by (proportional) or --per (equal per stratum), not both"},
    "sample.needs_strata": {"nb": "--allocation {method} trenger strata: --by unit (eller --per "
                                  "unit)",
                            "en": "--allocation {method} needs strata: --by unit (or --per "
                                  "unit)"},
    # ---- dq compare (dq.compare): a stored result is checked before it is read; {where} is a
    # JSON path, never a value of the file
    "compare.hint": {"nb": "oppgi JSON-filen som dq report --format json skrev",
                     "en": "pass the JSON written by dq report --format json"},
    "compare.no_file": {"nb": "{file}: filen finnes ikke; {hint}",
                        "en": "{file}: no such file; {hint}"},
    "compare.folder": {"nb": "{file}: er en mappe; {hint}", "en": "{file}: is a folder; {hint}"},
    "compare.not_regular": {"nb": "{file}: ikke en vanlig fil; {hint}",
                            "en": "{file}: not a regular file; {hint}"},
    "compare.too_large": {
        "nb": "{file}: større enn {mib} MiB, langt større enn et resultat fra dq report; {hint}",
        "en": "{file}: larger than {mib} MiB, far larger than a dq report result; {hint}"},
    "compare.unreadable": {"nb": "{file}: kan ikke leses ({why}); {hint}",
                           "en": "{file}: cannot be read ({why}); {hint}"},
    "compare.memory": {"nb": "{file}: for stor til å leses inn i minnet; {hint}",
                       "en": "{file}: too large to read into memory; {hint}"},
    "compare.empty": {"nb": "{file}: filen er tom; {hint}",
                      "en": "{file}: the file is empty; {hint}"},
    "compare.utf16": {"nb": "{file}: UTF-16/UTF-32-tekst, men et dq-resultat er UTF-8; {hint}",
                      "en": "{file}: UTF-16/UTF-32 text, but a dq result is UTF-8; {hint}"},
    "compare.not_utf8": {"nb": "{file}: ikke UTF-8-tekst (byte {byte} kan ikke dekodes); {hint}",
                         "en": "{file}: not UTF-8 text (byte {byte} cannot be decoded); {hint}"},
    "compare.nested": {"nb": "{file}: nøstet for dypt til å være et resultat fra dq report; "
                             "{hint}",
                       "en": "{file}: nested too deeply to be a dq report result; {hint}"},
    "compare.not_json": {"nb": "{file}: ikke JSON (linje {line}, kolonne {column}: {reason}); "
                               "{hint}",
                         "en": "{file}: not JSON (line {line}, column {column}: {reason}); "
                               "{hint}"},
    "compare.json_too_big": {"nb": "{file}: ikke JSON som et dq-resultat kan inneholde; {hint}",
                             "en": "{file}: not JSON a dq result could hold; {hint}"},
    "compare.json.comma": {"nb": "forventet skilletegnet ','", "en": "expecting ',' delimiter"},
    "compare.json.colon": {"nb": "forventet skilletegnet ':'", "en": "expecting ':' delimiter"},
    "compare.json.value": {"nb": "forventet en verdi", "en": "expecting value"},
    "compare.json.extra": {"nb": "mer data etter JSON-verdien", "en": "extra data"},
    "compare.json.string": {"nb": "en tekststreng som starter her, er ikke avsluttet",
                            "en": "unterminated string starting at"},
    "compare.json.name": {"nb": "forventet et nøkkelnavn i doble anførselstegn",
                          "en": "expecting property name enclosed in double quotes"},
    "compare.json.control": {"nb": "ugyldig kontrolltegn", "en": "invalid control character"},
    "compare.json.escape": {"nb": "ugyldig \\-escape", "en": "invalid \\escape"},
    "compare.json.unicode_escape": {"nb": "ugyldig \\uXXXX-escape",
                                    "en": "invalid \\uxxxx escape"},
    "compare.json.other": {"nb": "ugyldig JSON", "en": "invalid JSON"},
    "compare.not_object": {
        "nb": "{file}: ikke et resultat fra dq report (øverste nivå er {kind}, ikke et objekt); "
              "kjør dq report --format json",
        "en": "{file}: not a dq report result (the top level is {kind}, not an object); run dq "
              "report --format json"},
    "compare.not_report": {"nb": "{file}: ikke et resultat fra dq report ({what}); kjør dq "
                                 "report --format json",
                           "en": "{file}: not a dq report result ({what}); run dq report "
                                 "--format json"},
    "compare.other_command": {"nb": "det er et resultat fra dq {command}",
                              "en": "it is a dq {command} result"},
    "compare.command_kind": {"nb": "command: forventet \"report\", fikk {kind}",
                             "en": "command: expected \"report\", got {kind}"},
    "compare.schema": {"nb": "{file}: {what}; lag det på nytt med denne versjonen av dq",
                       "en": "{file}: {what}; regenerate it with this version of dq"},
    "compare.schema_unknown": {"nb": "schema_version {version} er ikke en versjon denne dq kan "
                                     "lese (1)",
                               "en": "schema_version {version} is not one this dq reads (1)"},
    "compare.schema_kind": {"nb": "schema_version: forventet 1, fikk {kind}",
                            "en": "schema_version: expected 1, got {kind}"},
    "compare.invalid": {"nb": "{file}: {where}: {what}; {hint}",
                        "en": "{file}: {where}: {what}; {hint}"},
    "compare.top_level": {"nb": "(øverste nivå)", "en": "(top level)"},
    "compare.kind.null": {"nb": "null", "en": "null"},
    "compare.kind.boolean": {"nb": "en sannhetsverdi", "en": "a boolean"},
    "compare.kind.number": {"nb": "et tall", "en": "a number"},
    "compare.kind.integer": {"nb": "et heltall", "en": "a whole number"},
    "compare.kind.true_false": {"nb": "true eller false", "en": "true or false"},
    "compare.kind.text": {"nb": "tekst", "en": "text"},
    "compare.kind.other_text": {"nb": "annen tekst", "en": "other text"},
    "compare.kind.array": {"nb": "en liste", "en": "an array"},
    "compare.kind.object": {"nb": "et objekt", "en": "an object"},
    "compare.either": {"nb": "{first} eller {second}", "en": "{first} or {second}"},
    "compare.expected": {"nb": "forventet {what}, fikk {got}", "en": "expected {what}, got {got}"},
    "compare.expected_one_of": {"nb": "forventet en av {values:list}, fikk {got}",
                                "en": "expected one of {values:list}, got {got}"},
    "compare.pattern": {"nb": "tekst på feil form (forventet å passe med {pattern})",
                        "en": "text of the wrong form (expected to match {pattern})"},
    "compare.minimum": {"nb": "forventet et tall på minst {minimum}",
                        "en": "expected a number of at least {minimum}"},
    "compare.missing": {"nb": "mangler", "en": "missing"},
    "compare.min_items": {"nb": "forventet minst {least} elementer, fikk {got}",
                          "en": "expected at least {least} items, got {got}"},
    "compare.max_items": {"nb": "forventet høyst {most} elementer, fikk {got}",
                          "en": "expected at most {most} items, got {got}"},
    "compare.version": {"nb": "forventet et versjonsnummer som 0.1.0",
                        "en": "expected a version number such as 0.1.0"},
    "compare.second_row": {"nb": "en rad til for kontrollen og enheten i results[{first}]",
                           "en": "a second row for the check and unit of results[{first}]"},
    "compare.dimension": {"nb": "ikke dimensjonen som id-en navngir",
                          "en": "not the dimension its id names"},
    "compare.deep": {"nb": "nøstet mer enn {depth} nivåer dypt; det er ikke et resultat fra dq "
                           "report",
                     "en": "nested more than {depth} levels deep; a dq report result is not"},
    "compare.key_unicode": {"nb": "en nøkkel som ikke er gyldig Unicode-tekst",
                            "en": "a key that is not valid Unicode text"},
    "compare.text_unicode": {"nb": "tekst som ikke er gyldig Unicode (en enslig "
                                   "surrogat-escape)",
                             "en": "text that is not valid Unicode (a lone surrogate escape)"},
    "compare.not_finite": {
        "nb": "et tall som ikke er endelig (NaN, Infinity eller utenfor ±1.8e308); JSON har "
              "ingen slike tall",
        "en": "a number that is not finite (NaN, Infinity or beyond ±1.8e308); JSON has no such "
              "numbers"},
    "compare.schema_versions": {
        "nb": "{before} og {after} har ulike skjemaversjoner ({version_before} og "
              "{version_after})",
        "en": "{before} and {after} have different schema versions ({version_before} and "
              "{version_after})"},
    "compare.registries": {
        "nb": "{before} og {after} er resultater fra ulike registre (registernavnene er ulike); "
              "sammenlign resultater fra samme register",
        "en": "{before} and {after} are results of different registries (their registry names "
              "differ); compare results of one registry"},
    "compare.regrade_hidden": {
        "nb": "{n:count} rad(er) var prikket i det lagrede resultatet og har nye terskler; de "
              "kan ikke vurderes på nytt og er satt til «ikke vurdert» — kjør regrade på et "
              "resultat uten prikking (dq report -f json uten --suppress)",
        "en": "{n:count} row(s) were suppressed in the stored result and have new thresholds; "
              "they cannot be regraded and are set to not_assessed — regrade a result without "
              "suppression (dq report -f json without --suppress)"},
    "compare.infinite_threshold": {
        "nb": "{file}: terskelen for {check} er uendelig, så hvert mål ville krysset den; oppgi et "
              "endelig tall",
        "en": "{file}: the threshold for {check} is infinite, so every figure would cross it; "
              "give a finite number"},
    # ---- dq reliability and dq correctness (dq.reliability, dq.cli.reliability): the study
    "reliability.columns_not_found": {
        "nb": "{file}: fant ikke kolonnene {names:list} (kolonner: {columns:list}); sjekk navnene "
              "på kasus- og registratorkolonnene ([[--case-column/--rater-column||[reliability] "
              "case og rater]]) og variablene",
        "en": "{file}: columns {names:list} not found (columns: {columns:list}); check the names "
              "of the case and rater columns ([[--case-column/--rater-column||[reliability] case "
              "and rater]]) and of the variables"},
    "reliability.columns_not_found_one": {
        "nb": "{file}: fant ikke kolonnen {names:list} (kolonner: {columns:list}); sjekk navnene "
              "på kasus- og registratorkolonnene ([[--case-column/--rater-column||[reliability] "
              "case og rater]]) og variablene",
        "en": "{file}: column {names:list} not found (columns: {columns:list}); check the names "
              "of the case and rater columns ([[--case-column/--rater-column||[reliability] case "
              "and rater]]) and of the variables"},
    "reliability.rater_columns_not_found": {
        "nb": "{file}: fant ikke registratorkolonnene {names:list} (kolonner: {columns:list})",
        "en": "{file}: rater columns {names:list} not found (columns: {columns:list})"},
    "reliability.rater_columns_not_found_one": {
        "nb": "{file}: fant ikke registratorkolonnen {names:list} (kolonner: {columns:list})",
        "en": "{file}: rater column {names:list} not found (columns: {columns:list})"},
    "reliability.pairs_repeated": {
        "nb": "{file}: {n:count} rader gjentar et par av kasus og registrator i {case!r} × "
              "{rater!r}; hver registrator vurderer hvert kasus én gang",
        "en": "{file}: {n:count} rows repeat a case × rater pair in {case!r} × {rater!r}; each "
              "rater rates each case once"},
    "reliability.pairs_repeated_one": {
        "nb": "{file}: {n:count} rad gjentar et par av kasus og registrator i {case!r} × "
              "{rater!r}; hver registrator vurderer hvert kasus én gang",
        "en": "{file}: {n:count} rows repeat a case × rater pair in {case!r} × {rater!r}; each "
              "rater rates each case once"},
    "reliability.rater_twice": {
        "nb": "registratorkolonnene nevner {names:list} to ganger; oppgi hver registrators "
              "kolonne én gang",
        "en": "the rater columns name {names:list} twice; name each rater's column once"},
    "reliability.cell.empty": {"nb": "tom (skriv 0 for ingen kasus)",
                               "en": "empty (write 0 for no cases)"},
    "reliability.cell.not_number": {"nb": "ikke et tall", "en": "not a number"},
    "reliability.cell.not_finite": {"nb": "ikke et endelig tall", "en": "not a finite number"},
    "reliability.cell.negative": {"nb": "negativ", "en": "negative"},
    "reliability.cell.not_whole": {"nb": "ikke et heltall", "en": "not a whole number"},
    "reliability.cell.too_large": {"nb": "for stor (over 2^53)", "en": "too large (above 2^53)"},
    "reliability.cells_more": {"nb": "; {n:count} celler i alt er ikke antall",
                               "en": "; {n:count} cells in all are not counts"},
    "reliability.table_width": {
        "nb": "{file}: en krysstabell trenger kategorikolonnen og én antallskolonne per kategori; "
              "filen har {n:count} kolonner",
        "en": "{file}: a contingency table needs the category column and one count column per "
              "category; the file has {n:count} columns"},
    "reliability.table_width_one": {
        "nb": "{file}: en krysstabell trenger kategorikolonnen og én antallskolonne per kategori; "
              "filen har {n:count} kolonne",
        "en": "{file}: a contingency table needs the category column and one count column per "
              "category; the file has {n:count} column"},
    "reliability.table_same_column": {
        "nb": "{file}: antallskolonnene {first!r} og {second!r} navngir samme kategori",
        "en": "{file}: count columns {first!r} and {second!r} name the same category"},
    "reliability.table_no_rows": {"nb": "{file}: krysstabellen har ingen rader",
                                  "en": "{file}: the contingency table has no rows"},
    "reliability.table_not_square": {
        "nb": "{file}: tabellen har ikke like mange kategorirader ({rows}) som antallskolonner "
              "({columns}); en krysstabell må være kvadratisk",
        "en": "{file}: the table has {rows} rows of categories but {columns} count columns; a "
              "contingency table must be square"},
    "reliability.table_no_label": {"nb": "{file}: rad {row} i tabellen har ingen kategori",
                                   "en": "{file}: row {row} of the table has no category label"},
    "reliability.table_label_unknown": {
        "nb": "{file}: kategorien i rad {row} er ikke navnet på noen antallskolonne "
              "({columns:list}); radene og kolonnene må navngi de samme kategoriene",
        "en": "{file}: the category label of row {row} is not the name of any count column "
              "({columns:list}); the rows and the columns must name the same categories"},
    "reliability.table_same_row": {
        "nb": "{file}: radene {first} og {second} navngir samme kategori ({category!r})",
        "en": "{file}: rows {first} and {second} name the same category ({category!r})"},
    "reliability.table_cell": {
        "nb": "{file}: cellen i rad {row} (kategori {category!r}), kolonne {column!r} er "
              "{problem}; hver celle må være et antall (et heltall ≥ 0){more}",
        "en": "{file}: the cell in row {row} (category {category!r}), column {column!r} is "
              "{problem}; every cell must be a count (a whole number ≥ 0){more}"},
    "reliability.table_zero": {"nb": "{file}: alle antallene i tabellen er 0: det finnes ingen "
                                     "vurderinger",
                               "en": "{file}: every count in the table is 0: there are no "
                                     "ratings"},
    "reliability.table_too_large": {"nb": "{file}: antallene summerer seg til mer enn 2^53 kasus",
                                    "en": "{file}: the counts add up to more than 2^53 cases"},
    "reliability.level": {"nb": "konfidensnivået må være mellom 0 og 1 (fikk {value})",
                          "en": "the confidence level must be between 0 and 1 (got {value})"},
    "reliability.distribution": {"nb": "fordelingen for intervallene er t eller z (fikk "
                                       "{value!r})",
                                 "en": "the interval distribution is t or z (got {value!r})"},
    "reliability.population": {"nb": "populasjonsstørrelsen må være positiv (fikk {value})",
                               "en": "the population size must be positive (got {value})"},
    "reliability.weights": {"nb": "ukjente vekter {value!r}; bruk en av {choices:list}",
                            "en": "unknown weights {value!r}; use one of {choices:list}"},
    "reliability.icc_null": {"nb": "nullverdien ρ₀ for ICC må ligge i [0, 1) (fikk {value})",
                             "en": "the ICC null value ρ₀ must be in [0, 1) (got {value})"},
    "reliability.more_than_population": {
        "nb": "{variable}: studien har {cases:count} kasus, flere enn populasjonsstørrelsen "
              "{population:g}; oppgi registerets størrelse",
        "en": "{variable}: the study has {cases:count} cases, more than the population size "
              "{population:g}; give the registry's size"},
    "reliability.form": {
        "nb": "langt format trenger [[--case-column og --rater-column (eller [reliability] "
              "case og rater)||[reliability] case og rater]][[; bredt format trenger --raters; "
              "en krysstabell trenger --table]]",
        "en": "long form needs [[--case-column and --rater-column (or [reliability] case and "
              "rater)||[reliability] case and rater]][[; wide form needs --raters; a table "
              "needs --table]]"},
    "reliability.no_study": {
        "nb": "ingen studiefil: oppgi den, eller sett [reliability] study i dq.toml",
        "en": "no study file: name it or set [reliability] study in dq.toml"},
    "reliability.no_validation_study": {
        "nb": "ingen valideringsstudie: oppgi den, eller sett [correctness] study i dq.toml",
        "en": "no validation study: name it or set [correctness] study in dq.toml"},
    "reliability.correctness_by": {"nb": "--by tar bare 'unit' for korrekthet",
                                   "en": "--by takes only 'unit' for correctness"},
    "reliability.pairs_form": {"nb": "--pairs {item!r}: skriv REGISTERKOLONNE:JOURNALKOLONNE",
                               "en": "--pairs {item!r}: write REGISTRYCOLUMN:RECORDCOLUMN"},
    # ---- the Python API (dq.api)
    "api.data_type": {"nb": "data må være en sti, en polars DataFrame eller LazyFrame, ikke "
                            "{type}",
                      "en": "data must be a path, a polars DataFrame or LazyFrame, not {type}"},
    "api.no_reference": {"nb": "ingen referanse: oppgi reference= eller sett [coverage] "
                               "references",
                         "en": "no reference: pass reference= or set [coverage] references"},
    "api.bootstrap": {"nb": "bootstrap={value}: oppgi 100 til {most:count} trekninger (eller None "
                            "for analytiske standardfeil)",
                      "en": "bootstrap={value}: give 100 to {most:count} resamples (or None for "
                            "the analytic SEs)"},
    "api.seed": {"nb": "seed={value}: oppgi et heltall fra 0 til 2^32 − 1",
                 "en": "seed={value}: give a whole number from 0 to 2^32 − 1"},
    # ---- the report year and export date (dq.dimensions.context)
    "context.export_date": {"nb": "{file}: [dataset] export_date {value!r} er ikke en ISO-dato "
                                  "(ÅÅÅÅ-MM-DD)",
                            "en": "{file}: [dataset] export_date {value!r} is not an ISO date "
                                  "(YYYY-MM-DD)"},
    "completeness.event_dates_none": {
        "nb": "{file}: [dataset] event_date {column!r}: ingen av de {n:count} ferdigstilte "
              "registreringenes datoer kan leses med [dataset] date_format {fmt!r}{hint}; sett "
              "date_format til formatet uttrekket skriver datoer i",
        "en": "{file}: [dataset] event_date {column!r}: none of the {n:count} finished records' "
              "dates can be read with [dataset] date_format {fmt!r}{hint}; set date_format to "
              "the format the export writes dates in"},
    "completeness.event_format_detected": {"nb": " (verdiene ser ut som {detected!r})",
                                      "en": " (the values look like {detected!r})"},
    "completeness.event_dates_some": {
        "nb": "{column}: {n:count} ferdigstilte registreringer har en dato som ikke kan leses; "
              "de har intet år og er holdt utenfor tallene per år",
        "en": "{column}: {n:count} finished records have a date that cannot be read; they have "
              "no year and are left out of the figures per year"},
    "completeness.event_dates_some_one": {
        "nb": "{column}: 1 ferdigstilt registrering har en dato som ikke kan leses; den har "
              "intet år og er holdt utenfor tallene per år",
        "en": "{column}: 1 finished record has a date that cannot be read; it has no year and "
              "is left out of the figures per year"},
    "context.year_text": {"nb": "--year {value!r}: oppgi et år (f.eks. 2023) eller all",
                          "en": "--year {value!r}: give a year (e.g. 2023) or all"},
    "context.year_absent": {
        "nb": "--year {value}: uttrekket har ferdigstilte registreringer bare for {years}; velg "
              "ett av disse årene, eller all",
        "en": "--year {value}: the export has finished records for {years} only; choose one of "
              "those years, or all"},
    # ---- conditions of the spec evaluated on the data (dq.conditions)
    "condition.type": {
        "nb": "{at}: betingelsen {condition!r} kan ikke evalueres på dataene: typen til "
              "{columns:list} passer ikke til sammenligningen; {fix}",
        "en": "{at}: the condition {condition!r} cannot be evaluated on the data: the type of "
              "{columns:list} does not fit the comparison; {fix}"},
    # where a condition was written: a key of the spec, or an option (--where, --year)
    "condition.at": {"nb": "{spec}: {where}", "en": "{spec}: {where}"},
    "condition.column_kind": {"nb": "{column} ({kind})", "en": "{column} ({kind})"},
    "condition.kind.date": {"nb": "dato", "en": "date"},
    "condition.kind.number": {"nb": "tall", "en": "number"},
    "condition.kind.text": {"nb": "tekst", "en": "text"},
    "condition.fix.date": {
        "nb": "sammenlign en dato med en dato skrevet DATE 'ÅÅÅÅ-MM-DD', f.eks. "
              "{name} >= DATE '2023-01-01'",
        "en": "compare a date with a date written DATE 'YYYY-MM-DD', e.g. "
              "{name} >= DATE '2023-01-01'"},
    "condition.fix.number": {
        "nb": "sammenlign et tall med et tall (2, ikke '2'), eller oppgi kolonnens type i "
              "[variables.{name}] (type = \"text\")",
        "en": "compare a number with a number (2, not '2'), or declare the column's type in "
              "[variables.{name}] (type = \"text\")"},
    "condition.fix.text": {
        "nb": "oppgi typen i [variables.{name}] (type = \"integer\", \"date\", …) eller "
              "sammenlign med tekst ('2')",
        "en": "declare its type in [variables.{name}] (type = \"integer\", \"date\", …) or "
              "compare with text ('2')"},
    "condition.missing_column": {
        "nb": "{at}: betingelsen {condition!r} nevner kolonnen {column!r}, som ikke finnes i "
              "{file}{hint}; {fix}",
        "en": "{at}: the condition {condition!r} names the column {column!r}, which is not in "
              "{file}{hint}; {fix}"},
    "condition.fix_name_spec": {"nb": "rett navnet i spesifikasjonen",
                                "en": "correct the name in the spec"},
    "condition.fix_name": {"nb": "rett navnet", "en": "correct the name"},
    "condition.did_you_mean": {"nb": " (mente du {name!r}?)", "en": " (did you mean {name!r}?)"},
    "condition.not_boolean": {
        "nb": "{at}: {condition!r} er ikke en sann/usann-betingelse; sammenlign kolonnen med en "
              "verdi, f.eks. \"{column} = 1\"",
        "en": "{at}: {condition!r} is not a true/false condition; compare the column with a "
              "value, e.g. \"{column} = 1\""},
    # ---- dq init and dq spec check (dq.cli.init)
    "init.no_export": {
        "nb": "oppgi uttrekket spesifikasjonen skal lages fra: en fil (dq init eksport.csv) "
              "eller en databasetabell (dq init --data-url URL --table NAVN)",
        "en": "name the export to draft the spec from: a file (dq init export.csv) or a "
              "database table (dq init --data-url URL --table NAME)"},
    "init.file_options": {
        "nb": "--input-format, --encoding og --separator beskriver en uttrekksfil; utelat dem med "
              "--data-url",
        "en": "--input-format, --encoding and --separator describe an export file; leave them "
              "out with --data-url"},
    "init.exists": {
        "nb": "{file} finnes; dq init erstatter aldri en spesifikasjon: velg en annen fil med "
              "-o, eller oppgi --force for å erstatte den",
        "en": "{file} exists; dq init never replaces a spec: choose another file with -o, or "
              "pass --force to replace it"},
    # ---- dq spec check (dq.spec_check): the problems it lists as errors
    "spec.check.nested": {"nb": "spesifikasjonen er nøstet for dypt til å være en "
                                "registerspesifikasjon",
                          "en": "the spec is nested too deeply to be a registry spec"},
    "spec.check.file_not_found": {
        "nb": "{file}: {field}: fant ikke {path}; sjekk stien (relativ til spesifikasjonens "
              "mappe)",
        "en": "{file}: {field}: {path} not found; check the path (relative to the spec's "
              "folder)"},
    "spec.check.order_never": {
        "nb": "{file}: {where}: {condition!r}: ingen registrering har alle datoene, så den "
              "kontrolleres aldri; sjekk kolonnenavnene og [dataset] date_format",
        "en": "{file}: {where}: {condition!r}: no record has all of its dates, so it is never "
              "checked; check the column names and [dataset] date_format"},
    "spec.check.condition_never": {
        "nb": "{file}: {where}: betingelsen {condition!r} er ikke sann for noen av de "
              "{rows:count} registreringene; sjekk kolonnen og koden (sammenlign med en kode "
              "som finnes i dataene)",
        "en": "{file}: {where}: the condition {condition!r} is true in none of the {rows:count} "
              "records; check the column and the code (compare with a code the data hold)"},
    "spec.check.codes_share": {
        "nb": "{where} codes: bare {share:pct0} av de {total:count} registrerte verdiene er "
              "oppgitte koder; legg til kodene uttrekket bruker (eller sjekk kolonnen)",
        "en": "{where} codes: only {share:pct0} of the {total:count} registered values are "
              "declared codes; add the codes the export uses (or check the column)"},
    "spec.check.type_share": {
        "nb": "{where} type = {type!r}: bare {share:pct0} av de {total:count} registrerte "
              "verdiene kan leses som {type}; {fix}",
        "en": "{where} type = {type!r}: only {share:pct0} of the {total:count} registered "
              "values are read as {type}; {fix}"},
    "spec.check.event_format": {
        "nb": "{file}: [dataset] event_date {column!r}: bare {share:pct0} av de {total:count} "
              "registrerte datoene kan leses med [dataset] date_format {fmt!r}; sett "
              "date_format til formatet uttrekket skriver datoer i",
        "en": "{file}: [dataset] event_date {column!r}: only {share:pct0} of the {total:count} "
              "registered dates are read with [dataset] date_format {fmt!r}; set date_format to "
              "the format the export writes dates in"},
    "spec.check.fix_date_format": {"nb": "sett [dataset] date_format til uttrekkets format",
                                   "en": "set [dataset] date_format to the export's format"},
    "spec.check.fix_type": {
        "nb": "bruk type = \"text\" eller \"categorical\" hvis den ikke er et tall",
        "en": "use type = \"text\" or \"categorical\" if it is not a number"},
    "spec.check.codes_never_held": {
        "nb": "{where} codes: {n:count} oppgitte koder finnes ikke i noen registrering: "
              "{codes}; fjern dem, eller rett dem til kodene uttrekket skriver (en kodeliste som "
              "spenner over flere år eller enheter, hører hjemme i kodeboken, [dataset] "
              "codebook, der koder kan mangle i et uttrekk)",
        "en": "{where} codes: {n:count} declared codes no record holds: {codes}; remove them, "
              "or correct them to the codes the export writes (a code list that spans years or "
              "units belongs in the codebook, [dataset] codebook, whose codes an export may "
              "lack)"},
    "spec.check.codes_never_held_one": {
        "nb": "{where} codes: {n:count} oppgitt kode finnes ikke i noen registrering: {codes}; "
              "fjern den, eller rett den til kodene uttrekket skriver (en kodeliste som spenner "
              "over flere år eller enheter, hører hjemme i kodeboken, [dataset] codebook, der "
              "koder kan mangle i et uttrekk)",
        "en": "{where} codes: {n:count} declared code no record holds: {codes}; remove it, "
              "or correct it to the codes the export writes (a code list that spans years or "
              "units belongs in the codebook, [dataset] codebook, whose codes an export may "
              "lack)"},
    "spec.check.national_id": {
        "nb": "{file}: [verification] national_id: bare {share:pct0} av verdiene i {column!r} er "
              "gyldige fødselsnumre; er det riktig kolonne?",
        "en": "{file}: [verification] national_id: only {share:pct0} of the values of "
              "{column!r} are valid national ID numbers; is it the right column?"},
    "spec.check.the_export": {"nb": "uttrekket", "en": "the export"},
    "spec.check.did_you_mean": {"nb": "mente du {name!r}?", "en": "did you mean {name!r}?"},
    "spec.check.rename": {"nb": "gi den navnet til en kolonne i {noun}, eller fjern den",
                          "en": "rename it to a column of {noun} or remove it"},
    "spec.check.column_missing": {
        "nb": "{file}: {keys:list}: kolonnen {column!r} finnes ikke i {noun}; {fix}",
        "en": "{file}: {keys:list}: column {column!r} is not in {noun}; {fix}"},
}

# the keys of every error table, for the test that every raised key has both languages
ERROR_TABLES = ("ERRORS", "ERRORS_SPEC", "ERRORS_DATA")

# data errors (exit 3) and errors reading or writing files and databases
ERRORS_DATA: dict[str, dict[str, str]] = {
    # why the operating system refused (dq.errors.os_reason): the common errno values in
    # dq's words; any other is the OS's own text in English, its errno name in Norwegian
    "os.ENOENT": {"nb": "filen eller mappen finnes ikke", "en": "No such file or directory"},
    "os.EACCES": {"nb": "ingen tilgang", "en": "Permission denied"},
    "os.EPERM": {"nb": "operasjonen er ikke tillatt", "en": "Operation not permitted"},
    "os.ENOTDIR": {"nb": "ikke en mappe", "en": "Not a directory"},
    "os.EISDIR": {"nb": "er en mappe", "en": "Is a directory"},
    "os.ENOSPC": {"nb": "disken er full", "en": "No space left on device"},
    "os.EDQUOT": {"nb": "diskkvoten er brukt opp", "en": "Disk quota exceeded"},
    "os.EROFS": {"nb": "filsystemet er skrivebeskyttet", "en": "Read-only file system"},
    "os.ELOOP": {"nb": "for mange nivåer av symbolske lenker",
                 "en": "Too many levels of symbolic links"},
    "os.ENAMETOOLONG": {"nb": "filnavnet er for langt", "en": "File name too long"},
    "os.EIO": {"nb": "inn-/utdatafeil", "en": "Input/output error"},
    "os.EBUSY": {"nb": "enheten eller ressursen er opptatt", "en": "Device or resource busy"},
    "os.ETXTBSY": {"nb": "filen er i bruk", "en": "Text file busy"},
    "os.EEXIST": {"nb": "filen finnes allerede", "en": "File exists"},
    "os.EMFILE": {"nb": "for mange åpne filer", "en": "Too many open files"},
    "os.ENFILE": {"nb": "for mange åpne filer i systemet", "en": "Too many open files in system"},
    "os.EFBIG": {"nb": "filen er for stor", "en": "File too large"},
    "os.ENXIO": {"nb": "enheten eller adressen finnes ikke", "en": "No such device or address"},
    "os.ENODEV": {"nb": "enheten finnes ikke", "en": "No such device"},
    "os.EINVAL": {"nb": "ugyldig argument", "en": "Invalid argument"},
    "os.EPIPE": {"nb": "brutt rør", "en": "Broken pipe"},
    "os.EAGAIN": {"nb": "ressursen er midlertidig utilgjengelig",
                  "en": "Resource temporarily unavailable"},
    "os.ESTALE": {"nb": "foreldet filreferanse (nettverksdisk)", "en": "Stale file handle"},
    "os.EXDEV": {"nb": "lenke på tvers av filsystemer", "en": "Invalid cross-device link"},
    "os.ETIMEDOUT": {"nb": "tidsavbrudd", "en": "Connection timed out"},
    "os.other": {"nb": "systemfeil {code}", "en": "system error {code}"},
    # the files an engine error names (dq.cli._common), as a list
    "files.shown": {"nb": "{names:list}{more}", "en": "{names:list}{more}"},
    # reading a file (dq.io.readers)
    "read.unknown_format": {"nb": "ukjent format {fmt!r} for {file}: bruk ett av {formats:list}",
                            "en": "unknown format {fmt!r} for {file}: use one of {formats:list}"},
    "read.no_format": {
        "nb": "{file}: formatet kan ikke avgjøres ut fra filendelsen {ext!r}; {hint}",
        "en": "{file}: cannot tell the format from the extension {ext!r}; {hint}"},
    "read.no_format.looks_like": {
        "nb": "den ser ut som {kind}: [[oppgi --input-format {fmt}||gi den endelsen .{fmt} (eller "
              "sett [dataset] format = \"{fmt}\" for uttrekket)]]",
        "en": "it looks like {kind}: [[pass --input-format {fmt}||rename it to .{fmt} (or set "
              "[dataset] format = \"{fmt}\" for the export)]]"},
    "read.no_format.looks_like_other": {"nb": "den ser ut som {kind}: gi den endelsen .{fmt}",
                                        "en": "it looks like {kind}: rename it to .{fmt}"},
    "read.no_format.pass_other": {
        "nb": "gi den endelsen til formatet ({formats:list})",
        "en": "rename it to the extension of its format ({formats:list})"},
    "read.no_format.pass": {
        "nb": "[[oppgi --input-format||gi den endelsen til formatet, eller sett [dataset] format "
              "for uttrekket]] ({formats:list})",
        "en": "[[pass --input-format||rename it to the extension of its format, or set [dataset] "
              "format for the export]] ({formats:list})"},
    "read.stdin": {
        "nb": "-: dq leser filer, ikke standard inn (en fil leses flere ganger og må kunne "
              "identifiseres med sin sha256); lagre uttrekket i en fil og oppgi den",
        "en": "-: dq reads files, not standard input (a file is read more than once and "
              "identified by its sha256); save the export to a file and name it"},
    "read.no_such_file": {
        "nb": "{file}: filen finnes ikke; sjekk stien (relative stier i dq.toml regnes fra "
              "mappen spesifikasjonen ligger i)",
        "en": "{file}: no such file; check the path (relative paths in dq.toml are relative to "
              "the spec's folder)"},
    "read.is_directory": {
        "nb": "{file}: er en mappe, ikke en datafil; oppgi selve uttrekksfilen",
        "en": "{file}: is a directory, not a data file; name the export file itself"},
    "read.not_regular": {
        "nb": "{file}: er ikke en vanlig fil (et rør eller en enhet); lagre uttrekket i en fil "
              "og oppgi den",
        "en": "{file}: is not a regular file (a pipe or a device); save the export to a file and "
              "name that"},
    "read.empty_file": {"nb": "{file}: filen er tom (0 byte); eksporter den på nytt",
                        "en": "{file}: the file is empty (0 bytes); export it again"},
    "read.unreadable": {
        "nb": "{file}: kan ikke leses ({reason}); sjekk stien og tilgangen til filen",
        "en": "{file}: cannot be read ({reason}); check the path and its permissions"},
    "read.duplicate_columns": {
        "nb": "{file}: kolonnenavn som går igjen: {names}; gi dem nye navn i uttrekket slik at "
              "hver kolonne har sitt eget navn",
        "en": "{file}: duplicate column names {names}; rename them in the export so each column "
              "has one name"},
    "read.header_is_data": {
        "nb": "{file}: første rad ser ut som data, ikke kolonnenavn (kolonne {column} inneholder "
              "et langt tall eller en dato); eksporter filen med overskriftsraden",
        "en": "{file}: the first row looks like data, not column names (column {column} holds a "
              "long number or a date); export the file with its header row"},
    "read.unnamed_with_values": {
        "nb": "{file}: kolonne {column} mangler navn i overskriftsraden, men har verdier i "
              "{n:count} rader; gi den et navn i uttrekket",
        "en": "{file}: column {column} has no name in the header row but holds values in "
              "{n:count} rows; name it in the export"},
    "read.unnamed_with_values_one": {
        "nb": "{file}: kolonne {column} mangler navn i overskriftsraden, men har en verdi i "
              "{n:count} rad; gi den et navn i uttrekket",
        "en": "{file}: column {column} has no name in the header row but holds values in "
              "{n:count} row; name it in the export"},
    "read.csv_problem_other": {
        "nb": "{file}: kan ikke leses som CSV med skilletegn {sep}: {problem}; rett opp "
              "anførselstegnene i filen",
        "en": "{file}: cannot be read as CSV with separator {sep}: {problem}; fix the quoting in "
              "the file"},
    "read.csv_unreadable_other": {
        "nb": "{file}: kan ikke leses som CSV med skilletegn {sep}; sjekk anførselstegnene i "
              "filen",
        "en": "{file}: cannot be read as CSV with separator {sep}; check the quoting in the "
              "file"},
    "read.csv_problem": {
        "nb": "{file}: kan ikke leses som CSV med skilletegn {sep}: {problem}; rett opp "
              "anførselstegnene i uttrekket, eller [[oppgi --separator||sett [dataset] "
              "separator]]",
        "en": "{file}: cannot be read as CSV with separator {sep}: {problem}; fix the quoting in "
              "the export, or [[pass --separator||set [dataset] separator]]"},
    "read.csv_unreadable": {
        "nb": "{file}: kan ikke leses som CSV med skilletegn {sep}; sjekk anførselstegnene, "
              "eller [[oppgi --separator||sett [dataset] separator]]",
        "en": "{file}: cannot be read as CSV with separator {sep}; check the quoting, or "
              "[[pass --separator||set [dataset] separator]]"},
    "read.sep_tab": {"nb": "tabulator", "en": "tab"},
    "read.first_line_empty": {
        "nb": "{file}: første linje er tom; filen må ha en overskriftsrad",
        "en": "{file}: the first line is empty; the file needs a header row"},
    "read.header_unclosed": {
        "nb": "{file}: et kolonnenavn i anførselstegn i overskriftsraden blir aldri lukket (en "
              "'\"' uten sin make); rett opp overskriftsraden",
        "en": "{file}: a quoted column name in the header row is never closed (a '\"' without "
              "its pair); fix the header row"},
    "read.header_only": {
        "nb": "{file}: filen har en overskriftsrad, men ingen datarader; eksporter den på nytt",
        "en": "{file}: the file has a header but no data rows; export it again"},
    "read.parquet_incomplete": {
        "nb": "{file}: Parquet-filen er ufullstendig (avslutningen av filen mangler); kopier "
              "eller skriv den på nytt",
        "en": "{file}: the Parquet file is incomplete (its footer is missing); copy or write it "
              "again"},
    "read.parquet_unreadable": {
        "nb": "{file}: ikke en lesbar Parquet-fil (skadet eller ikke Parquet); skriv den på nytt "
              "eller sjekk at kopien er fullstendig",
        "en": "{file}: not a readable Parquet file (damaged or not Parquet); write it again or "
              "check that the copy is complete"},
    "read.parquet_unnamed": {
        "nb": "{file}: kolonne {column} mangler navn; gi alle kolonnene navn når filen skrives",
        "en": "{file}: column {column} has no name; name every column when writing the file"},
    "read.parquet_no_rows": {"nb": "{file}: Parquet-filen har ingen rader",
                             "en": "{file}: the Parquet file has no rows"},
    "read.xlsx_unreadable": {
        "nb": "{file}: ikke en lesbar .xlsx-fil (skadet, kryptert eller ikke en arbeidsbok); "
              "åpne og lagre den på nytt i Excel, eller eksporter CSV",
        "en": "{file}: not a readable .xlsx file (damaged, encrypted or not a workbook); open "
              "and save it again in Excel, or export CSV"},
    "read.xlsx_empty": {
        "nb": "{file}: det første arket er tomt, eller første rad er tom; første rad må "
              "inneholde kolonnenavnene",
        "en": "{file}: the first sheet is empty or its first row is empty; the first row must "
              "hold the column names"},
    "read.xlsx_no_data": {"nb": "{file}: det første arket har ingen datarader",
                          "en": "{file}: the first sheet has no data rows"},
    "read.xlsx_header_only": {
        "nb": "{file}: det første arket har en overskriftsrad, men ingen datarader",
        "en": "{file}: the first sheet has a header but no data rows"},
    "read.stat_unreadable": {
        "nb": "{file}: ikke en lesbar {kind}-fil (skadet, eller en versjon dq ikke kan lese); "
              "lagre den på nytt, eller eksporter CSV",
        "en": "{file}: not a readable {kind} file (damaged, or a version dq cannot read); save "
              "it again, or export CSV"},
    "read.no_rows": {"nb": "{file}: filen har ingen rader", "en": "{file}: the file has no rows"},
    "read.columns_differ": {
        "nb": "{file}: kolonnene er ikke de samme som i {first} ({names}); filene i ett "
              "datasett må ha de samme kolonnene",
        "en": "{file}: columns differ from {first} ({names}); files of one dataset must have "
              "the same columns"},
    "read.other_order": {"nb": "de samme navnene i en annen rekkefølge",
                         "en": "the same names in another order"},
    # what a file's bytes say it is (dq.io.sniff), and what to do about it
    "sniff.kind.parquet": {"nb": "en Parquet-fil", "en": "a Parquet file"},
    "sniff.kind.xlsx": {"nb": "en Excel-arbeidsbok (.xlsx)", "en": "an Excel .xlsx workbook"},
    "sniff.kind.sav": {"nb": "en SPSS .sav-fil", "en": "an SPSS .sav file"},
    "sniff.kind.dta": {"nb": "en Stata .dta-fil", "en": "a Stata .dta file"},
    "sniff.kind.text": {"nb": "CSV eller annen tekst", "en": "CSV or other text"},
    "sniff.kind.xls": {
        "nb": "en gammel Excel .xls-arbeidsbok (eller en annen gammel Office-fil)",
        "en": "an old Excel .xls workbook (or another old Office file)"},
    "sniff.kind.ods": {"nb": "et OpenDocument-regneark (.ods)",
                       "en": "an OpenDocument spreadsheet (.ods)"},
    "sniff.kind.office": {"nb": "et Word- eller PowerPoint-dokument",
                          "en": "a Word or PowerPoint document"},
    "sniff.kind.zip": {"nb": "et ZIP-arkiv", "en": "a ZIP archive"},
    "sniff.kind.gzip": {"nb": "en gzip-komprimert fil", "en": "a gzip-compressed file"},
    "sniff.kind.bzip2": {"nb": "en bzip2-komprimert fil", "en": "a bzip2-compressed file"},
    "sniff.kind.xz": {"nb": "en xz-komprimert fil", "en": "an xz-compressed file"},
    "sniff.kind.zstd": {"nb": "en zstd-komprimert fil", "en": "a zstd-compressed file"},
    "sniff.kind.7z": {"nb": "et 7-Zip-arkiv", "en": "a 7-Zip archive"},
    "sniff.kind.pdf": {"nb": "et PDF-dokument", "en": "a PDF document"},
    "sniff.kind.arrow": {"nb": "en Arrow/Feather-fil", "en": "an Arrow/Feather file"},
    "sniff.kind.sqlite": {"nb": "en SQLite-database", "en": "an SQLite database"},
    "sniff.kind.html": {"nb": "en HTML-side", "en": "an HTML page"},
    "sniff.kind.image": {"nb": "et bilde", "en": "an image"},
    "sniff.kind.binary": {"nb": "binærdata", "en": "binary data"},
    "sniff.fix.xls": {"nb": "åpne den i Excel og lagre den som .xlsx eller CSV",
                      "en": "open it in Excel and save it as .xlsx or CSV"},
    "sniff.fix.ods": {"nb": "lagre det som .xlsx eller CSV", "en": "save it as .xlsx or CSV"},
    "sniff.fix.office": {"nb": "eksporter dataene som CSV", "en": "export the data as CSV"},
    "sniff.fix.unpack": {"nb": "pakk ut arkivet og oppgi datafilen i det",
                         "en": "unpack it and name the data file inside"},
    "sniff.fix.decompress": {"nb": "pakk den ut først ({tool})",
                             "en": "decompress it first ({tool})"},
    "sniff.fix.pdf": {"nb": "eksporter dataene som CSV i stedet",
                      "en": "export the data as CSV instead"},
    "sniff.fix.arrow": {"nb": "skriv den som Parquet eller CSV", "en": "write it as Parquet or CSV"},
    "sniff.fix.sqlite": {"nb": "eksporter tabellen som CSV", "en": "export the table as CSV"},
    "sniff.fix.html": {
        "nb": "eksporter dataene som CSV (dette kan være en nettside som ble lagret i stedet "
              "for uttrekket)",
        "en": "export the data as CSV (this may be a web page saved instead of the export)"},
    "sniff.fix.image": {"nb": "oppgi selve uttrekksfilen", "en": "name the export file itself"},
    "sniff.fix.binary": {"nb": "sjekk at dette er uttrekksfilen",
                         "en": "check that this is the export file"},
    "sniff.looks_like_not_csv": {"nb": "{file}: ser ut som {kind}, ikke CSV",
                                 "en": "{file}: looks like {kind}, not CSV"},
    "sniff.looks_like_not": {"nb": "{file}: ikke en lesbar {expected}-fil: den ser ut som {kind}",
                             "en": "{file}: not a readable {expected} file: it looks like {kind}"},
    "sniff.rename": {"nb": "gi den endelsen .{ext}", "en": "rename it to .{ext}"},
    "sniff.rename_or_pass": {"nb": "gi den endelsen .{ext}[[ eller oppgi --input-format {fmt}]]",
                             "en": "rename it to .{ext}[[ or pass --input-format {fmt}]]"},
    "sniff.pass_format": {"nb": "[[oppgi --input-format {fmt}||sett [dataset] format = "
                                "\"{fmt}\"]]",
                          "en": "[[pass --input-format {fmt}||set [dataset] format = "
                                "\"{fmt}\"]]"},
    "sniff.wrong_format": {"nb": "{head}; {fix}", "en": "{head}; {fix}"},
    "sniff.unknown_encoding": {"nb": "ukjent tegnkoding {name!r}: bruk en av {valid}",
                               "en": "unknown encoding {name!r}: use one of {valid}"},
    "sniff.not_wide": {
        "nb": "{file}: [[--encoding||[dataset] encoding]] {encoding} ble oppgitt, men filen ser "
              "ikke ut som {upper}-tekst (verken byte-order-merke eller NUL-byte mellom "
              "tegnene); fjern [[--encoding||[dataset] encoding]]",
        "en": "{file}: [[--encoding||[dataset] encoding]] {encoding} was given, but the file "
              "does not look like {upper} text (no byte-order mark, no NUL bytes between "
              "characters); drop [[--encoding||[dataset] encoding]]"},
    "sniff.other_wide": {
        "nb": "{file}: [[--encoding||[dataset] encoding]] {encoding} ble oppgitt, men filen ser "
              "ut som {label}-tekst; fjern [[--encoding||[dataset] encoding]]",
        "en": "{file}: [[--encoding||[dataset] encoding]] {encoding} was given, but the file "
              "looks like {label} text; drop [[--encoding||[dataset] encoding]]"},
    "sniff.is_wide": {
        "nb": "{file}: filen er {label}-tekst (Excel «Unicode-tekst»), ikke {encoding}; fjern "
              "[[--encoding||[dataset] encoding]] (dq dekoder den) eller [[oppgi --encoding "
              "utf-16||sett den til utf-16]]",
        "en": "{file}: the file is {label} text (Excel \"Unicode text\"), not {encoding}; drop "
              "[[--encoding||[dataset] encoding]] (dq decodes it) or [[pass --encoding "
              "utf-16||set it to utf-16]]"},
    "sniff.not_utf8": {
        "nb": "{file}: byte {offset} er ikke gyldig UTF-8; filen er trolig cp1252/Latin-1 "
              "(lagret fra Excel): [[oppgi --encoding cp1252||sett [dataset] encoding = "
              "\"cp1252\"]]",
        "en": "{file}: byte {offset} is not valid UTF-8; the file is probably cp1252/Latin-1 "
              "(saved from Excel): [[pass --encoding cp1252||set [dataset] encoding = "
              "\"cp1252\"]]"},
    "sniff.mixed": {
        "nb": "{file}: filen blander tegnkodinger: den har UTF-8-tekst, men byte {offset} er "
              "ikke UTF-8 (rader lagt til av et annet program?); eksporter den på nytt i én "
              "tegnkoding, eller velg en med [[--encoding||[dataset] encoding]]",
        "en": "{file}: the file mixes encodings: it has UTF-8 text, but byte {offset} is not "
              "UTF-8 (rows added by another program?); export it again in one encoding, or "
              "[[pass --encoding||set [dataset] encoding]] to choose one"},
    "sniff.long_line": {
        "nb": "{file}: første linje er lengre enn {mib} MiB; dette er ikke et CSV-uttrekk, "
              "eller linjene slutter ikke med linjeskift",
        "en": "{file}: the first line is longer than {mib} MiB; this is not a CSV export, or its "
              "lines do not end in line breaks"},
    "sniff.separator_length": {"nb": "--separator må være ett tegn, fikk {sep!r}",
                               "en": "--separator must be one character, got {sep!r}"},
    "sniff.separator_quote": {
        "nb": "--separator kan ikke være et anførselstegn eller et linjeskift",
        "en": "--separator cannot be a quote or a line break"},
    "sniff.ends_mid_character": {"nb": "filen slutter midt i et tegn",
                                 "en": "the file ends in the middle of a character"},
    "sniff.invalid_byte": {"nb": "byte {offset} er ikke gyldig {label}",
                           "en": "byte {offset} is not valid {label}"},
    "sniff.undecodable": {
        "nb": "{file}: {problem}; eksporter den på nytt, eller velg riktig tegnkoding med "
              "[[--encoding||[dataset] encoding]]",
        "en": "{file}: {problem}; export it again, or [[pass --encoding||set [dataset] "
              "encoding]] to choose the right one"},
    "sniff.copy_failed": {
        "nb": "{file}: kan ikke lage den private UTF-8-kopien dq leser ({reason}); frigjør "
              "plass i den midlertidige mappen (TMPDIR)",
        "en": "{file}: cannot make the private UTF-8 copy dq reads ({reason}); free space in the "
              "temporary folder (TMPDIR)"},
    "sniff.problem.unclosed": {
        "nb": "feltet i anførselstegn som begynner på linje {line}, blir aldri lukket (en '\"' "
              "uten sin make)",
        "en": "the quoted field that starts on line {line} is never closed (a '\"' without its "
              "pair)"},
    "sniff.problem.fields": {"nb": "linje {line} har {fields} felt, men overskriftsraden har {width}",
                             "en": "line {line} has {fields} fields but the header has {width}"},
    # database sources (dq.io.database): where names the spec's table or the option
    "db.server": {"nb": "{kind}-server {host}:{port}, database {database!r}",
                  "en": "{kind} server {host}:{port}, database {database!r}"},
    "db.table": {"nb": "tabell {table!r}", "en": "table {table!r}"},
    "db.the_query": {"nb": "spørringen", "en": "the query"},
    "db.source": {"nb": "{server}, {target} ({origin})", "en": "{server}, {target} ({origin})"},
    "db.described": {"nb": "{server}, {target}", "en": "{server}, {target}"},
    "db.the_source": {"nb": "databasekilden ({origin})", "en": "the database source ({origin})"},
    "db.no_user": {"nb": "(ingen)", "en": "(none)"},
    "db.unknown_keys": {
        "nb": "{where}: ukjente nøkler {keys} i en databasekilde; gyldige nøkler: {valid}",
        "en": "{where}: unknown keys {keys} in a database source; valid keys: {valid}"},
    "db.unknown_keys_one": {
        "nb": "{where}: ukjent nøkkel {keys} i en databasekilde; gyldige nøkler: {valid}",
        "en": "{where}: unknown key {keys} in a database source; valid keys: {valid}"},
    "db.expected_text": {"nb": "{where} {field}: forventet tekst", "en": "{where} {field}: expected text"},
    "db.url_empty": {
        "nb": "{where}: url er tom; skriv f.eks. "
              "\"mysql://dq_reader:${{DQ_DB_PASSWORD}}@db.internal:3306/registry\"",
        "en": "{where}: url is empty; write e.g. "
              "\"mysql://dq_reader:${{DQ_DB_PASSWORD}}@db.internal:3306/registry\""},
    "db.url_scheme": {"nb": "{where}: url må begynne med en av {schemes} (fikk {scheme!r})",
                      "en": "{where}: the url must start with one of {schemes} (got {scheme!r})"},
    "db.table_or_query": {
        "nb": "{where}: oppgi dataene med enten table = \"…\" eller query = \"SELECT …\" "
              "(nøyaktig én av dem)",
        "en": "{where}: name the data with either table = \"…\" or query = \"SELECT …\" (exactly "
              "one of them)"},
    "db.bad_table": {
        "nb": "{where} table: {table!r} er ikke et tabellnavn; skriv \"skjema\" eller "
              "\"schema.skjema\" (bruk query = \"SELECT …\" for mer)",
        "en": "{where} table: {table!r} is not a table name; write \"skjema\" or "
              "\"schema.skjema\" (use query = \"SELECT …\" for more)"},
    "db.read_only_hint": {
        "nb": "dq leser bare: skriv én SELECT-setning (WITH … SELECT går også), og gi dq en "
              "databasebruker som bare kan lese",
        "en": "dq only reads: write one SELECT (or WITH … SELECT) statement, and give dq a "
              "read-only database user"},
    "db.query_empty": {"nb": "{where} query: spørringen er tom; {hint}",
                       "en": "{where} query: the query is empty; {hint}"},
    "db.query_statements": {
        "nb": "{where} query: inneholder mer enn én setning (en ';' inni); {hint}",
        "en": "{where} query: holds more than one statement (a ';' inside); {hint}"},
    "db.query_not_select": {"nb": "{where} query: begynner med {word!r}, ikke SELECT; {hint}",
                            "en": "{where} query: starts with {word!r}, not SELECT; {hint}"},
    "db.query_writes": {
        "nb": "{where} query: inneholder {word!r}, som skriver, låser eller kjører kode på "
              "serveren; {hint}",
        "en": "{where} query: contains {word!r}, which writes, locks or runs code on the server; "
              "{hint}"},
    "db.variable_unset": {
        "nb": "{where}: url bruker ${{{name}}}, men miljøvariabelen {name} er ikke satt; sett "
              "den (export {name}=…) før dq kjøres",
        "en": "{where}: the url uses ${{{name}}} but the environment variable {name} is not set; "
              "set it (export {name}=…) before running dq"},
    "db.url_form": {
        "nb": "{where}: url har ikke formen "
              "kind://user:${{PASSWORD_VARIABLE}}@host:port/database; sjekk den",
        "en": "{where}: the url is not of the form "
              "kind://user:${{PASSWORD_VARIABLE}}@host:port/database; check it"},
    "db.url_host": {
        "nb": "{where}: url må angi vert og database (kind://user@host:port/database)",
        "en": "{where}: the url must name the host and the database "
              "(kind://user@host:port/database)"},
    "db.port_not_number": {"nb": "{where}: porten i url er ikke et tall",
                           "en": "{where}: the url's port is not a number"},
    "db.port_range": {"nb": "{where}: porten {port} i url er utenfor gyldig område",
                      "en": "{where}: the url's port {port} is out of range"},
    "db.login": {
        "nb": "{where}: serveren avviste innloggingen til brukeren {user!r} (feil brukernavn "
              "eller passord); sjekk brukeren i url og passordvariabelen den viser til (eller "
              "PGPASSWORD, ~/.pgpass, MYSQL_PWD)",
        "en": "{where}: the server refused the login of user {user!r} (wrong user name or "
              "password); check the user in the url and the password variable it names (or "
              "PGPASSWORD, ~/.pgpass, MYSQL_PWD)"},
    "db.database": {
        "nb": "{where}: databasen finnes ikke, eller brukeren {user!r} har ikke tilgang til "
              "den; sjekk databasenavnet i url og brukerens rettigheter",
        "en": "{where}: the database does not exist or user {user!r} may not use it; check the "
              "database name in the url and the user's grants"},
    "db.no_table": {
        "nb": "{where}: tabellen finnes ikke (eller brukeren kan ikke se den); sjekk "
              "tabellnavnet (og skjemaet) der det er oppgitt (i spesifikasjonen eller på "
              "kommandolinjen)",
        "en": "{where}: the table does not exist (or the user may not see it); check the table "
              "name (and schema) where it is given (in the spec or on the command line)"},
    "db.no_column": {
        "nb": "{where}: spørringen nevner en kolonne som tabellen ikke har; sjekk kolonnenavnene "
              "i spørringen",
        "en": "{where}: the query names a column the table does not have; check the column "
              "names in the query"},
    "db.grant": {
        "nb": "{where}: brukeren {user!r} har ikke lov til å lese den; gi lesebrukeren "
              "SELECT-rettighet på den",
        "en": "{where}: user {user!r} may not read it; grant SELECT on it to the read-only "
              "user"},
    "db.syntax": {
        "nb": "{where}: serveren kunne ikke kjøre spørringen (en syntaksfeil eller et navn den "
              "ikke kjenner); kjør spørringen i databasens egen klient for å se hvorfor, og rett "
              "den så der den er oppgitt (i spesifikasjonen eller på kommandolinjen)",
        "en": "{where}: the server could not run the query (a syntax error or a name it does not "
              "know); run the query in the database's own client to see why, then fix it where it "
              "is given (in the spec or on the command line)"},
    "db.unreachable": {
        "nb": "{where}: når ikke serveren, eller den lukket forbindelsen; sjekk vert og port i "
              "url, at serveren kjører og tar imot forbindelser fra denne maskinen, og kjør så dq "
              "på nytt",
        "en": "{where}: cannot reach the server, or it closed the connection; check the host and "
              "port in the url, that the server runs and accepts connections from this machine, "
              "then run dq again"},
    "db.wrote": {
        "nb": "{where}: spørringen prøvde å skrive i en økt som bare kan lese; dq leser bare: "
              "skriv en SELECT",
        "en": "{where}: the query tried to write in a read-only session; dq only reads: write a "
              "SELECT"},
    "db.failed": {
        "nb": "{where}: lesingen feilet på serveren (spørringen feilet, eller serveren "
              "forsvant under lesingen); sjekk spørringen i databasens egen klient og at "
              "serveren kjører, og kjør så dq på nytt",
        "en": "{where}: reading failed on the server (the query failed, or the server went away "
              "during the read); check the query in the database's own client and that the "
              "server is running, then run dq again"},
    "db.nothing_back": {
        "nb": "{where}: verken kolonner eller rader kom tilbake; sjekk tabellen eller spørringen",
        "en": "{where}: no columns or rows came back; check the table or the query"},
    "db.no_rows": {"nb": "{where}: har ingen rader; sjekk tabellen eller WHERE i spørringen",
                   "en": "{where}: has no rows; check the table or the query's WHERE"},
    "db.rows_changed": {
        "nb": "{where}: {before:count} rader ble lest forrige gang, {now:count} nå; forbindelsen "
              "ble brutt for tidlig, eller tabellen endret seg mens dq leste den; kjør dq på "
              "nytt (på et øyeblikksbilde eller en replika hvis det skrives til tabellen)",
        "en": "{where}: {before:count} rows were read before, {now:count} now; the connection "
              "ended early or the table changed while dq read it; run dq again (on a snapshot "
              "or a replica if the table is being written)"},
    # outputs (dq.outputs): label is the option and the file ("--output rapport.md")
    "output.cannot_create": {
        "nb": "{label}: kan ikke lage en fil i mappen {folder} ({why}); velg en mappe du kan "
              "skrive i",
        "en": "{label}: cannot create a file in the folder {folder} ({why}); choose a writable "
              "folder"},
    "output.nul": {"nb": "{label}: et filnavn kan ikke inneholde en NUL-byte",
                   "en": "{label}: a file name cannot contain a NUL byte"},
    "output.os": {"nb": "{label}: {why}; velg en annen fil", "en": "{label}: {why}; choose another file"},
    "output.device_readonly": {"nb": "{label}: enheten er skrivebeskyttet",
                               "en": "{label}: the device is not writable"},
    "output.folder_not_folder": {"nb": "{label}: {folder} er ikke en mappe",
                                 "en": "{label}: the folder {folder} is not a folder"},
    "output.folder_missing": {"nb": "{label}: mappen {folder} finnes ikke",
                              "en": "{label}: the folder {folder} does not exist"},
    "output.is_directory": {"nb": "{label} er en mappe; oppgi en fil",
                            "en": "{label} is a directory; name a file"},
    "output.special": {
        "nb": "{label} er {kind}; dq skriver til vanlige filer, tegnenheter som /dev/null, rør "
              "og - (stdout)",
        "en": "{label} is {kind}; dq writes to regular files, character devices such as "
              "/dev/null, pipes, and - (stdout)"},
    "output.kind.block": {"nb": "en blokkenhet", "en": "a block device"},
    "output.kind.socket": {"nb": "en sokkel", "en": "a socket"},
    "output.kind.other": {"nb": "ikke en vanlig fil", "en": "not a regular file"},
    "output.cannot_append": {"nb": "{label}: kan ikke legge til i den ({why})",
                             "en": "{label}: cannot append to it ({why})"},
    "output.read_only": {
        "nb": "{label} er skrivebeskyttet; velg en annen fil eller gjør den skrivbar",
        "en": "{label} is read-only; choose another file or make it writable"},
    "output.not_owner": {
        "nb": "{label} tilhører en annen bruker i en delt mappe (som /tmp) og kan ikke "
              "erstattes; velg en annen fil",
        "en": "{label} belongs to another user in a shared folder (such as /tmp) and cannot be "
              "replaced; choose another file"},
    "output.is_input": {"nb": "{label} er {what}{via}; velg en annen fil",
                        "en": "{label} is {what}{via}; choose another file"},
    "output.via_link": {"nb": " ({path}, via en lenke)", "en": " ({path}, through a link)"},
    "output.same_file": {"nb": "{label} er samme fil som {other}; velg en annen fil",
                         "en": "{label} is the same file as {other}; choose another file"},
    "output.same_stream": {"nb": "{label} går til {stream}, der {other} også går; oppgi en fil",
                           "en": "{label} goes to {stream}, where {other} goes too; name a file"},
    "output.not_written": {"nb": "kunne ikke skrive {label} ({why}); {replaced}",
                           "en": "could not write {label} ({why}); {replaced}"},
    "output.none_replaced": {"nb": "ingen fil ble erstattet", "en": "no file was replaced"},
    "output.not_replaced": {"nb": "{path} ble ikke erstattet", "en": "{path} was not replaced"},
    "output.no_longer_regular": {
        "nb": "kunne ikke skrive {label}: den er ikke lenger en vanlig fil; ingen fil ble "
              "erstattet",
        "en": "could not write {label}: it is no longer a regular file; no file was replaced"},
    "output.stream_failed": {"nb": "kunne ikke skrive til {stream} ({why}){unwritten}",
                             "en": "could not write to {stream} ({why}){unwritten}"},
    "output.stdout": {"nb": "standard ut", "en": "standard output"},
    "output.stderr": {"nb": "standard feil", "en": "standard error"},
    "output.not_written_files": {"nb": "; ikke skrevet: {labels:list}",
                                 "en": "; not written: {labels:list}"},
    "output.append_failed": {"nb": "kunne ikke legge til i {label} ({why})",
                             "en": "could not append to {label} ({why})"},
    # the files an output must not overwrite ("--output x is the export this command reads")
    "output.reads": {"nb": "{thing} som denne kommandoen leser", "en": "{thing} this command reads"},
    "output.named_in": {"nb": "{thing} som er oppgitt i {spec}", "en": "{thing} named in {spec}"},
    "output.the_spec": {"nb": "spesifikasjonen", "en": "the spec"},
    "output.thing.export": {"nb": "uttrekket", "en": "the export"},
    "output.thing.registry_table": {"nb": "registertabellen", "en": "the registry table"},
    "output.thing.unit_table": {"nb": "enhetstabellen", "en": "the unit table"},
    "output.thing.coverage_reference": {"nb": "en dekningsgradsreferanse",
                                        "en": "a coverage reference"},
    "output.thing.reference": {"nb": "en referanse", "en": "a reference"},
    "output.thing.reliability_study": {"nb": "reliabilitetsstudien",
                                       "en": "the reliability study"},
    "output.thing.validation_study": {"nb": "valideringsstudien", "en": "the validation study"},
    "output.thing.spec": {"nb": "spesifikasjonen", "en": "the spec"},
    "output.thing.codebook": {"nb": "kodeboken", "en": "the codebook"},
    "output.thing.baseline": {"nb": "utgangsresultatet", "en": "the baseline result"},
    "output.thing.follow_up": {"nb": "oppfølgingsresultatet", "en": "the follow-up result"},
    "output.thing.result": {"nb": "resultatet", "en": "the result"},
    "output.thing.pilot": {"nb": "pilotstudien", "en": "the pilot study"},
    "output.thing.study": {"nb": "studien", "en": "the study"},
    # the command line's inputs (dq.cli.inputs, dq report)
    "input.study_url_missing": {
        "nb": "--study-table og --study-query angir hva som skal leses fra databasen gitt med "
              "--study-url URL; legg den til",
        "en": "--study-table and --study-query name what to read from the database given with "
              "--study-url URL; add it"},
    "input.study_twice": {"nb": "oppgi studien én gang: en fil eller --study-url, ikke begge",
                          "en": "name the study once: a file or --study-url, not both"},
    "input.data_url_missing": {
        "nb": "--table og --query angir hva som skal leses fra databasen gitt med --data-url "
              "URL; legg den til",
        "en": "--table and --query name what to read from the database given with --data-url "
              "URL; add it"},
    "input.data_twice": {"nb": "oppgi dataene én gang: en uttrekksfil eller --data-url, ikke begge",
                         "en": "name the data once: an export file or --data-url, not both"},
    "input.spec_nested": {
        "nb": "{file}: for dypt nøstet til å være en spesifikasjon (tusenvis av nøstede lister "
              "eller tabeller); sjekk at det er filen du mente",
        "en": "{file}: nested too deeply to be a spec (thousands of nested arrays or tables); "
              "check that it is the file you meant"},
    "input.no_data": {
        "nb": "ingen datafil: oppgi en på kommandolinjen[[ (eller --data-url)]], eller sett "
              "[dataset] files (eller url) i dq.toml",
        "en": "no data file: name one on the command line[[ (or --data-url)]] or set [dataset] "
              "files (or url) in dq.toml"},
    "input.spec_twice": {"nb": "oppgi spesifikasjonen én gang: som argument eller med --spec",
                         "en": "name the spec once: as the argument or with --spec"},
    "input.report_needs_spec": {
        "nb": "dq report trenger registerets spesifikasjon: dq report dq.toml (eller --spec "
              "dq.toml)",
        "en": "dq report needs the registry spec: dq report dq.toml (or --spec dq.toml)"},
    "input.figures_is_file": {"nb": "--figures {folder}: er en fil; oppgi en mappe",
                              "en": "--figures {folder}: is a file; name a folder"},
    "input.figures_no_parent": {"nb": "--figures {folder}: mappen {parent} finnes ikke",
                                "en": "--figures {folder}: the folder {parent} does not exist"},
    "input.figures_create": {
        "nb": "--figures {folder}: kan ikke lage mappen ({why}); velg en mappe du kan skrive i",
        "en": "--figures {folder}: cannot create the folder ({why}); choose a writable folder"},
    # dq coverage (dq.coverage, dq.cli.coverage)
    "coverage.by_levels": {"nb": "[[--by||by]] {keys}: dekningsgrad grupperes etter unit, hf, "
                                 "rhf og year",
                           "en": "[[--by||by]] {keys}: coverage groups by unit, hf, rhf and year"},
    "coverage.no_reference": {
        "nb": "ingen referanse: oppgi --reference FILE eller sett [coverage] references",
        "en": "no reference: pass --reference FILE or set [coverage] references"},
    "coverage.registry_lacks": {
        "nb": "{file}: registeret mangler kolonnene {columns} (kolonner funnet: {found}); {how}",
        "en": "{file}: the registry lacks columns {columns} (columns found: {found}); {how}"},
    "coverage.registry_lacks_one": {
        "nb": "{file}: registeret mangler kolonnen {columns} (kolonner funnet: {found}); {how}",
        "en": "{file}: the registry lacks column {columns} (columns found: {found}); {how}"},
    "coverage.reference_lacks": {
        "nb": "{file}: referansen mangler kolonnene {columns} (kolonner funnet: {found}); {how}",
        "en": "{file}: the reference lacks columns {columns} (columns found: {found}); {how}"},
    "coverage.reference_lacks_one": {
        "nb": "{file}: referansen mangler kolonnen {columns} (kolonner funnet: {found}); {how}",
        "en": "{file}: the reference lacks column {columns} (columns found: {found}); {how}"},
    "coverage.column_role": {"nb": "{column!r} ({role})", "en": "{column!r} ({role})"},
    "coverage.role.person": {"nb": "person", "en": "person"},
    "coverage.role.unit": {"nb": "enhet", "en": "unit"},
    "coverage.role.date": {"nb": "dato", "en": "date"},
    "coverage.role.year": {"nb": "år", "en": "year"},
    "coverage.role.n": {"nb": "antall", "en": "n"},
    "coverage.role.code_group": {"nb": "kodegruppe", "en": "code group"},
    "coverage.how.registry": {
        "nb": "oppgi dem [[med --person/--unit/--date eller ]]i dq.toml [dataset]",
        "en": "name them [[with --person/--unit/--date or ]]in dq.toml [dataset]"},
    "coverage.how.counts": {
        "nb": "oppgi dem [[med --unit/--year/--count eller ]]i dq.toml [coverage.reference]",
        "en": "name them [[with --unit/--year/--count or ]]in dq.toml [coverage.reference]"},
    "coverage.how.persons": {
        "nb": "oppgi dem [[med --person/--date/--unit eller ]]i dq.toml [coverage.reference]",
        "en": "name them [[with --person/--date/--unit or ]]in dq.toml [coverage.reference]"},
    "coverage.by_needs_units": {
        "nb": "[[--by||by]] {level} trenger en enhetstabell: sett [units] table i dq.toml",
        "en": "[[--by||by]] {level} needs a unit table: set [units] table in dq.toml"},
    "coverage.no_common_year": {
        "nb": "{reference}: ingen år felles med registeret (registeret {registry_years}, "
              "referansen {reference_years}); sjekk årskolonnen og perioden for "
              "referanseuttrekket",
        "en": "{reference}: no year in common with the registry (registry {registry_years}, "
              "reference {reference_years}); check the year column and the period of the "
              "reference extract"},
    "coverage.none_finished": {
        "nb": "{file}: [dataset] finished {condition!r} gjelder ingen av de {rows:count} "
              "registreringene, så registeret har ingen hendelser å beregne dekningsgrad for; "
              "sjekk betingelsen (f.eks. koden for et ferdigstilt skjema)",
        "en": "{file}: [dataset] finished {condition!r} matches none of the {rows:count} "
              "records, so the registry has no event to compute coverage for; check the "
              "condition (e.g. the code of a finished form)"},
    "coverage.none_included": {
        "nb": "{file}: [coverage] include {condition!r} gjelder ingen av de {rows:count} "
              "ferdigstilte registreringene, så registeret har ingen hendelser å beregne "
              "dekningsgrad for; sjekk betingelsen",
        "en": "{file}: [coverage] include {condition!r} matches none of the {rows:count} "
              "finished records, so the registry has no event to compute coverage for; check "
              "the condition"},
    "coverage.no_common_year_linked": {
        "nb": "ingen år felles for registeret ({registry_years}) og referansen "
              "({reference_years}); sjekk datokolonnene",
        "en": "no year in common between the registry ({registry_years}) and the reference "
              "({reference_years}); check the date columns"},
    "coverage.no_years": {"nb": "ingen", "en": "none"},
    "coverage.counts_not_whole": {
        "nb": "{file}: {n:count} rader i kolonnen {column!r} er ikke hele tall ≥ 0; "
              "referansetall må være antall",
        "en": "{file}: {n:count} rows of column {column!r} are not whole numbers ≥ 0; reference "
              "counts must be counts"},
    "coverage.counts_not_whole_one": {
        "nb": "{file}: {n:count} rad i kolonnen {column!r} er ikke et helt tall ≥ 0; "
              "referansetall må være antall",
        "en": "{file}: {n:count} row of column {column!r} is not a whole number ≥ 0; reference "
              "counts must be counts"},
    "coverage.counts_missing": {
        "nb": "{file}: {n:count} rader mangler antall i {column!r}; skriv 0 der NPR ikke hadde "
              "hendelser",
        "en": "{file}: {n:count} rows have no count in {column!r}; write 0 where NPR had no "
              "events"},
    "coverage.counts_missing_one": {
        "nb": "{file}: {n:count} rad mangler antall i {column!r}; skriv 0 der NPR ikke hadde "
              "hendelser",
        "en": "{file}: {n:count} row has no count in {column!r}; write 0 where NPR had no "
              "events"},
    "coverage.year_invalid": {"nb": "{file}: {n:count} rader mangler gyldig år i {column!r}",
                              "en": "{file}: {n:count} rows have no valid year in {column!r}"},
    "coverage.year_invalid_one": {"nb": "{file}: {n:count} rad mangler gyldig år i {column!r}",
                                  "en": "{file}: {n:count} row has no valid year in {column!r}"},
    "coverage.reference_duplicates": {
        "nb": "{file}: {n:count} rader gjentar samme {keys}; hver enhet og hvert år (og hver "
              "kodegruppe) skal stå én gang – {hint}fjern duplikatene eller summer dem",
        "en": "{file}: {n:count} rows repeat the same {keys}; each unit and year (and code "
              "group) must appear once — {hint}remove the duplicates or sum them"},
    "coverage.duplicates_code_group": {
        "nb": "deler kolonnen {column!r} tallene (kodegrupper), så oppgi den som "
              "[coverage.reference] code_group; ellers ",
        "en": "if the column {column!r} splits the counts (code groups), name it as "
              "[coverage.reference] code_group; otherwise "},
    "coverage.code_groups_column": {
        "nb": "[coverage.reference] code_groups krever code_group (kolonnen)",
        "en": "[coverage.reference] code_groups needs code_group (the column)"},
    # dq correctness (dq.correctness)
    "correctness.columns_missing": {
        "nb": "{file}: fant ikke kolonnene {columns} (kolonner: {found})",
        "en": "{file}: columns {columns} not found (columns: {found})"},
    "correctness.columns_missing_one": {
        "nb": "{file}: fant ikke kolonnen {columns} (kolonner: {found})",
        "en": "{file}: column {columns} not found (columns: {found})"},
    "correctness.not_long": {
        "nb": "{file}: ikke et valideringsdatasett: kolonnen {column!r} mangler (forventet "
              "vld_varnamn, vld_vartype, vld_verdi_intern_<type>, vld_verdi_ekstern_<type>); "
              "[[for en bred fil, oppgi --pairs REG:RECORD||sjekk [correctness] study]]",
        "en": "{file}: not a valideringsdatasett: column {column!r} is missing (expected "
              "vld_varnamn, vld_vartype, vld_verdi_intern_<type>, vld_verdi_ekstern_<type>); "
              "[[for a wide file pass --pairs REG:RECORD||check [correctness] study]]"},
    "correctness.type_columns": {
        "nb": "{file}: {n:count} rader (den første er datarad {row}) har en vld_vartype uten "
              "kolonnene vld_verdi_intern_<type> og vld_verdi_ekstern_<type> (typene filen har "
              "kolonner for: {types}); rett vld_vartype eller legg til kolonnene",
        "en": "{file}: {n:count} rows (the first is data row {row}) have a vld_vartype without "
              "vld_verdi_intern_<type> and vld_verdi_ekstern_<type> columns (the types the file "
              "has columns for: {types}); correct vld_vartype or add the columns"},
    "correctness.type_columns_one": {
        "nb": "{file}: datarad {row} har en vld_vartype uten kolonnene vld_verdi_intern_<type> "
              "og vld_verdi_ekstern_<type> (typene filen har kolonner for: {types}); rett "
              "vld_vartype eller legg til kolonnene",
        "en": "{file}: data row {row} has a vld_vartype without vld_verdi_intern_<type> and "
              "vld_verdi_ekstern_<type> columns (the types the file has columns for: {types}); "
              "correct vld_vartype or add the columns"},
    "correctness.unknown_variables": {
        "nb": "{file}: {n:count} rader med {names:count} verdier i vld_varnamn som verken er "
              "variabler i spesifikasjonen eller kolonner i uttrekket, er holdt utenfor (verdiene "
              "vises ikke); rett vld_varnamn eller legg variablene til i [variables] eller "
              "kodeboken",
        "en": "{file}: {n:count} rows with {names:count} values in vld_varnamn that are neither "
              "variables of the spec nor columns of the export are left out (the values are not "
              "shown); correct vld_varnamn or add the variables to [variables] or the codebook"},
    "correctness.unknown_variables_one": {
        "nb": "{file}: 1 rad med en verdi i vld_varnamn som verken er en variabel i "
              "spesifikasjonen eller en kolonne i uttrekket, er holdt utenfor (verdien vises "
              "ikke); rett vld_varnamn eller legg variabelen til i [variables] eller kodeboken",
        "en": "{file}: 1 row with a value in vld_varnamn that is neither a variable of the spec "
              "nor a column of the export is left out (the value is not shown); correct "
              "vld_varnamn or add the variable to [variables] or the codebook"},
    "correctness.reserved_prefix": {
        "nb": "{file}: kolonnene {columns} bruker det reserverte prefikset vld_",
        "en": "{file}: columns {columns} use the reserved prefix vld_"},
    "correctness.reserved_prefix_one": {
        "nb": "{file}: kolonnen {columns} bruker det reserverte prefikset vld_",
        "en": "{file}: column {columns} uses the reserved prefix vld_"},
    "correctness.no_weight_column": {
        "nb": "{file}: vektkolonnen {column!r} (--weights) finnes ikke i valideringsstudien "
              "(kolonner: {found})",
        "en": "{file}: the weight column {column!r} (--weights) is not in the validation study "
              "(columns: {found})"},
    "correctness.bad_weights": {
        "nb": "{file}: vektkolonnen {column!r}: {unread} mangler eller er ikke tall, og {small} "
              "er under 1; hver registrering trenger sin utvalgsvekt (registreringer i stratumet "
              "/ registreringer trukket, slik dq sample skriver den)",
        "en": "{file}: weight column {column!r}: {unread} missing or not a number and {small} "
              "below 1; every record needs its sampling weight (records of its stratum / records "
              "drawn, as dq sample writes it)"},
    "correctness.values": {"nb": "{n:count} verdier", "en": "{n:count} values"},
    "correctness.values_one": {"nb": "{n:count} verdi", "en": "{n:count} value"},
    "correctness.no_unit_column": {
        "nb": "{file}: enhetskolonnen {column!r} finnes ikke i valideringsstudien (kolonner: "
              "{found}); rett [[--unit eller ]][correctness] unit",
        "en": "{file}: the unit column {column!r} is not in the validation study (columns: "
              "{found}); correct [[--unit or ]][correctness] unit"},
    "correctness.study_empty": {"nb": "{file}: valideringsstudien har ingen rader",
                                "en": "{file}: the validation study has no rows"},
    "correctness.the_study": {"nb": "valideringsstudien", "en": "the validation study"},
    "correctness.patient_columns": {
        "nb": "{file}: korrekte pasienter krever en pasientkolonne og kolonnen {belongs!r} (hører "
              "pasienten hjemme i registeret); {problem}",
        "en": "{file}: correct patients need a patient column and the column {belongs!r} (does "
              "the patient belong in the registry); {problem}"},
    "correctness.patient_unnamed": {
        "nb": "ingen pasientkolonne er oppgitt: [[oppgi --patient eller ]]sett [correctness] "
              "patient",
        "en": "no patient column is named: [[pass --patient or ]]set [correctness] patient"},
    "correctness.columns_absent": {
        "nb": "{columns:list} finnes ikke i studien (kolonner: {found})",
        "en": "{columns:list} not in the study (columns: {found})"},
    # dq completeness (dq.completeness)
    "completeness.date_bound": {
        "nb": "datogrensen {value!r} er ikke en ISO-dato (ÅÅÅÅ-MM-DD) eller 'today'",
        "en": "date bound {value!r} is not an ISO date (YYYY-MM-DD) or 'today'"},
    # --by (dq.grouping)
    "grouping.twice": {"nb": "[[--by||by]] nevner {keys} to ganger", "en": "[[--by||by]] names "
                             "{keys} twice"},
    "grouping.needs_unit": {
        "nb": "[[--by||by]] {name} trenger enhetskolonnen: sett [dataset] unit i dq.toml",
        "en": "[[--by||by]] {name} needs the unit column: set [dataset] unit in dq.toml"},
    "grouping.needs_unit_or_option": {
        "nb": "[[--by||by]] {name} trenger enhetskolonnen: sett [dataset] unit i dq.toml[[ eller "
              "oppgi "
              "--unit]]",
        "en": "[[--by||by]] {name} needs the unit column: set [dataset] unit in dq.toml[[ or pass "
              "--unit]]"},
    "grouping.needs_units": {
        "nb": "[[--by||by]] {name} trenger en enhetstabell: sett [units] table i dq.toml "
              "(kolonnene "
              "unit_id, unit_name, hf, rhf)",
        "en": "[[--by||by]] {name} needs a unit table: set [units] table in dq.toml (columns "
              "unit_id, "
              "unit_name, hf, rhf)"},
    "grouping.needs_date": {
        "nb": "[[--by||by]] year trenger hendelsesdatoen: sett [dataset] event_date i dq.toml",
        "en": "[[--by||by]] year needs the event date: set [dataset] event_date in dq.toml"},
    "grouping.unknown": {
        "nb": "[[--by||by]] {name!r} er verken en rolle ({roles}) eller en kolonne i {file} "
              "(kolonner: "
              "{columns})",
        "en": "[[--by||by]] {name!r} is neither a role ({roles}) nor a column of {file} (columns: "
              "{columns})"},
    "grouping.not_categorical": {
        "nb": "[[--by||by]] {name!r}: resultatene kan grupperes etter rollene {roles} eller "
              "etter en "
              "kategorisk variabel med deklarerte koder; deklarer [variables.{name}] med koder i "
              "dq.toml (gruppeverdiene skrives ut, så en kolonne uten kodeliste kunne skrive ut "
              "pasientdata)",
        "en": "[[--by||by]] {name!r}: results can be grouped by the roles {roles} or by a "
              "categorical "
              "variable with declared codes; declare [variables.{name}] with codes in dq.toml "
              "(group values are printed, so a column without a code list could print patient "
              "data)"},
    # the unit table (dq.units)
    "units.lacks": {
        "nb": "{file}: enhetstabellen mangler kolonnene {columns} (kolonner funnet: {found}); "
              "oppgi dem i [units]",
        "en": "{file}: unit table lacks columns {columns} (columns found: {found}); name them in "
              "[units]"},
    "units.lacks_one": {
        "nb": "{file}: enhetstabellen mangler kolonnen {columns} (kolonner funnet: {found}); "
              "oppgi den i [units]",
        "en": "{file}: unit table lacks column {columns} (columns found: {found}); name it in "
              "[units]"},
    "units.blank_ids": {
        "nb": "{file}: {n:count} linje(r) uten enhets-ID i kolonnen {column!r} (linje {lines}); "
              "fyll inn ID-en eller fjern linjen",
        "en": "{file}: {n:count} line(s) without a unit id in the column {column!r} (line "
              "{lines}); fill in the id or remove the line"},
    "units.duplicate_ids": {
        "nb": "{file}: enhets-id-ene {ids} står mer enn én gang i enhetstabellen; hver enhet "
              "skal ha én rad",
        "en": "{file}: unit ids {ids} appear more than once in the unit table; each unit needs "
              "one row"},
    "units.not_units": {
        "nb": "enhetskolonnen {column!r}: {n:count} verdier er verken en enhets-ID (et tall på "
              "opptil 10 sifre) eller et enhetsnavn {where}; de telles som (ikke en enhet) og "
              "skrives aldri ut — legg enhetene inn i enhetstabellen ([units] table)",
        "en": "unit column {column!r}: {n:count} values are neither a unit id (a number of up "
              "to 10 digits) nor a unit name {where}; they are counted as (not a unit id) and "
              "never printed — add the units to the unit table ([units] table)"},
    "units.not_units_one": {
        "nb": "enhetskolonnen {column!r}: 1 verdi er verken en enhets-ID (et tall på opptil 10 "
              "sifre) eller et enhetsnavn {where}; den telles som (ikke en enhet) og skrives "
              "aldri ut — legg enheten inn i enhetstabellen ([units] table)",
        "en": "unit column {column!r}: 1 value is neither a unit id (a number of up to 10 digits) "
              "nor a unit name {where}; it is counted as (not a unit id) and never printed — add "
              "the unit to the unit table ([units] table)"},
    "units.where_table": {"nb": "i enhetstabellen", "en": "of the unit table"},
    "units.where_public": {"nb": "i SKDEs sykehusstruktur eller referansens tall (ingen "
                                 "enhetstabell er oppgitt)",
                           "en": "of SKDE's hospital structure or the reference counts (no unit "
                                 "table is given)"},
    "units.duplicate_ids_one": {
        "nb": "{file}: enhets-id-en {ids} står mer enn én gang i enhetstabellen; hver enhet "
              "skal ha én rad",
        "en": "{file}: unit id {ids} appears more than once in the unit table; each unit needs "
              "one row"},
}


# ---------------------------------------------------------------- command-line help
# `dq --help` and every command's help (dq.cli._help), in the language of --lang on the command
# line, else nb. The commands declare these keys instead of text: "command.<path>" a command's
# description ("command.plan.kappa"; "command.dq" is dq's own), "<path>.<parameter>" an option or
# argument of one command, "option.<name>" and "plan.<name>" options several commands share,
# "panel.<name>" a group of options, "placeholder.<PLACEHOLDER>" the word standing for an
# option's value (FILE, N), "parser.<word>" the parser's own words (Usage, Options,
# [default: …]). Values typed on the command line stay as they are typed in both languages
# ("standard 0.80", "0.2,0.3,0.5", as the usage errors quote them); every other number is
# written in the language's typography.
HELP: dict[str, dict[str, str]] = {
    # the parser's own words
    "parser.usage": {"nb": "Bruk:", "en": "Usage:"},
    "parser.arguments": {"nb": "Argumenter", "en": "Arguments"},
    "parser.options": {"nb": "Valg", "en": "Options"},
    "parser.commands": {"nb": "Kommandoer", "en": "Commands"},
    "parser.options_metavar": {"nb": "[VALG]", "en": "[OPTIONS]"},
    "parser.commands_metavar": {"nb": "KOMMANDO [ARGUMENTER]...", "en": "COMMAND [ARGS]..."},
    "parser.default": {"nb": "standard: {default}", "en": "default: {default}"},
    "parser.required": {"nb": "påkrevd", "en": "required"},
    "parser.between": {"nb": "{min}–{max}", "en": "{min}<=x<={max}"},
    "parser.at_least": {"nb": "minst {min}", "en": "x>={min}"},
    "parser.at_most": {"nb": "høyst {max}", "en": "x<={max}"},
    "parser.help": {"nb": "Vis denne hjelpeteksten og avslutt.",
                    "en": "Show this message and exit."},
    # the words standing for a value (dq.cli._common.METAVARS, the arguments' names)
    "placeholder.FILE": {"nb": "FIL", "en": "FILE"},
    "placeholder.DIR": {"nb": "MAPPE", "en": "DIR"},
    "placeholder.N": {"nb": "N", "en": "N"},
    "placeholder.X": {"nb": "X", "en": "X"},
    "placeholder.FRACTION": {"nb": "ANDEL", "en": "FRACTION"},
    "placeholder.DAYS": {"nb": "DAGER", "en": "DAYS"},
    "placeholder.TEXT": {"nb": "TEKST", "en": "TEXT"},
    "placeholder.COLUMN": {"nb": "KOLONNE", "en": "COLUMN"},
    "placeholder.COLUMNS": {"nb": "KOLONNER", "en": "COLUMNS"},
    "placeholder.KEYS": {"nb": "NØKLER", "en": "KEYS"},
    "placeholder.NAME": {"nb": "NAVN", "en": "NAME"},
    "placeholder.NAMES": {"nb": "NAVN", "en": "NAMES"},
    "placeholder.CODES": {"nb": "KODER", "en": "CODES"},
    "placeholder.REG:REC,...": {"nb": "REG:JOURNAL,...", "en": "REG:REC,..."},
    "placeholder.ENCODING": {"nb": "TEGNSETT", "en": "ENCODING"},
    "placeholder.CHAR": {"nb": "TEGN", "en": "CHAR"},
    "placeholder.FORMAT": {"nb": "FORMAT", "en": "FORMAT"},
    "placeholder.URL": {"nb": "URL", "en": "URL"},
    "placeholder.SQL": {"nb": "SQL", "en": "SQL"},
    "placeholder.YYYY|all": {"nb": "ÅÅÅÅ|all", "en": "YYYY|all"},
    "placeholder.SPEC": {"nb": "SPESIFIKASJON", "en": "SPEC"},
    "placeholder.DATA": {"nb": "DATA", "en": "DATA"},
    "placeholder.EXPORT": {"nb": "UTTREKK", "en": "EXPORT"},
    "placeholder.REGISTRY": {"nb": "REGISTER", "en": "REGISTRY"},
    "placeholder.STUDY": {"nb": "STUDIE", "en": "STUDY"},
    "placeholder.VALIDATION": {"nb": "VALIDERINGSSTUDIE", "en": "VALIDATION"},
    "placeholder.BEFORE": {"nb": "FØR", "en": "BEFORE"},
    "placeholder.AFTER": {"nb": "ETTER", "en": "AFTER"},
    "placeholder.RESULT": {"nb": "RESULTAT", "en": "RESULT"},
    # dq itself
    "command.dq": {
        "nb": "Datakvalitet i medisinske kvalitetsregistre, etter de seks nasjonale "
              "dimensjonene.\n\n"
              "Avslutningskoder: 0 alle kontroller er bestått (advarsler er tillatt), 1 en "
              "kontroll er ikke bestått, 2 feil bruk eller konfigurasjon, 3 feil i inndataene, "
              "4 intern feil (en feil i dq); 141 når mottakeren av utdataene lukket dem "
              "(dq … | head), som for ethvert Unix-verktøy.",
        "en": "Data quality of medical quality registries, by the six national dimensions.\n\n"
              "Exit codes: 0 all checks pass (warnings allowed), 1 a check failed, 2 usage or "
              "configuration error, 3 input data error, 4 internal error (a bug); 141 when the "
              "reader of the output closed it (dq … | head), as any Unix tool."},
    "dq.version": {"nb": "Vis versjonen og avslutt.", "en": "Show the version and exit."},
    "dq.install_completion": {"nb": "Installer kommandofullføring for skallet du bruker.",
                              "en": "Install completion for the current shell."},
    "dq.show_completion": {
        "nb": "Vis kommandofullføringen for skallet du bruker, for å kopiere den eller tilpasse "
              "installasjonen.",
        "en": "Show completion for the current shell, to copy it or customize the "
              "installation."},
    # options several commands share
    "option.spec": {"nb": "Registerspesifikasjonen (dq.toml).", "en": "Registry spec (dq.toml)."},
    "option.format": {"nb": "Utdataformat.", "en": "Output format."},
    "option.output": {
        "nb": "Skriv til denne filen (helt, eller ikke i det hele tatt) i stedet for til "
              "standard ut; - er standard ut. Avviser en fil kommandoen leser, en mappe og en "
              "blokkenhet.",
        "en": "Write to this file (whole, or not at all) instead of stdout; - is stdout. Refuses "
              "a file the command reads, a directory and a block device."},
    "option.width": {"nb": "Terminalbredde.", "en": "Terminal width."},
    "option.ci": {"nb": "Metode for konfidensintervallene.", "en": "Confidence interval method."},
    "option.lang": {
        "nb": "Språket i terminal- og Markdown-utdataene (standard: spesifikasjonens "
              "[report] lang, ellers nb). JSON og CSV er like på alle språk.",
        "en": "Language of the terminal and Markdown output (default: the spec's [report] lang, "
              "else nb). JSON and CSV are the same in every language."},
    "option.encoding": {
        "nb": "Tegnkoding for CSV: utf-8, cp1252 eller latin-1 (standard: gjenkjennes).",
        "en": "CSV encoding: utf-8, cp1252 or latin-1 (default: detected)."},
    "option.separator": {
        "nb": "Skilletegn for CSV (standard: gjenkjennes blant ; , tab |).",
        "en": "CSV separator (default: detected among ; , tab |)."},
    "option.input_format": {
        "nb": "Overstyr formatet filendelsen tilsier: csv, parquet, xlsx, sav, dta.",
        "en": "Override the format the file extension implies: csv, parquet, xlsx, sav, dta."},
    "option.suppress": {
        "nb": "Vis antall under N som «<N», med sekundær prikking (standard 5 for markdown, "
              "ellers av; 0 slår den av).",
        "en": "Show counts below N as '<N' with secondary suppression (default 5 for markdown, "
              "off otherwise; 0 turns it off)."},
    "panel.database": {"nb": "Les fra en database i stedet for en fil",
                       "en": "Read from a database instead of a file"},
    "option.data_url": {
        "nb": "Les registeret fra denne databasen i stedet for fra en uttrekksfil: mysql://, "
              "postgresql:// eller mssql://bruker:${{PASSORDVARIABEL}}@vert:port/database (sett "
              "den i anførselstegn, så skallet overlater ${{…}} til dq). Sammen med --table "
              "eller --query.",
        "en": "Read the registry from this database instead of an export file: mysql://, "
              "postgresql:// or mssql://user:${{PASSWORD_VARIABLE}}@host:port/database (quote it "
              "so the shell leaves ${{…}} to dq). With --table or --query."},
    "option.table": {"nb": "Med --data-url: tabellen (eller skjema.tabell) som skal leses.",
                     "en": "With --data-url: the table (or schema.table) to read."},
    "option.query": {
        "nb": "Med --data-url: én SELECT der resultatet leses (setninger som skriver, avvises).",
        "en": "With --data-url: one SELECT whose result is read (statements that write are "
              "refused)."},
    "panel.study": {"nb": "Les studien fra en database i stedet for en fil",
                    "en": "Read the study from a database instead of a file"},
    "option.study_url": {
        "nb": "Les studien fra denne databasen i stedet for fra en fil: mysql://, postgresql:// "
              "eller mssql://bruker:${{PASSORDVARIABEL}}@vert:port/database (sett den i "
              "anførselstegn, så skallet overlater ${{…}} til dq). Sammen med --study-table "
              "eller --study-query.",
        "en": "Read the study from this database instead of a file: mysql://, postgresql:// or "
              "mssql://user:${{PASSWORD_VARIABLE}}@host:port/database (quote it so the shell "
              "leaves ${{…}} to dq). With --study-table or --study-query."},
    "option.study_table": {
        "nb": "Med --study-url: tabellen (eller skjema.tabell) som inneholder studien.",
        "en": "With --study-url: the table (or schema.table) holding the study."},
    "option.study_query": {
        "nb": "Med --study-url: én SELECT der resultatet er studien (setninger som skriver, "
              "avvises).",
        "en": "With --study-url: one SELECT whose result is the study (statements that write are "
              "refused)."},
    # dq report
    "command.report": {
        "nb": "Kontroller et register mot alle de seks nasjonale datakvalitetsdimensjonene i én "
              "kjøring: kompletthet (tilslutning, dekningsgrad, variabelkompletthet), korrekthet "
              "(verdier, datoer, duplikater, fødselsnummer, kodeformater, validering mot "
              "journal), reliabilitet (samsvarsstudie mellom registratorer), aktualitet (tid til "
              "registrering, ferskhet), sammenlignbarhet (traktplott, skift mellom år, koder, "
              "ID-er) og relevans (dokumentert bruk, spesifikasjonen mot uttrekket).\n\n"
              "Alt hentes fra spesifikasjonen (dq.toml): uttrekket, referansene, studiene og "
              "tersklene. En dimensjon uten data sier hva som skal til for å vurdere den. "
              "Avslutningskode 1 når en kontroll ikke er bestått (eller gir advarsel, med "
              "--strict).",
        "en": "Check a registry against all six national data-quality dimensions in one run: "
              "Kompletthet (tilslutning, dekningsgrad, variable completeness), Korrekthet "
              "(values, dates, duplicates, national ID numbers, code formats, validation against "
              "the record), Reliabilitet (inter-rater study), Aktualitet (registration delay, "
              "freshness), Sammenlignbarhet (funnel plots, shifts between years, codes, ids) and "
              "Relevans (documented uses, spec against export).\n\n"
              "Everything comes from the spec (dq.toml): the export, the references, the studies "
              "and the thresholds. A dimension without data says what would assess it. Exit code "
              "1 when a check fails (or warns, with --strict)."},
    "report.spec": {
        "nb": "Registerspesifikasjonen (dq.toml); eller --spec, som i de andre kommandoene.",
        "en": "The registry spec (dq.toml); or --spec, as in the other commands."},
    "report.spec_option": {
        "nb": "Registerspesifikasjonen (dq.toml), i stedet for argumentet.",
        "en": "The registry spec (dq.toml), instead of the argument."},
    "report.data": {
        "nb": "Kontroller dette uttrekket i stedet for [dataset] files (f.eks. denne månedens "
              "uttrekk med samme spesifikasjon); gjenta for flere filer.",
        "en": "Check this export instead of [dataset] files (e.g. this month's dump with the "
              "same spec); repeat for several files."},
    "report.output": {
        "nb": "Skriv rapporten til denne filen (helt, eller ikke i det hele tatt); - er "
              "standard ut. Aldri en inndatafil, en mappe eller en blokkenhet.",
        "en": "Write the report to this file (whole, or not at all); - is stdout. Never an "
              "input, a directory or a block device."},
    "report.junit": {
        "nb": "Skriv også JUnit-XML hit: ett testcase per kontroll × enhet. Skrives sammen med "
              "rapporten: begge eller ingen av dem.",
        "en": "Also write JUnit XML here: one testcase per check × unit. Written together with "
              "the report: both or neither."},
    "report.lang": {
        "nb": "Språket i terminal, Markdown og HTML (standard: [report] lang, ellers nb).",
        "en": "Language of terminal, Markdown and HTML (default: [report] lang, else nb)."},
    "report.strict": {"nb": "Advarsler regnes også som ikke bestått (avslutningskode 1).",
                      "en": "Warnings fail too (exit 1)."},
    "report.suppress": {
        "nb": "Skjul antall under N per enhet (standard: [report] suppress, 5, i Markdown og "
              "HTML; av i terminal og JSON hvis den ikke er gitt; 0 slår den av).",
        "en": "Hide unit counts below N (default: [report] suppress, 5, in Markdown and HTML; "
              "off in terminal and JSON unless given; 0 turns it off)."},
    "report.year": {
        "nb": "Rapportåret: kontrollene av registerets tilstand vurderes på det, ved siden av "
              "året før og utviklingen (standard: [report] year, ellers det siste året med en "
              "ferdigstilt registrering); all slår sammen alle år.",
        "en": "The report year: checks of the registry's state are graded on it, beside the "
              "year before and the trend (default: [report] year, else the latest year with a "
              "finished record); all pools every year."},
    "report.figures": {
        "nb": "Skriv også rapportens figurer til denne mappen (opprettes om den mangler) som "
              "SVG, og som PNG når CairoSVG er installert (pip install 'dq[png]'); "
              "Markdown-teksten lenker til dem. Hver fil skrives hel; en inndatafil overskrives "
              "aldri.",
        "en": "Also write the report's figures into this folder (created if missing) as SVG, "
              "and PNG when CairoSVG is installed (pip install 'dq[png]'); the Markdown links "
              "them. Each file is written whole; an input is never overwritten."},
    "report.top": {"nb": "Hovedfunn som vises i terminalen: 2 × N, de viktigste først.",
                   "en": "Main findings shown in the terminal: 2 × N, the most important first."},
    # dq completeness
    "command.completeness": {
        "nb": "Variabelkompletthet: for hver variabel andelen aktuelle registreringer med en "
              "gyldig verdi (ikke manglende, ikke en ukjent-kode, ikke ugyldig), med 95 % KI og "
              "status bestått/advarsel/ikke bestått.\n\n"
              "Uten spesifikasjon kontrolleres alle kolonner, og bare tomme verdier regnes som "
              "manglende.",
        "en": "Variable completeness: for every variable, the share of applicable records with "
              "a valid value (not missing, not an unknown code, not invalid), with a 95 % CI and "
              "pass/warn/fail status.\n\n"
              "Without a spec every column is checked and only empty values count as missing."},
    "completeness.data": {
        "nb": "Registeruttrekket (én eller flere filer): CSV, Parquet, XLSX, SAV eller DTA. "
              "Standard: [dataset] files i spesifikasjonen.",
        "en": "The registry export(s): CSV, Parquet, XLSX, SAV or DTA. Default: [dataset] files "
              "of the spec."},
    "completeness.spec": {
        "nb": "Registerspesifikasjonen (dq.toml): variabler, koder, betingelser, terskler.",
        "en": "Registry spec (dq.toml): variables, codes, conditions, thresholds."},
    "completeness.by": {
        "nb": "Grupper etter rollene unit, year, hf, rhf eller en hvilken som helst kolonne, "
              "kommaseparert (f.eks. unit,year). Med en enhetstabell summeres enhetene opp til "
              "HF, RHF og nasjonalt.",
        "en": "Group by roles unit, year, hf, rhf or any column, comma-separated (e.g. "
              "unit,year). Units roll up to HF, RHF and national with a unit table."},
    "completeness.fail_under": {
        "nb": "Gi ikke bestått for hver obligatoriske variabel med kompletthet under denne "
              "andelen (overstyrer spesifikasjonens fail_below).",
        "en": "Fail every mandatory variable whose completeness is below this fraction "
              "(overrides the spec's fail_below)."},
    "completeness.min_n": {
        "nb": "Vurder bare rader med minst så mange aktuelle registreringer (standard: "
              "spesifikasjonens min_n, ellers 5); mindre rader vises som orientering.",
        "en": "Grade only rows with at least this many applicable records (default: the spec's "
              "min_n, else 5); smaller rows are shown as info."},
    "completeness.top": {"nb": "Rader som vises i terminaltabellen, de svakeste først.",
                         "en": "Rows shown in the terminal table, worst first."},
    # dq coverage
    "command.coverage": {
        "nb": "Dekningsgrad for registeret mot en referanse, for eksempel NPR.\n\n"
              "aggregate-modus: referansen har antall per enhet og år; dekningsgrad = hendelser "
              "i registeret / antall i referansen, per enhet og år, summert opp til HF, RHF og "
              "nasjonalt, med tilslutning (rapporterende enheter / enheter i referansen).\n\n"
              "linkage-modus: referansen har én rad per hendelse; hendelsene kobles på "
              "person-ID innenfor ±--window dager (0 = samme dag; --same-unit krever samme "
              "enhet). Hver hendelse kobles høyst én gang: parene tas med nærmeste dato først, "
              "ved likhet den tidligste hendelsen. Viser kun i registeret, kun i referansen og i "
              "begge per enhet, dekningsgrad for hver kilde og Chapmans "
              "fangst–gjenfangst-estimat (tre eller flere kilder: en log-lineær modell).\n\n"
              "Uten spesifikasjon heter kolonnene person_id, unit, event_date, n og year i begge "
              "filene, eller det --person, --unit, --date, --count og --year angir. Ingen "
              "person-ID skrives noen gang ut.",
        "en": "Coverage (dekningsgrad) of the registry against a reference such as NPR.\n\n"
              "aggregate mode: the reference holds counts per unit and year; coverage = registry "
              "events / reference count, per unit and year, rolled up to HF, RHF and national, "
              "with tilslutning (reporting units / units in the reference).\n\n"
              "linkage mode: the reference holds one row per event; events are linked on person "
              "id within ±--window days (0 = same day; --same-unit to require the same unit). "
              "Each event is matched at most once: pairs are taken nearest date first, ties by "
              "the earlier event. Reports only-registry, only-reference and both per unit, DG "
              "for each source, and Chapman's capture-recapture estimate (three or more sources: "
              "a log-linear model).\n\n"
              "Without a spec, the columns are person_id, unit, event_date, n and year in both "
              "files, or as --person, --unit, --date, --count and --year name them. No person id "
              "is ever printed."},
    "coverage.registry": {"nb": "Registeruttrekket. Standard: [dataset] files i spesifikasjonen.",
                          "en": "The registry export. Default: [dataset] files of the spec."},
    "coverage.reference": {
        "nb": "Referansefil (antall fra NPR eller et uttrekk); gjenta for flere kilder. "
              "Standard: [coverage] references i spesifikasjonen.",
        "en": "Reference file (NPR counts or extract); repeat for more sources. Default: "
              "[coverage] references of the spec."},
    "coverage.mode": {
        "nb": "aggregate (antall i referansen) eller linkage (referanse på personnivå).",
        "en": "aggregate (reference counts) or linkage (person-level reference)."},
    "coverage.by": {
        "nb": "unit, hf, rhf og/eller year, kommaseparert; enhetene summeres opp til HF, RHF og "
              "nasjonalt.",
        "en": "unit, hf, rhf and/or year, comma-separated; units roll up to HF, RHF and "
              "national."},
    "coverage.window": {"nb": "Koblingsvindu i dager (± rundt hendelsesdatoen; standard 30).",
                        "en": "Linkage window in days (± around the event date; default 30)."},
    "coverage.same_unit": {"nb": "Kobling: krev samme enhet.",
                           "en": "Linkage: require the same unit."},
    "coverage.target": {"nb": "Målet for dekningsgraden (standard 0.80, det nasjonale målet).",
                        "en": "Coverage target (default 0.80, the national goal)."},
    "coverage.fail_on": {
        "nb": "Avslutningskode 1 når det nasjonale tallet, en enhet eller ett av dem ikke når "
              "målet (standard national).",
        "en": "Exit 1 when the national figure, any unit, or either misses the target (default "
              "national)."},
    "coverage.registry_count": {"nb": "Tell hendelser eller unike personer i registeret.",
                                "en": "Count registry events or distinct persons."},
    "coverage.person": {"nb": "Kolonnen med person-ID.", "en": "Person id column."},
    "coverage.unit": {"nb": "Enhetskolonnen.", "en": "Unit column."},
    "coverage.date": {"nb": "Kolonnen med hendelsesdato.", "en": "Event date column."},
    "coverage.count": {"nb": "Kolonnen med antall i referansen.",
                       "en": "Reference count column."},
    "coverage.year": {"nb": "Kolonnen med år i referansen.", "en": "Reference year column."},
    "coverage.min_n": {"nb": "Vurder bare rader der nevneren er minst dette (standard 5).",
                       "en": "Grade only rows whose denominator is at least this (default 5)."},
    "coverage.top": {"nb": "Rader i terminaltabellen, de svakeste først.",
                     "en": "Rows in the terminal table, worst first."},
    # dq reliability
    "command.reliability": {
        "nb": "Reliabilitet mellom registratorer i en studie der to eller flere registratorer "
              "har registrert de samme kasusene: observert enighet, Cohens og vektet κ, Fleiss' "
              "κ, Gwets AC1/AC2, PABAK / Brennan-Prediger, Krippendorffs α, ICC (alle de seks "
              "formene til Shrout & Fleiss) og Bland-Altman, hver med standardfeil og 95 % KI, "
              "valgt etter hver variabels målenivå.\n\n"
              "Inndataformer: lang (--case-column og --rater-column, deretter én kolonne per "
              "variabel), bred (--raters KOL,KOL: én rad per kasus, én kolonne per registrator) "
              "eller en kvadratisk krysstabell (--table). Målenivået hentes fra spesifikasjonen "
              "(type, eller level = \"ordinal\") eller fra --level.",
        "en": "Inter-rater reliability of a study where two or more registrars registered the "
              "same cases: percent agreement, Cohen's and weighted κ, Fleiss' κ, Gwet's AC1/AC2, "
              "PABAK / Brennan-Prediger, Krippendorff's α, ICC (all six Shrout & Fleiss forms) "
              "and Bland-Altman, each with SE and 95 % CI, chosen by each variable's level of "
              "measurement.\n\n"
              "Input shapes: long (--case-column and --rater-column, then one column per "
              "variable), wide (--raters COL,COL: one row per case, one column per rater) or a "
              "square contingency table (--table). Levels come from the spec (type, or level = "
              "\"ordinal\") or --level."},
    "reliability.study": {"nb": "Studiefilen. Standard: [reliability] study i spesifikasjonen.",
                          "en": "The study file. Default: [reliability] study of the spec."},
    "reliability.case_column": {"nb": "Lang form: kasuskolonnen.",
                                "en": "Long form: the case column."},
    "reliability.rater_column": {"nb": "Lang form: registratorkolonnen.",
                                 "en": "Long form: the rater column."},
    "reliability.raters": {"nb": "Bred form: registratorkolonnene, kommaseparert.",
                           "en": "Wide form: rater columns, comma-separated."},
    "reliability.table": {
        "nb": "Filen er en kvadratisk krysstabell (registrator 1 i radene × registrator 2 i "
              "kolonnene).",
        "en": "The file is a square contingency table (rater 1 rows × rater 2 columns)."},
    "reliability.variables": {"nb": "Variabler som skal analyseres (standard: alle andre "
                                    "kolonner).",
                              "en": "Variables to analyse (default: every other column)."},
    "reliability.level": {
        "nb": "Målenivå for alle variabler (standard: fra spesifikasjonen, ellers nominal).",
        "en": "Level of measurement for every variable (default: from the spec, else "
              "nominal)."},
    "reliability.categories": {
        "nb": "Kategorikodene registratorene kunne bruke, kommaseparert: de bestemmer antall "
              "kategorier q (standard: spesifikasjonens koder, ellers kodene som forekommer).",
        "en": "The category codes raters could use, comma-separated: they define the number of "
              "categories q (default: the spec's codes, else the codes seen)."},
    "reliability.bootstrap": {
        "nb": "Persentil-bootstrap med N nye trekninger av kasus i stedet for asymptotiske "
              "standardfeil.",
        "en": "Percentile bootstrap with N resamples of cases instead of asymptotic SEs."},
    "reliability.seed": {
        "nb": "Frø for bootstrap (standard 0: like kjøringer gir likt resultat).",
        "en": "Seed for the bootstrap (default 0: identical runs give identical output)."},
    "reliability.level_of_confidence": {"nb": "Konfidensnivå for alle intervallene.",
                                        "en": "Confidence level of every interval."},
    "reliability.interval": {
        "nb": "Wald-intervaller fra Students t med n − 1 frihetsgrader (som irrCAC) eller fra "
              "normalfordelingen (z).",
        "en": "Wald intervals from Student's t with n - 1 df (as irrCAC) or the normal (z)."},
    "reliability.population_size": {
        "nb": "Antall kasus studien er trukket fra (registerets størrelse): variansene får "
              "endelighetsfaktoren 1 − n/N (N i irrCAC).",
        "en": "Number of cases the study was sampled from (the registry's size): the variances "
              "get the finite-population factor 1 - n/N (irrCAC's N)."},
    "reliability.weights": {
        "nb": "Ordinalnivå: irrCACs vekter på kodeverdiene for AC2 og de vektede radene for "
              "Fleiss, Conger, Brennan-Prediger, observert enighet og Cohen.",
        "en": "Ordinal level: irrCAC's weights on the code values for AC2 and the weighted "
              "Fleiss, Conger, Brennan-Prediger, percent agreement and Cohen rows."},
    "reliability.icc_null": {
        "nb": "Nullverdien rho0 i F-testene for ICC (McGraw & Wong 1996).",
        "en": "The null value rho0 of the ICC F tests (McGraw & Wong 1996)."},
    # dq correctness
    "command.correctness": {
        "nb": "Korrekthet i registeret mot en gullstandard (journalen): andelen registreringer "
              "som stemmer per variabel (og enhet), med Wilson-KI; gjennomsnittlig og største "
              "avvik for tall og datoer (innenfor spesifikasjonens toleranse regnes som riktig); "
              "sensitivitet, spesifisitet, PPV og NPV for binære variabler; problemvariabler "
              "under terskelen; korrekte pasienter når studien sier hvilke registrerte pasienter "
              "som virkelig hører hjemme i registeret.\n\n"
              "Inndata: Rapportekets valideringsdatasett (vld_varnamn, vld_vartype, "
              "vld_verdi_intern_<type>, vld_verdi_ekstern_<type>, pluss pasient- og "
              "enhetskolonner) eller en bred fil med --pairs REGKOL:JOURNALKOL,...",
        "en": "Correctness of the registry against a gold standard (the medical record): share "
              "of registrations that agree per variable (and unit), with Wilson CI; mean and "
              "largest deviation for numbers and dates (within the spec's tolerance counts as "
              "correct); sensitivity, specificity, PPV and NPV for binary variables; problem "
              "variables below the threshold; correct patients when the study says which "
              "registered patients truly belong.\n\n"
              "Input: Rapporteket's valideringsdatasett (vld_varnamn, vld_vartype, "
              "vld_verdi_intern_<type>, vld_verdi_ekstern_<type>, plus patient and unit columns) "
              "or a wide file with --pairs REGCOL:RECORDCOL,..."},
    "correctness.validation": {
        "nb": "Valideringsstudien. Standard: [correctness] study i spesifikasjonen.",
        "en": "The validation study. Default: [correctness] study of the spec."},
    "correctness.spec": {"nb": "Registerspesifikasjonen (dq.toml): toleranser, typer.",
                         "en": "Registry spec (dq.toml): tolerances, types."},
    "correctness.by": {"nb": "«unit» for å bryte ned etter enhetskolonnen.",
                       "en": "'unit' to break down by the unit column."},
    "correctness.unit": {"nb": "Enhetskolonnen i studien.", "en": "Unit column of the study."},
    "correctness.patient": {"nb": "Pasientkolonnen i studien.",
                            "en": "Patient column of the study."},
    "correctness.belongs": {
        "nb": "Kolonnen som sier om hver registrerte pasient virkelig hører hjemme i registeret "
              "(ja/nei, 1/0).",
        "en": "Column saying whether each registered patient truly belongs (ja/nei, 1/0)."},
    "correctness.pairs": {"nb": "Bred fil: par av REGKOL:JOURNALKOL, kommaseparert.",
                          "en": "Wide file: REGCOL:RECORDCOL pairs, comma-separated."},
    "correctness.fail_under": {
        "nb": "Gi ikke bestått for variabler der andelen riktige er under dette.",
        "en": "Fail variables whose share correct is below this."},
    "correctness.weights": {
        "nb": "Kolonnen med hver registrerings utvalgsvekt (slik dq sample skriver den): "
              "vektede andeler med KI ved Kish' effektive utvalgsstørrelse.",
        "en": "Column with each record's sampling weight (as dq sample writes it): weighted "
              "shares with CIs at Kish's effective sample size."},
    # dq compare and dq regrade
    "command.compare": {
        "nb": "Sammenlign to resultater fra dq report – et datakvalitetsprosjekts utgangspunkt "
              "og oppfølging, eller forrige og denne månedens uttrekk: kontroller som ikke lenger "
              "består, som er løst, som fortsatt ikke består, eller som er kommet til eller falt "
              "bort, og endringen i hvert tall med 95 % KI og en test (Newcombes intervall for "
              "andeler; intervaller fra standardfeilene for κ, α, AC1), og enheter som er blitt "
              "signifikant bedre eller dårligere (Holm-justert over enhetene). Avslutningskode "
              "1 med --fail-on-regression når en kontroll ikke lenger består eller er blitt "
              "signifikant dårligere.",
        "en": "Compare two dq report results — a data-quality project's baseline and follow-up, "
              "or last month's and this month's export: checks newly failing, resolved, "
              "persisting, added or removed, and every figure's change with a 95 % CI and a test "
              "(Newcombe's interval for proportions; intervals from the SEs for κ, α, AC1), units "
              "that improved or worsened significantly (Holm-adjusted across units). Exit code 1 "
              "with --fail-on-regression when a check newly fails or got significantly worse."},
    "compare.before": {"nb": "Utgangsresultatet (dq report --format json).",
                       "en": "The baseline result (dq report --format json)."},
    "compare.after": {"nb": "Oppfølgingsresultatet.", "en": "The follow-up result."},
    "compare.output": {"nb": "Skriv til denne filen.", "en": "Write to this file."},
    "compare.lang": {
        "nb": "Språket i terminal, Markdown og HTML (JSON er lik på alle språk).",
        "en": "Language of terminal, Markdown and HTML (JSON is the same in every language)."},
    "compare.fail_on_regression": {
        "nb": "Avslutningskode 1 når en kontroll ikke lenger består eller er blitt signifikant "
              "dårligere.",
        "en": "Exit 1 when a check newly fails or got significantly worse."},
    "compare.suppress": {
        "nb": "Skjul enhetsrader med antall under N i alle formater (standard: 5, eller den "
              "strengere regelen et resultat ble skrevet med; 0: bare radene resultatene selv "
              "skjulte, og de forblir alltid skjult).",
        "en": "Hide unit rows with a count below N in every format (default: 5, or the stricter "
              "rule a result was written with; 0: only the rows the results hid themselves, "
              "which stay hidden always)."},
    "compare.top": {"nb": "Rader i terminaltabellen.", "en": "Rows in the terminal table."},
    "command.regrade": {
        "nb": "Bruk tersklene i en spesifikasjon på et lagret resultat fra dq report uten å lese "
              "dataene på nytt: statuser, vurderinger og avslutningskoden beregnes på nytt.",
        "en": "Apply the thresholds of a spec to a stored dq report result without reading the "
              "data again: statuses, verdicts and the exit code are recomputed."},
    "regrade.result": {"nb": "Et lagret resultat fra dq report (JSON).",
                       "en": "A stored dq report result (JSON)."},
    "regrade.spec": {"nb": "Spesifikasjonen med de nye tersklene.",
                     "en": "The spec with the new thresholds."},
    "regrade.output": {"nb": "Skriv det nyvurderte resultatet hit (ellers til standard ut).",
                       "en": "Write the regraded result here (default: stdout)."},
    "regrade.strict": {"nb": "Advarsler regnes også som ikke bestått.",
                       "en": "Warnings fail too."},
    # dq sample
    "command.sample": {
        "nb": "Trekk et reproduserbart tilfeldig utvalg av registreringer til en korrekthets- "
              "eller reliabilitetsstudie, stratifisert etter enhet (proporsjonalt med --by, likt "
              "med --per, eller Neyman), eventuelt med overutvalg av registreringer med "
              "manglende verdi. Listen med registreringsnøkler (med enhet, stratum og "
              "utvalgsvekt) skrives bare til filen -o angir, aldri til terminalen; terminalen "
              "viser allokeringen. Et manifest (frø, allokering, uttrekkets sha256) skrives ved "
              "siden av. Samme frø og uttrekk gir samme utvalg på alle maskiner.",
        "en": "Draw a reproducible random sample of records for a correctness or inter-rater "
              "study, stratified by unit (proportional with --by, equal with --per, or Neyman), "
              "optionally oversampling records with a missing value. The list of record keys "
              "(with unit, stratum and sampling weight) goes only to the file named by -o, never "
              "to the terminal; the terminal shows the allocation. A manifest (seed, allocation, "
              "the export's sha256) is written beside it. The same seed and export give the same "
              "sample on every machine."},
    "sample.data": {
        "nb": "Registeruttrekket (én eller flere filer). Standard: [dataset] files i "
              "spesifikasjonen.",
        "en": "The registry export(s). Default: [dataset] files of the spec."},
    "sample.n": {"nb": "Antall registreringer som skal trekkes (i alt; per stratum med --per).",
                 "en": "Records to draw (in all; per stratum with --per)."},
    "sample.by": {
        "nb": "Stratifiser etter disse kolonnene eller rollene (unit), med --n fordelt "
              "proporsjonalt.",
        "en": "Stratify by these columns or roles (unit), allocating --n proportionally."},
    "sample.per": {
        "nb": "Stratifiser etter disse kolonnene eller rollene (unit), og trekk --n i hvert "
              "stratum.",
        "en": "Stratify by these columns or roles (unit), drawing --n in each stratum."},
    "sample.allocation": {
        "nb": "proportional (standard med --by), neyman (med --neyman VARIABEL).",
        "en": "proportional (default with --by), neyman (with --neyman VARIABLE)."},
    "sample.neyman": {
        "nb": "Neyman-allokering etter denne variabelens andel manglende per stratum.",
        "en": "Neyman allocation on this variable's share missing per stratum."},
    "sample.seed": {"nb": "Frø for trekningen; skrives i manifestet.",
                    "en": "Seed of the draw; recorded in the manifest."},
    "sample.year": {
        "nb": "Bare registreringer der [dataset] event_date faller i dette året.",
        "en": "Only records whose [dataset] event_date falls in this year."},
    "sample.where": {
        "nb": "Bare registreringer som oppfyller denne betingelsen, f.eks. «SkjemaStatus = 2».",
        "en": "Only records meeting this condition, e.g. \"SkjemaStatus = 2\"."},
    "sample.key": {
        "nb": "Kolonnen eller kolonnene som identifiserer en registrering for sykehusene "
              "(standard: [verification] duplicate_keys, ellers [dataset] person_id).",
        "en": "Column(s) that identify a record for the hospitals (default: [verification] "
              "duplicate_keys, else [dataset] person_id)."},
    "sample.columns": {"nb": "Flere kolonner som skal skrives til listen (kommaseparert).",
                       "en": "More columns to write to the list (comma-separated)."},
    "sample.oversample_missing": {
        "nb": "Overutvalg av registreringer med manglende eller ukjent verdi i disse "
              "variablene.",
        "en": "Oversample records with a missing or unknown value of these variables."},
    "sample.oversample_factor": {
        "nb": "Utvalgsandelen for disse registreringene i forhold til resten.",
        "en": "Sampling fraction of those records relative to the rest."},
    "sample.output": {
        "nb": "Listen over de trukne registreringene (CSV, skilt med ;, UTF-8). Påkrevd: listen "
              "skrives aldri til terminalen.",
        "en": "The list of sampled records (CSV; ; separated, UTF-8). Required: the list never "
              "goes to the terminal."},
    "sample.manifest": {
        "nb": "Hvor manifestet skrives (standard: listens navn + .manifest.json).",
        "en": "Where the manifest goes (default: the list's name + .manifest.json)."},
    "sample.format": {"nb": "Utdata i terminalen: allokeringstabellen eller JSON-en for den.",
                      "en": "Terminal output: the allocation table or its JSON."},
    "sample.lang": {
        "nb": "Språket i allokeringstabellen og advarslene (standard: spesifikasjonens "
              "[report] lang, ellers nb).",
        "en": "Language of the allocation table and the warnings (default: the spec's [report] "
              "lang, else nb)."},
    "sample.suppress": {"nb": "Strata med færre registreringer enn dette vises som <N.",
                        "en": "Strata with fewer records than this are shown as <N."},
    "sample.encoding": {"nb": "Tegnkoding for CSV.", "en": "CSV encoding."},
    "sample.separator": {"nb": "Skilletegn for CSV.", "en": "CSV separator."},
    # dq init and dq spec check
    "command.init": {
        "nb": "Lag et utkast til registerspesifikasjon (dq.toml) fra et uttrekk, så dq report "
              "kan kjøres med en gang.\n\n"
              "Leser uttrekket (en fil, eller en databasetabell eller -spørring med --data-url og "
              "--table eller --query) én gang og skriver [dataset] med gjenkjent format, "
              "tegnkoding, skilletegn (for en database: url-en, med ${{VARIABEL}}-plassholdere og "
              "aldri et passord, og tabellen eller spørringen) og datoformat og rollene som kan "
              "utledes (person-ID, enhet, hendelsesdato, skjemastatus og verdien som betyr "
              "ferdigstilt, registreringstidspunkt, fødselsnummer etter kontrollsifferregelen), "
              "en [variables.NAVN]-tabell for hver kolonne (type, koder, sannsynlige "
              "ukjent-koder, obligatorisk), og [units] og [coverage] når en enhetstabell og "
              "referanser er gitt. Hver avgjørelse har begrunnelsen sin som kommentar; «TODO:» "
              "markerer det som må bekreftes. Ingen verdi fra uttrekket skrives, bortsett fra "
              "koder som minst 5 registreringer har. En eksisterende fil erstattes aldri uten "
              "--force.\n\n"
              "Uttrekket leses i én strømmende gjennomgang, planlagt ut fra de første 10\u202f000 "
              "radene (en gjennomgang til, bare av disse kolonnene, kun når en kolonne med få "
              "verdier har verdier de første radene ikke viste). Antall ulike verdier i "
              "identifikator- og fritekstkolonner i et lengre uttrekk er anslag, skrevet «om lag "
              "N». Kodene hentes fra kodeboken når den er gitt, og gjentas da ikke i dq.toml (se "
              "dq spec check).",
        "en": "Draft a registry spec (dq.toml) from an export, so dq report runs at once.\n\n"
              "Reads the export (a file, or a database table or query with --data-url and "
              "--table or --query) once and writes [dataset] with the detected format, encoding, "
              "separator (for a database: the url, with ${{VARIABLE}} placeholders and never a "
              "password, and the table or query) and date format and the roles it can infer "
              "(person id, unit, event date, form status and the value that means finished, "
              "registration timestamp, national ID by the check-digit rule), a [variables.NAME] "
              "table for every column (type, codes, likely unknown codes, mandatory), and [units] "
              "and [coverage] when a unit table and references are given. Every decision carries "
              "its evidence as a comment; \"TODO:\" marks what to confirm. No value of the "
              "export is written except codes held by at least 5 records. An existing file is "
              "never replaced without --force.\n\n"
              "The export is read in one streaming pass, planned from its first 10,000 rows (a "
              "second, over just those columns, only when a column with few values holds values "
              "its first rows did not show). Distinct counts of identifier and free-text columns "
              "of a longer export are estimates, written \"about N\". Codes come from the "
              "codebook when one is given, and are then not repeated in dq.toml (see dq spec "
              "check)."},
    "init.export": {
        "nb": "Registeruttrekket: CSV, Parquet, XLSX, SAV eller DTA (eller --data-url).",
        "en": "The registry export: CSV, Parquet, XLSX, SAV or DTA (or --data-url)."},
    "init.codebook": {
        "nb": "Kodebok med rapwhales kolonner (variabel_id, variabeltype, verdi, verditekst, "
              "obligatorisk, …): typer, koder og etiketter hentes derfra.",
        "en": "Codebook in rapwhale's columns (variabel_id, variabeltype, verdi, verditekst, "
              "obligatorisk, …): types, codes and labels come from it."},
    "init.reference": {
        "nb": "En referanse for dekningsgrad (antall fra NPR per enhet og år, eller et uttrekk "
              "på personnivå); gjenta for flere.",
        "en": "A coverage reference (NPR counts per unit and year, or a person-level extract); "
              "repeat for several."},
    "init.units": {"nb": "Enhetstabellen (enhets-ID, navn, HF, RHF).",
                   "en": "The unit table (unit id, name, HF, RHF)."},
    "init.output": {"nb": "Hvor spesifikasjonen skrives; - er standard ut.",
                    "en": "Where to write the spec; - is stdout."},
    "init.force": {"nb": "Erstatt en eksisterende spesifikasjon.",
                   "en": "Replace an existing spec."},
    "init.lang": {
        "nb": "Språket i kommentarene, og [report] lang i utkastet: språket alle kommandoer "
              "da bruker som standard.",
        "en": "Language of the comments, and the drafted spec's [report] lang: the language "
              "every command then speaks by default."},
    "command.spec": {"nb": "Arbeid med registerspesifikasjonen (dq.toml).",
                     "en": "Work with the registry spec (dq.toml)."},
    "command.spec.check": {
        "nb": "Valider en spesifikasjon uten å kjøre kontrollene: alle problemer på én gang "
              "(ukjente nøkler, ugyldige verdier, betingelser som ikke kan tolkes, filer som ikke "
              "finnes) og, med --data, mot uttrekket (manglende kolonner, typer verdiene ikke "
              "har, koder ingen registrering har, betingelser som aldri er sanne eller aldri "
              "blir kontrollert). Avslutningskode 0 med en oppsummeringslinje når alt er i "
              "orden, 2 når det er problemer.\n\n"
              "Koder ingen registrering har: en kodeliste skrevet i dq.toml (for hånd, eller av "
              "dq init fra uttrekket) beskriver uttrekket, så en kode i den som ingen "
              "registrering har, er et problem (avslutningskode 2; meldingen nevner variabelen, "
              "hvor mange koder og hvilke deklarerte koder). En kodebok ([dataset] codebook) "
              "lister alle registerets koder på tvers av år og enheter, så koder fra den som et "
              "uttrekk mangler, er bare en advarsel (et problem med --strict). dq init skriver "
              "ingen kodeliste for en variabel kodeboken definerer, så spesifikasjonen den lager, "
              "går gjennom kontrollen.",
        "en": "Validate a spec without running checks: every problem at once (unknown keys, bad "
              "values, conditions that do not parse, files not found) and, with --data, against "
              "the export (missing columns, types the values do not have, codes no record holds, "
              "conditions that are never true or never checked). Exit 0 with a one-line summary "
              "when clean, 2 when there are problems.\n\n"
              "Codes no record holds: a code list written in dq.toml (by hand, or by dq init from "
              "the export) describes the export, so a code in it that no record holds is a "
              "problem (exit 2; the message names the variable, how many codes, and those "
              "declared codes). A codebook ([dataset] codebook) lists every code of the registry "
              "across years and units, so its codes one export lacks are only a warning (a "
              "problem with --strict). dq init writes no code list for a variable the codebook "
              "defines, so the spec it drafts passes."},
    "spec.check.spec": {"nb": "Registerspesifikasjonen (dq.toml).",
                        "en": "The registry spec (dq.toml)."},
    "spec.check.data": {
        "nb": "Kontroller spesifikasjonen mot dette uttrekket også; gjenta for flere filer.",
        "en": "Check the spec against this export too; repeat for several files."},
    "spec.check.strict": {
        "nb": "Advarsler (koder i kodeboken som ingen registrering har) regnes også som "
              "problemer.",
        "en": "Warnings (codes of the codebook no record holds) count as problems too."},
    "spec.check.lang": {"nb": "Språket i oppsummeringslinjen.",
                        "en": "Language of the summary line."},
    # dq plan
    "command.plan": {
        "nb": "Planlegg en datakvalitetsstudie: hvor mange kasus en reliabilitetsstudie må "
              "dobbeltregistrere, eller en korrekthetsstudie må registrere på nytt fra journalen, "
              "for å anslå κ, ICC, sensitivitet, spesifisitet eller en andel med nyttig presisjon "
              "(--width: hele bredden av 95 % KI), eller for å påvise en forskjell med ønsket "
              "styrke; med --n i stedet: hva en studie av den størrelsen oppnår. Hver metode har "
              "kildehenvisning; ingen data leses.",
        "en": "Plan a data-quality study: the number of cases an inter-rater study must "
              "double-register, or a correctness study must re-abstract, to estimate κ, ICC, "
              "sensitivity, specificity or a proportion with a useful precision (--width: the "
              "full width of the 95 % CI), or to show a difference with the power asked for; "
              "with --n instead, what a study of that size achieves. Each method is cited; no "
              "data is read."},
    "command.plan.kappa": {
        "nb": "κ for nominale vurderinger fra 2 eller flere registratorer: etter KI-bredde "
              "(Donner & Rotondi 2010; Rotondi & Donner 2012) eller, med --kappa0, etter styrke "
              "(Donner & Eliasziw 1992) – metodene i R-pakken kappaSize.",
        "en": "κ for nominal ratings by 2 or more raters: by CI width (Donner & Rotondi 2010; "
              "Rotondi & Donner 2012) or, with --kappa0, by power (Donner & Eliasziw 1992) — the "
              "methods of R kappaSize."},
    "command.plan.icc": {
        "nb": "ICC for kontinuerlige mål: etter KI-bredde (Bonett 2002) eller, med --icc0, "
              "etter styrke (Walter, Eliasziw & Donner 1998).",
        "en": "ICC for continuous measures: by CI width (Bonett 2002) or, with --icc0, by power "
              "(Walter, Eliasziw & Donner 1998)."},
    "command.plan.sensitivity": {
        "nb": "Sensitivitet for en registervariabel mot journalen (Buderer 1996): pasienter med "
              "tilstanden, og pasienter i alt ved den gitte forekomsten.",
        "en": "Sensitivity of a registry variable against the medical record (Buderer 1996): "
              "patients with the condition, and patients in all at the prevalence."},
    "command.plan.specificity": {
        "nb": "Spesifisitet (Buderer 1996): pasienter uten tilstanden, og pasienter i alt ved "
              "den gitte forekomsten.",
        "en": "Specificity (Buderer 1996): patients without the condition, and patients in all "
              "at the prevalence."},
    "command.plan.proportion": {
        "nb": "Én andel (kompletthet, andel riktige verdier) til en gitt KI-bredde: Wald, "
              "Wilson eller eksakt (Clopper–Pearson).",
        "en": "A single proportion (completeness, share of correct values) to a CI width: Wald, "
              "Wilson or exact (Clopper–Pearson)."},
    "command.plan.difference": {
        "nb": "To andeler, før og etter et prosjekt (Fleiss, Tytun & Ury 1980, med "
              "kontinuitetskorreksjon): registreringer per gruppe.",
        "en": "Two proportions, before and after a project (Fleiss, Tytun & Ury 1980, "
              "continuity-corrected): records per group."},
    "plan.width": {"nb": "Hele bredden av konfidensintervallet (0.2 betyr ±0.1).",
                   "en": "Full width of the confidence interval (0.2 means ±0.1)."},
    "plan.n": {"nb": "Et fast antall kasus: vis hva en studie av denne størrelsen oppnår.",
               "en": "A fixed number of cases: show what a study of this size achieves."},
    "plan.level": {"nb": "Intervallets konfidensnivå.",
                   "en": "Confidence level of the interval."},
    "plan.alpha": {"nb": "Testens signifikansnivå.", "en": "Significance level of the test."},
    "plan.power": {"nb": "Testens styrke (standard 0.8).",
                   "en": "Power of the test (default 0.8)."},
    "plan.one_sided": {"nb": "En ensidig test (standard: tosidig).",
                       "en": "A one-sided test (default: two-sided)."},
    "plan.raters": {
        "nb": "Registratorer som vurderer hvert kasus (standard: pilotstudiens med "
              "--from-study, ellers 2).",
        "en": "Raters who rate every case (default: the pilot's with --from-study, else 2)."},
    "plan.from_study": {
        "nb": "En pilotstudie av samsvar mellom registratorer (inndataene dq reliability "
              "leser): hent forventet verdi, kategoriandelene og registratorene derfra.",
        "en": "A pilot inter-rater study (the inputs dq reliability reads): take the expected "
              "value, the category shares and the raters from it."},
    "plan.spec": {
        "nb": "Registerspesifikasjonen (dq.toml): pilotstudiens kasus- og registratorkolonner "
              "([reliability]) og variablenes koder.",
        "en": "Registry spec (dq.toml): the pilot's [reliability] case and rater columns and the "
              "variables' codes."},
    "plan.case_column": {"nb": "Pilotstudie, lang form: kasuskolonnen.",
                         "en": "Pilot, long form: the case column."},
    "plan.rater_column": {"nb": "Pilotstudie, lang form: registratorkolonnen.",
                          "en": "Pilot, long form: the rater column."},
    "plan.rater_columns": {"nb": "Pilotstudie, bred form: registratorkolonnene, kommaseparert.",
                           "en": "Pilot, wide form: the rater columns, comma-separated."},
    "plan.variable": {
        "nb": "Pilotstudie: variabelen det planlegges for (trengs når pilotstudien har flere).",
        "en": "Pilot: the variable to plan for (needed when the pilot has several)."},
    "plan.lang": {"nb": "Språket i tabellen og avsnittet.",
                  "en": "Language of the table and the paragraph."},
    "plan.prevalence": {"nb": "Forekomsten av tilstanden blant pasientene som skal trekkes.",
                        "en": "Prevalence of the condition among the patients to be sampled."},
    "plan.method": {
        "nb": "Intervallmetode (Wald som i Buderer 1996; Wilson eller eksakt ved søk).",
        "en": "Interval method (Wald as in Buderer 1996; Wilson or exact by search)."},
    "plan.patients": {"nb": "Et fast antall pasienter i alt: vis intervallet det gir.",
                      "en": "A fixed number of patients in all: show the interval it gives."},
    "plan.kappa.kappa": {
        "nb": "Forventet κ (standard med --from-study: pilotstudiens Fleiss' κ).",
        "en": "The expected κ (default with --from-study: the pilot's Fleiss' κ)."},
    "plan.kappa.kappa0": {
        "nb": "κ under nullhypotesen: planlegg etter styrke i stedet for bredde.",
        "en": "κ under the null hypothesis: plan by power instead of width."},
    "plan.kappa.prevalence": {
        "nb": "Andelen kasus med egenskapen (binær), eller én andel per kategori (0.2,0.3,0.5).",
        "en": "Share of cases with the trait (binary), or one share per category "
              "(0.2,0.3,0.5)."},
    "plan.kappa.categories": {
        "nb": "Antall kategorier (like andeler med mindre --prevalence angir dem).",
        "en": "Number of categories (equal shares unless --prevalence gives them)."},
    "plan.icc.icc": {"nb": "Forventet ICC (standard med --from-study: pilotstudiens ICC(2,1)).",
                     "en": "The expected ICC (default with --from-study: the pilot's ICC(2,1))."},
    "plan.icc.icc0": {"nb": "ICC under nullhypotesen: planlegg etter styrke i stedet for bredde.",
                      "en": "ICC under the null hypothesis: plan by power instead of width."},
    "plan.sensitivity.sensitivity": {"nb": "Forventet sensitivitet.",
                                     "en": "Expected sensitivity."},
    "plan.specificity.specificity": {"nb": "Forventet spesifisitet.",
                                     "en": "Expected specificity."},
    "plan.proportion.proportion": {"nb": "Forventet andel.", "en": "Expected proportion."},
    "plan.proportion.method": {"nb": "Intervallmetode.", "en": "Interval method."},
    "plan.difference.p1": {"nb": "Andel før (eller i gruppe 1).",
                           "en": "Proportion before (or in group 1)."},
    "plan.difference.p2": {"nb": "Andel etter (eller i gruppe 2).",
                           "en": "Proportion after (or in group 2)."},
    "plan.difference.n": {
        "nb": "Et fast antall registreringer per gruppe: vis styrken det gir.",
        "en": "A fixed number of records per group: show the power it gives."},
    "plan.difference.continuity": {"nb": "Kontinuitetskorreksjon (Fleiss mfl. 1980).",
                                   "en": "Continuity correction (Fleiss et al. 1980)."},
}


def help_text(key: str, lang: str, /, **params: Any) -> str:
    """A text of dq's command-line help (the HELP block above)."""
    return render(HELP[key][lang], lang, params)
