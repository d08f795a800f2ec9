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
    "unknown_guess": {"nb": "trolig «ukjent»-kode(r): {codes:list}; bekreft",
                      "en": "likely \"unknown\" code(s): {codes:list}; confirm"},
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
    "coverage_none": {"nb": "referansen har verken antall (aggregert) eller person og dato "
                            "(kobling)",
                      "en": "the reference has neither counts (aggregate) nor person and date "
                            "(linkage)"},
    "coverage_template": {
        "nb": "Dekningsgrad: dq init --reference npr.csv gjenkjenner kolonnene",
        "en": "Dekningsgrad: dq init --reference npr.csv recognises the columns"},
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
    "check_clean": {"nb": "{spec}: i orden ({variables:count} variabler{data})",
                    "en": "{spec}: clean ({variables:count} variables{data})"},
    "check_data": {"nb": "; kontrollert mot {file}, {rows:count} registreringer",
                   "en": "; checked against {file}, {rows:count} records"},
    "check_problems": {"nb": "{spec}: {n:count} problem(er); rett dem og kjør dq spec check igjen",
                       "en": "{spec}: {n:count} problem(s); fix them and run dq spec check again"},
}


def init_text(key: str, lang: str, **params: Any) -> str:
    """A text of dq init / dq spec check in ``lang``."""
    return render(INIT[key][lang], lang, params)
