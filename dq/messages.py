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

Adding a check means one definition in ``dq.checks.registry`` and its templates here; a test
fails when a check lacks a template in either language.
"""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from dq.render.numbers import count, num, pct

LANGS = ("nb", "en")
MINUS = "\u2212"

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
        "nb": "Dekningsgrad", "en": "Dekningsgrad ({mode})"},
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
    "funnel_coverage": {"nb": "dekningsgrad", "en": "dekningsgrad"},
    "person": {"nb": "person-ID", "en": "person id"},
    "unit": {"nb": "enhets-ID", "en": "unit id"},
    "new": {"nb": "ny", "en": "new"},
    "gone": {"nb": "borte", "en": "gone"},
    "undeclared": {"nb": "{n:count} verdier utenfor kodelisten",
                   "en": "{n:count} undeclared values"},
    "undeclared_one": {"nb": "1 verdi utenfor kodelisten", "en": "1 undeclared value"},
    # what a partially assessed dimension lacks (dq.report.CORE), and how to add it
    "missing_dekningsgrad": {"nb": "dekningsgrad ([coverage] references)",
                             "en": "dekningsgrad ([coverage] references)"},
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


def _statistic(stat: str, lang: str) -> str:
    """A statistic's name; ICC forms as Shrout & Fleiss write them, e.g. icc_2_1 → ICC(2,1)."""
    if stat.startswith("icc_") and stat.count("_") == 2:
        _, model, k = stat.split("_")
        return f"ICC({model},{k})"
    return STATISTICS[lang].get(stat, stat)


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
                     "en": "Dekningsgrad by unit ({period}; target {target:pct0}, low "
                           "{low:pct0})"},
    "fig_delay": {"nb": "Median dager fra hendelse til registrering per enhet ({period}; "
                        "stiplet: fristen, {limit} dager)",
                  "en": "Median days from event to registration by unit ({period}; dashed: "
                        "the limit, {limit} days)"},
}


def ui(key: str, lang: str, **params: Any) -> str:
    return render(UI[key][lang], lang, params)


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        lang = self.lang
        if value is None:
            return "–"
        if isinstance(value, dict) and "word" in value:
            return word(value["word"], lang, **{k: v for k, v in value.items() if k != "word"})
        if spec == "changes":
            return "; ".join(_change(c, lang) for c in value)
        if spec == "classes":
            return ", ".join(f"{k} {count(v, lang)}" for k, v in value.items() if v)
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
        return str(value)


def _change(change: dict[str, Any], lang: str) -> str:
    """One year's change of codes: declared codes by name, any other value only counted."""
    parts = [str(c) for c in change["codes"]]
    n = change.get("undeclared", 0)
    if n:
        parts.append(word("undeclared_one", lang) if n == 1 else word("undeclared", lang, n=n))
    return f"{change['year']}: {word(change['kind'], lang)} {', '.join(parts)}"


def render(template: str, lang: str, params: dict[str, Any]) -> str:
    return _Formatter(lang).format(template, **params)


def check_text(key: str, lang: str, params: dict[str, Any]) -> str:
    """The text of a check's title or figure variant, e.g. ``kompletthet.variabel.title``."""
    return render(CHECKS[key][lang], lang, params)


def word(key: str, lang: str, **params: Any) -> str:
    return render(WORDS[key][lang], lang, params)


# ---- dq completeness, coverage, reliability, correctness, compare (the sub-commands' own text)
# Terminal, Markdown and HTML of the sub-commands take every word from here; JSON and CSV are the
# machine contract (English keys) and carry no prose.
SUB: dict[str, dict[str, str]] = {
    # shared
    "status.pass": {"nb": "bestått", "en": "pass"},
    "status.warn": {"nb": "advarsel", "en": "warning"},
    "status.fail": {"nb": "ikke bestått", "en": "fail"},
    "status.info": {"nb": "info", "en": "info"},
    "status.not_assessed": {"nb": "ikke vurdert", "en": "not assessed"},
    "national": {"nb": "Nasjonalt", "en": "National"},
    "missing_group": {"nb": "(mangler)", "en": "(missing)"},
    "unmatched_group": {"nb": "(uten treff)", "en": "(unmatched)"},
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
    "comp.read": {"nb": "{finished} av {read} lest; {variables}; 95 % KI: {ci}",
                  "en": "{finished} of {read} read; {variables}; 95 % CI: {ci}"},
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
              "positiv avhengighet gir for lavt estimat av totalen.",
        "en": "Events linked on person id within {window}{same_unit}, one-to-one, nearest date "
              "first; sources: {ref}{years}; 95 % CI: {ci}. DG = (a + m) / (a + b + m). "
              "Chapman's estimator with Chao's log-transformed interval assumes independent "
              "sources; positive dependence biases the total downwards."},
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
    "cov.figure.coverage": {"nb": "dekningsgrad", "en": "coverage"},
    "cov.figure.dg": {"nb": "DG registeret", "en": "DG registry"},
    "cov.linkage": {"nb": "  kun registeret {a:count}, kun referansen {b:count}, begge {m:count}; "
                          "DG referansen {dg:pct}; Chapman N̂ {n_hat:count} (95 % KI {n_ci}): "
                          "registerets kompletthet {rc:pct} (95 % KI {rc_ci})",
                    "en": "  only registry {a:count}, only reference {b:count}, both {m:count}; "
                          "DG reference {dg:pct}; Chapman N̂ {n_hat:count} (95 % CI {n_ci}): "
                          "registry completeness {rc:pct} (95 % CI {rc_ci})"},
    "cov.tilslutning": {"nb": "Tilslutning{period}: {n:count} av {d} rapporterer = {p:pct}",
                        "en": "Tilslutning{period}: {n:count} of {d} report = {p:pct}"},
    "cov.loglinear": {"nb": "Log-lineært estimat ({model}; {sources} kilder): totalt {n:count} "
                            "(95 % KI {ci}), observert {observed:count}",
                      "en": "Log-linear estimate ({model}; {sources} sources): total {n:count} "
                            "(95 % CI {ci}), observed {observed:count}"},
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
    "rel.title": {"nb": "Interrater-reliabilitet (Reliabilitet)",
                  "en": "Inter-rater reliability (Reliabilitet)"},
    "rel.bootstrap": {"nb": "95 % KI: persentil-bootstrap over kasus, {n:count} trekninger, "
                            "frø {seed}.",
                      "en": "95 % CIs: percentile bootstrap over cases, {n:count} resamples, "
                            "seed {seed}."},
    "rel.asymptotic": {"nb": "95 % KI fra asymptotiske standardfeil (metoden for hver står i "
                             "JSON-utdata, se_method).",
                       "en": "95 % CIs from asymptotic standard errors (the method of each is in "
                             "the JSON output, se_method)."},
    "rel.labels": {"nb": "Tolkning: Landis & Koch 1977 (κ, α, AC1), Koo & Li 2016 (ICC).",
                   "en": "Labels: Landis & Koch 1977 (κ, α, AC1), Koo & Li 2016 (ICC)."},
    "rel.col.statistic": {"nb": "Variabel / statistikk", "en": "Variable / statistic"},
    "rel.col.stat": {"nb": "Statistikk", "en": "Statistic"},
    "rel.col.estimate": {"nb": "Estimat", "en": "Estimate"},
    "rel.col.n": {"nb": "Kasus", "en": "Cases"},
    "rel.col.raters": {"nb": "Ratere", "en": "Raters"},
    "rel.col.label": {"nb": "Tolkning", "en": "Label"},
    "rel.level.nominal": {"nb": "nominal", "en": "nominal"},
    "rel.level.ordinal": {"nb": "ordinal", "en": "ordinal"},
    "rel.level.interval": {"nb": "intervall", "en": "interval"},
    "rel.level.ratio": {"nb": "forholdstall", "en": "ratio"},
    "rel.paradox": {"nb": "{variable}: {statistic} er {kappa:num2} selv om raterne er enige i "
                          "{agreement:pct0} av kasusene. Fordelingen er skjev (kappa-paradokset, "
                          "Feinstein & Cicchetti 1990): les Gwets AC1 og PABAK ved siden av.",
                    "en": "{variable}: {statistic} is {kappa:num2} while the raters agree on "
                          "{agreement:pct0} of cases. Prevalence is skewed (the kappa paradox, "
                          "Feinstein & Cicchetti 1990): read Gwet's AC1 and PABAK beside it."},
    "rel.not_computed": {"nb": "ikke beregnet", "en": "not computed"},
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


def sub(key: str, lang: str, **params: Any) -> str:
    """A sub-command's text (``SUB``) in ``lang`` with its values written in that language."""
    return render(SUB[key][lang], lang, params)


def counted(n: int, noun: str, lang: str) -> str:
    """``n`` with its noun in the right number: "1 enhet", "2 enheter", "19 610 registreringer"."""
    one, many = NOUNS[noun][lang]
    return f"{count(n, lang)} {one if n == 1 else many}"


def status_word(status: str, lang: str) -> str:
    return SUB[f"status.{status}"][lang] if f"status.{status}" in SUB else status


def statistic_name(stat: str, lang: str) -> str:
    """A reliability statistic's name: Cohens κ, ICC(2,1), Bland–Altman: …"""
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
    "cmp.ci_to": {"nb": "{low} til {high}", "en": "{low} to {high}"},
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
              "Holm-justert innen hver kontroll. En enhet utenfor trakten eller med et skift som "
              "ikke lenger er der, regnes som løst.",
        "en": "Differences of proportions with Newcombe's hybrid score interval (1998) and a z or "
              "Fisher's exact test; κ, α and AC1 with an interval from the standard errors. Unit "
              "rows are Holm-adjusted within each check. A unit outside the funnel or with a "
              "shift that is no longer there counts as resolved."},
    "cmp.hidden": {"nb": "prikket", "en": "suppressed"},
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
