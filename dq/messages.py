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
              "{level:pct0} KI for κ {low:num2}–{high:num2} når κ = {kappa:num2} og {prev}.",
        "en": "With {n:count} cases, each rated by {raters} raters, the expected {level:pct0} CI "
              "for κ is {low:num2} to {high:num2} when κ = {kappa:num2} and {prev}."},
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
              "{low:pct}–{high:pct} når sensitiviteten er {value:pct}.",
        "en": "With {n:count} patients with the condition ({n_total:count} patients in all at "
              "a prevalence of {prevalence:pct}) the expected {level:pct0} CI for sensitivity "
              "is {low:pct} to {high:pct} when the sensitivity is {value:pct}."},
    "plan.sentence.specificity": {
        "nb": "Med {n:count} pasienter uten tilstanden ({n_total:count} pasienter i alt ved en "
              "forekomst på {prevalence:pct}) blir forventet {level:pct0} KI for spesifisitet "
              "{low:pct}–{high:pct} når spesifisiteten er {value:pct}.",
        "en": "With {n:count} patients without the condition ({n_total:count} patients in all "
              "at a prevalence of {prevalence:pct}) the expected {level:pct0} CI for "
              "specificity is {low:pct} to {high:pct} when the specificity is {value:pct}."},
    "plan.sentence.proportion": {
        "nb": "Med {n:count} registreringer blir forventet {level:pct0} KI for andelen "
              "{low:pct}–{high:pct} når andelen er {value:pct}.",
        "en": "With {n:count} records the expected {level:pct0} CI for the proportion is "
              "{low:pct} to {high:pct} when the proportion is {value:pct}."},
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
        "nb": "Strata med færre enn {min_n} registreringer i populasjonen vises som <{min_n}; "
              "alle deres registreringer kan bli trukket.",
        "en": "Strata with fewer than {min_n} records in the population are shown as "
              "<{min_n}; all their records may be drawn."},
}


def plan_text(key: str, lang: str, **params: Any) -> str:
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
    "axis_coverage": {"nb": "Dekningsgrad (%) med 95 % KI", "en": "Dekningsgrad (%) with 95 % CI"},
    "axis_timeliness": {"nb": "Andel registrert innen {limit} dager (%) med 95 % KI",
                        "en": "Share registered within {limit} days (%) with 95 % CI"},
    "legend_within": {"nb": "innenfor grensene", "en": "within the limits"},
    "legend_outside95": {"nb": "utenfor 95 %", "en": "outside 95 %"},
    "legend_outside998": {"nb": "utenfor 99,8 %", "en": "outside 99.8 %"},
    "legend_limits": {"nb": "stiplet 95 %, heltrukket 99,8 %, grå linje: landet",
                      "en": "dashed 95 %, solid 99.8 %, grey line: national"},
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
                         "landet {theta:pct} (Spiegelhalter 2005)",
                   "en": "Funnel plot: {measure} ({period}); 95 % and 99.8 % control limits "
                         "around the national {theta:pct} (Spiegelhalter 2005)"},
    "fig_coverage": {"nb": "Dekningsgrad per enhet med 95 % KI ({period}; mål {target:pct0}, lav "
                           "{low:pct0})",
                     "en": "Dekningsgrad by unit with 95 % CI ({period}; target {target:pct0}, "
                           "low {low:pct0})"},
    "fig_timeliness": {"nb": "Andel registrert innen {limit} dager per enhet med 95 % KI "
                             "({period}; advarsel under {warn:pct0}, ikke bestått under "
                             "{fail:pct0})",
                       "en": "Share registered within {limit} days by unit with 95 % CI "
                             "({period}; warning below {warn:pct0}, fail below {fail:pct0})"},
    "fig_heatmap": {"nb": "Variabelkompletthet per enhet og variabel ({period})",
                    "en": "Variable completeness by unit and variable ({period})"},
    "alt_funnel": {"nb": "{units:count} enheter; landet {theta:pct}. Utenfor 99,8 %-grensen: "
                         "{outside}.",
                   "en": "{units:count} units; national {theta:pct}. Outside the 99.8 % limit: "
                         "{outside}."},
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
        "nb": "Dager fra siste hendelse i uttrekket til uttrekksdatoen.",
        "en": "Days from the last event in the export to the export date."},
    "sammenlignbarhet.trakt": {
        "nb": "Traktplott: hver enhets andel mot eksakte binomiske kontrollgrenser (95 % og "
              "99,8 %) rundt landets andel; enheter utenfor 99,8 % på den dårlige siden nevnes. "
              "En telling av alle enheter: uten konfidensintervall.",
        "en": "Funnel plot: each unit's share against exact binomial control limits (95 % and "
              "99.8 %) around the national share; units beyond 99.8 % on the bad side are "
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


def chapter(key: str, lang: str, **params: Any) -> str:
    return render(CHAPTER[key][lang], lang, params)


def chapter_n(key: str, n: int, lang: str, **params: Any) -> str:
    """A counted text: the ``_one`` form when ``n`` is 1."""
    table = FAMILIES if key in FAMILIES else CHAPTER
    key = f"{key}_one" if n == 1 and f"{key}_one" in table else key
    return render(table[key][lang], lang, {"n": n, **params})


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
        "nb": "{variable}: {statistic:statistic} = {kappa:num2} mens enigheten er "
              "{agreement:pct0}: κ er lav selv om registratorene er enige i de fleste tilfellene, "
              "fordi prevalensen er skjev (κ-paradokset, Feinstein & Cicchetti 1990); les Gwets "
              "AC1 og PABAK ved siden av",
        "en": "{variable}: {statistic} = {kappa:num2} while agreement is {agreement:pct0}: κ is "
              "low while the raters agree on most cases: prevalence is skewed (the kappa "
              "paradox, Feinstein & Cicchetti 1990); read gwet_ac1 and pabak beside it"},
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
              "nominal- eller ordinalnivå (--level nominal eller ordinal), eller rens verdiene",
        "en": "{n:count} ratings are text where the level is {level} (or an infinite number); "
              "set the level to nominal or ordinal, or clean the values"},
    "reliability.reason.text_values_one": {
        "nb": "1 vurdering er tekst (eller et uendelig tall) på {level}; velg nominal- eller "
              "ordinalnivå (--level nominal eller ordinal), eller rens verdien",
        "en": "1 rating is text where the level is {level} (or an infinite number); set the "
              "level to nominal or ordinal, or clean the value"},
    "reliability.reason.table_text": {
        "nb": "kategorinavnene i tabellen er tekst på {level}; velg nominal- eller ordinalnivå "
              "(--level nominal eller ordinal)",
        "en": "category labels of the table are text where the level is {level}; set the "
              "level to nominal or ordinal"},
    # why one statistic is left out
    "reliability.reason.no_pairs": {"nb": "ingen kasus har to eller flere vurderinger",
                                    "en": "no case has two or more ratings"},
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
    if params.get("n") == 1 and f"{key}_one" in RELIABILITY:
        key = f"{key}_one"
    values = {k: v.text(lang) if isinstance(v, Message) else v for k, v in params.items()}
    return render(RELIABILITY[key][lang], lang, values)


class Message(str):
    """A catalogue text with its values. It *is* its English text (so JSON, a row's note and
    every caller that takes a str keep working) and writes itself in any language with
    :meth:`text`; a Message among the values is written in the same language."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Message:
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
