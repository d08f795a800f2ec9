"""Warnings and notes on stderr in the run's language (issue 11, "Norwegian everywhere").

Each case makes a small input that triggers the warnings of one command and runs it with
``--lang nb`` and ``--lang en``: in Norwegian stderr holds the Norwegian text and none of the
English words of the class the issue saw ("warning:", "event(s)", "reading it as", " are " …);
in English it holds the English text. The values in a warning (unit names, column names, file
names, counts, years) are the same in both languages; no row value appears in either.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dq import messages
from tests.conftest import run, write_text

# English words and forms that must not appear in a Norwegian run's stderr. Errors stay English
# (exit 2/3 one-liners); these runs have none.
ENGLISH = ("the ", " are ", " and ", " left out", "(s)", "event(s)", "record(s)", "reading it as",
           "warning:", "note:", " is ", " have ", " has ", " no ", " cannot ", " only ",
           " with ", " was ", " were ")


def english_in(text: str) -> list[str]:
    # the workflow verdict line names dq's exit code the same in both languages
    return [w for w in ENGLISH if w in text.lower()]


def both(*args: object) -> dict[str, str]:
    """stderr of the command in nb and in en (exit 0 or 1)."""
    out = {}
    for lang in ("nb", "en"):
        result = run(*args, "--lang", lang)
        assert result.exit_code in (0, 1), result.stderr
        out[lang] = result.stderr
    return out


def check(err: dict[str, str], nb: list[str], en: list[str]) -> None:
    for text in nb:
        assert text in err["nb"], err["nb"]
    for text in en:
        assert text in err["en"], err["en"]
    assert english_in(err["nb"]) == [], err["nb"]
    assert err["nb"].count("dq: advarsel: ") == err["en"].count("dq: warning: ")


# ---------------------------------------------------------------------------------- dq coverage


def test_coverage_aggregate(tmp_path):
    # registry: 2 events without a date (1 empty, 1 not a date), a unit the reference lacks, a
    # year (2021) the reference lacks; reference: a year (2019) the registry lacks
    reg = write_text(tmp_path / "reg.csv", "person_id;unit;event_date\n"
                     "1;Alfa;2020-03-01\n2;Alfa;2020-04-01\n3;Beta;2020-05-01\n"
                     "4;4003;2020-06-01\n5;Alfa;2021-01-05\n6;Alfa;\n7;Alfa;ikke dato\n")
    ref = write_text(tmp_path / "ref.csv", "unit;year;n\nAlfa;2020;3\nBeta;2020;1\n"
                     "Alfa;2019;4\n")
    err = both("coverage", reg, "--reference", ref)
    check(err, nb=[
        "dq: advarsel: 2 hendelser i registeret har ingen gyldig dato i 'event_date' (tom: 1, "
        "uleselig: 1) og dermed intet år; de er utelatt fra sammenligningen",
        "dq: advarsel: året 2019 finnes bare i referansen og er utelatt fra sammenligningen "
        "(sammenlignet: 2020)",
        "dq: advarsel: året 2021 finnes bare i registeret",
        "dq: advarsel: enheten '4003' i registeret finnes ikke i referansen: dekningsgrad kan "
        "ikke beregnes for den"],
        en=["dq: warning: 2 registry events have no valid date in 'event_date' (1 empty, 1 "
            "unparseable) and have no year; they are left out of the comparison",
            "dq: warning: year 2019 is only in the reference and is left out of the comparison "
            "(compared: 2020)",
            "dq: warning: registry unit '4003' is not in the reference: no coverage can be "
            "computed for it"])
    assert "ikke dato" not in err["nb"] + err["en"]  # a row value never reaches stderr


def test_coverage_linkage(tmp_path):
    reg = write_text(tmp_path / "reg.csv", "person_id;unit;event_date\n"
                     "1;Alfa;2020-03-01\n2;Alfa;2020-04-01\n;Alfa;2020-05-01\n")
    ref = write_text(tmp_path / "npr.csv", "person_id;unit;event_date\n"
                     "1;Alfa;2020-03-01\n3;Alfa;2020-04-02\n4;Alfa;\n5;Alfa;\n")
    err = both("coverage", reg, "--reference", ref, "--mode", "linkage")
    check(err, nb=["dq: advarsel: 1 hendelse i registeret mangler person-ID og kan ikke kobles; "
                   "den telles som bare i registeret",
                   "hendelser i " + str(ref) + " har ingen gyldig dato og kan ikke kobles; de er "
                   "utelatt"],
          en=["dq: warning: 1 registry event has no person id and cannot be linked; it counts "
              "as registry-only",
              "dq: warning: 2 events in " + str(ref) + " have no valid date and cannot be "
              "linked; they are left out"])


# Hook et al. (1992), hepatitis A in Taiwan, as in Rcapture's ``hepatitis`` data (tests/
# test_capture.py): Mh Chao (LB) is chosen and Mh Darroch, at the same AIC, gives N̂ ≈ 1,314.
HEPATITIS = {(1, 1, 1): 28, (1, 1, 0): 21, (1, 0, 1): 17, (1, 0, 0): 69, (0, 1, 1): 18,
             (0, 1, 0): 55, (0, 0, 1): 63}


def test_capture_recapture_model_warning(tmp_path):
    lines: list[list[str]] = [[], [], []]
    person = 0
    for history, count in HEPATITIS.items():
        for _ in range(count):
            person += 1
            for source, caught in enumerate(history):
                if caught:
                    lines[source].append(f"{person};Alfa;2020-06-01")
    files = [write_text(tmp_path / f"{name}.csv",
                        "person_id;unit;event_date\n" + "\n".join(rows) + "\n")
             for name, rows in zip(("reg", "p", "q"), lines, strict=True)]
    err = both("coverage", files[0], "--reference", files[1], "--reference", files[2],
               "--mode", "linkage")
    check(err, nb=["dq: advarsel: 1 annen modell innenfor 2 AIC av den valgte (Mh Chao (LB), N̂ ",
                   "Mh Darroch: 1\u202f3", "estimatet avhenger av modellen; se modelltabellen"],
          en=["dq: warning: 1 other model within 2 AIC of the chosen one (Mh Chao (LB), N̂ ",
              "Mh Darroch: 1,3", "the estimate depends on the model; read the model table"])


# ------------------------------------------------------------- dq completeness, dq report, reading


def _conditions_spec(folder: Path, encoding: str = "utf-8") -> Path:
    # "Alder > 80" cannot be read in 2 records ("ukjent", "?"): they count as not meeting it
    write_text(folder / "d.csv", "Enhet;Alder;Ekstra;Sted\n"
               "A;85;ja;Tromsø\nA;ukjent;;Bodø\nB;90;;Molde\nB;?;nei;Førde\nB;70;;Oslo\n",
               encoding)
    return write_text(folder / "dq.toml", '[dataset]\nfiles = ["d.csv"]\n\n'
                      '[variables.Alder]\ntype = "integer"\n\n'
                      '[variables.Ekstra]\nmandatory = "Alder > 80"\n')


NB_UNREADABLE = ("dq: advarsel: 'Alder': 2 registrerte verdier kan ikke leses som tall i en "
                 "betingelse i spesifikasjonen; disse registreringene regnes som at betingelsen "
                 "ikke er oppfylt (rett verdiene, eller oppgi typen til 'Alder' i "
                 "[variables.Alder])")
EN_UNREADABLE = ("dq: warning: 'Alder': 2 registered values cannot be read as a number in a "
                 "condition of the spec; those records count as not meeting it")


def test_completeness_conditions_and_a_cp1252_file(tmp_path):
    spec = _conditions_spec(tmp_path, "cp1252")
    err = both("completeness", "--spec", spec)
    check(err, nb=[NB_UNREADABLE, "dq: merk: " + str(tmp_path / "d.csv") + " er ikke UTF-8; "
                   "leses som cp1252 (velg med --encoding)"],
          en=[EN_UNREADABLE, "dq: note: " + str(tmp_path / "d.csv") + " is not UTF-8; reading "
              "it as cp1252 (pass --encoding to choose)"])
    assert "ukjent" not in err["nb"] + err["en"]


def test_lang_from_the_spec(tmp_path):
    spec = _conditions_spec(tmp_path)
    spec.write_text(spec.read_text(encoding="utf-8") + '\n[report]\nlang = "en"\n',
                    encoding="utf-8")
    assert EN_UNREADABLE in run("completeness", "--spec", spec).stderr
    spec.write_text(spec.read_text(encoding="utf-8").replace('"en"', '"nb"'), encoding="utf-8")
    assert NB_UNREADABLE in run("completeness", "--spec", spec).stderr


def test_report(tmp_path):
    spec = _conditions_spec(tmp_path)
    err = both("report", spec, "--format", "json", "-o", tmp_path / "r.json")
    check(err, nb=[NB_UNREADABLE], en=[EN_UNREADABLE])
    # the verdict line
    assert re.search(r"^dq: Kompletthet .*— avslutningskode \d$", err["nb"], re.M)
    # JSON is the same in every language: its warnings are the English text
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert any(w.startswith("'Alder': 2 registered values") for w in doc["warnings"])


# ---------------------------------------------------------------------------------- dq correctness

STUDY = """pasid;horer;vld_varnamn;vld_vartype;vld_verdi_intern_logisk;vld_verdi_ekstern_logisk
1;ja;diabetes;logisk;TRUE;TRUE
2;ja;diabetes;logisk;FALSE;TRUE
3;;diabetes;logisk;kanskje;TRUE
2;nei;kols;logisk;TRUE;TRUE
4;ja;kols;logisk;TRUE;TRUE
"""


def test_correctness(tmp_path):
    study = write_text(tmp_path / "vld.csv", STUDY)
    err = both("correctness", study, "--patient", "pasid", "--belongs", "horer")
    check(err, nb=["dq: advarsel: diabetes: verdier som ikke kan leses som ja/nei (ja/nei, 1/0, "
                   "true/false): 1 i registeret, 0 i journalen; hvert slikt par regnes som uenig",
                   "dq: advarsel: diabetes: spesifisitet er udefinert (ingen negative i "
                   "journalen: nevneren er 0)",
                   "dq: advarsel: kols: NPV er udefinert (ingen negative i registeret: nevneren "
                   "er 0)",
                   "dq: advarsel: 1 pasient har både ja og nei i 'horer'; den første raden er "
                   "brukt",
                   "dq: advarsel: 1 pasient har ingen verdi i 'horer' og er utelatt fra korrekte "
                   "pasienter"],
          en=["dq: warning: diabetes: values that cannot be read as yes/no (ja/nei, 1/0, "
              "true/false): 1 in the registry, 0 in the record; each such pair counts as not "
              "agreeing",
              "dq: warning: diabetes: specificity is undefined (no negative in the record: its "
              "denominator is 0)",
              "dq: warning: 1 patient has both yes and no in 'horer'; its first row is used",
              "dq: warning: 1 patient has no value in 'horer' and is left out of correct "
              "patients"])
    assert "kanskje" not in err["nb"] + err["en"]


# -------------------------------------------------------------------------------------- dq sample


def test_sample(tmp_path):
    # key K: one record without a key, one key twice; 5 keys where --n asks for 10
    data = write_text(tmp_path / "d.csv", "K;Enhet;V\n1;A;x\n2;A;x\n2;B;x\n;B;x\n3;B;x\n"
                                          "4;A;x\n5;B;x\n")
    err = both("sample", data, "--key", "K", "--n", "10", "-o", tmp_path / "utvalg.csv",
               "--by", "Enhet", "--allocation", "neyman", "--neyman", "V")
    check(err, nb=["dq: advarsel: 1 registrering uten verdi i nøkkelen (K) kan ikke trekkes og "
                   "er utelatt",
                   "dq: advarsel: 1 registrering gjentar en nøkkel (K): hver nøkkel er én "
                   "trekkenhet",
                   "dq: advarsel: 'V' mangler i ingen strata eller i alle: Neyman-allokeringen "
                   "erstattes av proporsjonal allokering",
                   "dq: advarsel: strataene har til sammen 5 registreringer, færre enn --n 10: "
                   "alle er trukket"],
          en=["dq: warning: 1 record without a value in the key (K) cannot be sampled and was "
              "left out",
              "dq: warning: 1 record repeats a key (K): each key is one sampling unit",
              "dq: warning: 'V' is missing in no stratum or in all: Neyman allocation falls "
              "back to proportional",
              "dq: warning: the strata hold 5 records, fewer than --n 10: all are taken"])


# ------------------------------------------------------------------------------------- dq compare


def test_compare(tmp_path):
    spec = write_text(tmp_path / "dq.toml", '[dataset]\nfiles = ["d.csv"]\n')
    write_text(tmp_path / "d.csv", "a;b\n1;x\n2;y\n3;\n4;z\n5;w\n6;v\n")
    before = tmp_path / "before.json"
    assert run("report", spec, "--format", "json", "-o", before).exit_code in (0, 1)
    doc = json.loads(before.read_text(encoding="utf-8"))
    doc["manifest"]["dq_version"] = "0.0.1"
    doc["manifest"]["spec"]["sha256"] = "0" * 64
    changed = next(r for r in doc["results"] if r["warn"] is not None)
    changed["warn"] = changed["warn"] / 2
    after = write_text(tmp_path / "after.json", json.dumps(doc, ensure_ascii=False))
    err = both("compare", before, after, "--format", "json")
    version = json.loads(before.read_text(encoding="utf-8"))["manifest"]["dq_version"]
    check(err, nb=[f"dq: advarsel: resultatene er laget med ulike dq-versjoner ({version} og "
                   "0.0.1)",
                   "dq: advarsel: resultatene er laget med ulike spesifikasjoner",
                   f"dq: advarsel: 1 kontroll har ulike terskler: {changed['id']}",
                   "dq: advarsel: before.json er skrevet uten prikking av små tall"],
          en=[f"dq: warning: the results come from different dq versions ({version} and "
              "0.0.1)",
              "dq: warning: the results were made with different specs",
              f"dq: warning: 1 check has different thresholds: {changed['id']}",
              "dq: warning: before.json was written without small-cell suppression"])


# ---------------------------------------------------------------------------------- dq spec check


def test_spec_check(tmp_path):
    """A codebook's code no record holds is a warning (a code written in dq.toml would be an
    error, which is English in every language)."""
    data = write_text(tmp_path / "d.csv", "Kjonn;Dato1;Dato2\n1;;2020-01-02\n2;2020-01-01;\n")
    write_text(tmp_path / "kodebok.csv",
               "variabel_id;variabeltype;min;maks;desimalar;verdi;verditekst;obligatorisk;"
               "manglande;variabeletikett\n"
               "Kjonn;kategorisk;;;;1;Mann;ja;nei;Kjønn\nKjonn;kategorisk;;;;2;Kvinne;ja;nei;Kjønn\n"
               "Kjonn;kategorisk;;;;3;Annet;ja;nei;Kjønn\n")
    spec = write_text(tmp_path / "dq.toml", '[dataset]\nfiles = ["d.csv"]\n'
                      'codebook = "kodebok.csv"\n')
    err = {lang: run("spec", "check", spec, "--data", data, "--lang", lang).stderr
           for lang in ("nb", "en")}
    check(err, nb=["dq: advarsel: dq.toml: [variables.Kjonn]: 1 kode fra kodeboken finnes ikke "
                   "i noen registrering: 3 (tillatt: en kodebok lister alle registerets koder)"],
          en=["dq: warning: dq.toml: [variables.Kjonn]: 1 code of the codebook no record holds: "
              "3 (allowed: a codebook lists every code of the registry)"])


# ------------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("key", sorted(messages.WARNINGS))
def test_every_warning_has_both_languages_and_the_same_fields(key):
    import string

    texts = messages.WARNINGS[key]
    assert set(texts) == {"nb", "en"}
    fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f}
              for lang in ("nb", "en")]
    assert fields[0] == fields[1], key
    assert english_in(texts["nb"]) == [], texts["nb"]
