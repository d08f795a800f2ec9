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
