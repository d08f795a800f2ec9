"""dq init (a drafted dq.toml from an export) and dq spec check (every problem of a spec).

The reference is the shipped example: examples/hoftebrudd/dq.toml was written by hand for the
synthetic export (examples/make_hoftebrudd.py plants the registry's patterns: MRS form status 2,
-1 for an unknown age, Komplikasjonstype only after Komplikasjon = 1, admission after operation in
some records). The roles and codes dq init infers must equal that spec's, and dq report on the
drafted spec must give the same checks wherever the export holds what they need.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tomllib
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dq import spec as spec_mod
from dq.infer import plausible_code, unknown_candidates
from dq.init import toml_str
from tests import hostile, privacy_corpus
from tests.conftest import EXAMPLE, run

HAND = spec_mod.load(EXAMPLE / "dq.toml")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _init(tmp_path: Path, *args: str, name: str = "dq.toml"):  # noqa: ANN202
    out = tmp_path / name
    result = run("init", *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out, result


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:  # noqa: ANN001
    """A copy of the example folder (the spec is written beside the files it names)."""
    folder = tmp_path_factory.mktemp("hoftebrudd")
    for f in EXAMPLE.glob("*.csv"):
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="module")
def drafted(example) -> Path:  # noqa: ANN001
    out, _ = _init(example, example / "hoftebrudd.csv", "--codebook", example / "kodebok.csv",
                   "--units", example / "enheter.csv", "--reference",
                   example / "npr_aggregat.csv", "--reference", example / "npr_personer.csv",
                   name="drafted.toml")
    return out


def test_roles_without_codebook_equal_the_hand_written_spec(example):  # noqa: ANN001
    out, result = _init(example, example / "hoftebrudd.csv", name="plain.toml")
    got = spec_mod.load(out)
    ds, hand = got.dataset, HAND.dataset
    assert (ds.person_id, ds.unit, ds.event_date, ds.date_format, ds.finished) == (
        hand.person_id, hand.unit, hand.event_date, hand.date_format, hand.finished)
    assert ds.files == (example / "hoftebrudd.csv",) and ds.separator == ";"
    assert got.verification.national_id == HAND.verification.national_id
    assert got.verification.duplicate_keys == HAND.verification.duplicate_keys
    assert got.verification.date_order == HAND.verification.date_order
    assert got.timeliness.created == HAND.timeliness.created
    # Codes from the data equal the codebook's wherever every code occurs ≥ 5 times (all here),
    # and 9 ("Ukjent"/"Usikker" in the codebook, manglande = ja) is flagged as unknown.
    for name, var in HAND.variables.items():
        mine = got.variables[name]
        if var.type == "categorical":
            assert mine.type == "categorical", name
            assert set(mine.codes or {}) == set(var.codes or {}), name
            assert set(mine.unknown) == set(var.unknown), name
    assert got.variables["Alder"].unknown == ("-1",)  # the hand spec's extra unknown code
    assert got.variables["Komplikasjonstype"].mandatory == "Komplikasjon = 1"
    assert got.variables["VektKg"].mandatory == got.variables["HoydeCm"].mandatory == "never"
    assert got.variables["Fodselsnummer"].type == "id"
    text = out.read_text(encoding="utf-8")
    # evidence as comments: the fødselsnummer share, the status counts, the condition's
    assert "# 99,8\u202f% av verdiene er gyldige fødselsnummer (kontrollsifre)" in text
    assert "# skjemastatus (registreringer): 1 (390), 2 (19\u202f610)" in text
    assert "# TODO: fylt ut i 60,9\u202f% der Komplikasjon = 1" in text or \
        "# TODO: fylt ut i 60,8\u202f% der Komplikasjon = 1" in text
    assert "dq: skrev" in result.stderr and result.stdout == ""


def test_with_codebook_units_and_references_equals_the_hand_written_spec(drafted):  # noqa: ANN001
    got = spec_mod.load(drafted)
    assert got.dataset.codebook == drafted.parent / "kodebok.csv"
    assert got.units is not None and HAND.units is not None
    assert (got.units.id, got.units.name, got.units.hf, got.units.rhf) == (
        HAND.units.id, HAND.units.name, HAND.units.hf, HAND.units.rhf)
    assert got.coverage.mode == "aggregate"
    assert [p.name for p in got.coverage.references] == ["npr_aggregat.csv"]
    ref, hand = got.coverage.reference, HAND.coverage.reference
    assert (ref.unit, ref.year, ref.n, ref.code_group, ref.person_id, ref.event_date) == (
        hand.unit, hand.year, hand.n, hand.code_group, hand.person_id, hand.event_date)
    for name, var in HAND.variables.items():  # the codebook's definitions, the hand overrides
        mine = got.variables[name]
        assert (mine.type, mine.codes, mine.min, mine.max, mine.label) == (
            var.type, var.codes, var.min, var.max, var.label), name
    assert got.variables["Alder"].unknown == ("-1",)
    assert got.variables["Komplikasjonstype"].mandatory == "Komplikasjon = 1"


def test_report_on_the_drafted_spec_gives_the_hand_written_checks(drafted, example, tmp_path):  # noqa: ANN001
    hand_spec = example / "hand.toml"
    shutil.copy(EXAMPLE / "dq.toml", hand_spec)
    for f in ("interrater.csv", "validering.csv"):
        assert (example / f).exists()
    results = {}
    for name, spec in (("hand", hand_spec), ("init", drafted)):
        out = tmp_path / f"{name}.json"
        res = run("report", spec, "--format", "json", "--output", out)
        assert res.exit_code in (0, 1), res.stderr
        doc = json.loads(out.read_text(encoding="utf-8"))
        results[name] = {(r["id"], r["unit"] or ""): r for r in doc["results"]}
    hand, mine = results["hand"], results["init"]
    # What the export cannot say: the export date (dates after it, freshness) and the studies.
    needs_more = ("reliabilitet.", "korrekthet.validering.", "korrekthet.pasienter",
                  "korrekthet.framtid.", "aktualitet.ferskhet")
    assert {k for k in hand if not k[0].startswith(needs_more)} == set(mine)
    differ = {k for k in mine if (mine[k]["estimate"], mine[k]["status"])
              != (hand[k]["estimate"], hand[k]["status"])}
    assert differ == {("relevans.bruk", "")}  # documented uses are the user's to write


def test_spec_check_is_clean_on_the_drafted_spec(drafted, example):  # noqa: ANN001
    result = run("spec", "check", drafted, "--data", example / "hoftebrudd.csv", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (f"{drafted}: clean (29 variables; checked against "
                                     f"{example / 'hoftebrudd.csv'}, 20,000 records)")
    assert result.stderr == ""


def test_spec_check_lists_every_problem_at_once(example):  # noqa: ANN001
    bad = example / "bad.toml"
    bad.write_text("""
[dataset]
files = ["hoftebrudd.csv"]
colour = "red"

[completeness]
warn_below = 2

[variables.Alder]
type = "integer"
min = "x"

[variables.Kjonn]
mandatory = "Alder >"

[report]
lang = "de"
""", encoding="utf-8")
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:-1] == [
        "dq: error: bad.toml: [dataset]: unknown key 'colour'; valid keys: "
        + ", ".join(sorted(spec_mod._DATASET_KEYS)),
        "dq: error: bad.toml: [completeness] warn_below: expected a fraction from 0 to 1 "
        "(0.95 means 95 %), got 2",
        "dq: error: bad.toml: [report] lang: 'de'; use \"nb\" or \"en\"",
        "dq: error: bad.toml: [variables.Alder] min: expected a number, got 'x'",
        "dq: error: bad.toml: [variables.Kjonn] mandatory: invalid condition 'Alder >' (unable "
        "to parse 'Alder >' as Expr); write it as a SQL expression over column names, e.g. "
        "\"Komplikasjon = 1\"",
    ]
    assert lines[-1] == f"{bad}: 5 problems; fix them and run dq spec check again"
    # the same problems in Norwegian: key names and values as written in the spec
    nb = run("spec", "check", bad, "--lang", "nb").stderr.splitlines()
    assert nb[:-1] == [
        "dq: feil: bad.toml: [dataset]: ukjent nøkkel 'colour'; gyldige nøkler: "
        + ", ".join(sorted(spec_mod._DATASET_KEYS)),
        "dq: feil: bad.toml: [completeness] warn_below: forventet en andel fra 0 til 1 "
        "(0.95 betyr 95\u202f%), fikk 2",
        "dq: feil: bad.toml: [report] lang: 'de'; bruk \"nb\" eller \"en\"",
        "dq: feil: bad.toml: [variables.Alder] min: forventet et tall, fikk 'x'",
        "dq: feil: bad.toml: [variables.Kjonn] mandatory: ugyldig betingelse 'Alder >' (kan "
        "ikke tolke 'Alder >' som et uttrykk); skriv den som et SQL-uttrykk over kolonnenavn, "
        "f.eks. \"Komplikasjon = 1\"",
    ]


def test_spec_check_against_the_data(example):  # noqa: ANN001
    bad = example / "data.toml"
    bad.write_text("""
[dataset]
files = ["hoftebrudd.csv"]
finished = "SkjemaStatus = 7"
unit = "AvdResh"

[variables.Kjonn]
type = "categorical"
codes = [1, 2, 3]

[variables.PasientID]
type = "integer"

[variables.Komplikasjonstype]
mandatory = "Komplikasjon = 'Ja'"

[variables.Side]
type = "categorical"
codes = ["H", "V"]
""", encoding="utf-8")
    result = run("spec", "check", bad, "--data", example / "hoftebrudd.csv", "--lang", "en")
    assert result.exit_code == 2
    err = result.stderr
    assert ("[dataset] unit: column 'AvdResh' is not in the export; did you mean 'AvdRESH'?"
            in err)
    assert "[dataset] finished: the condition 'SkjemaStatus = 7' is true in none of the 20,000" \
        in err
    assert "[variables.Komplikasjonstype] mandatory: the condition \"Komplikasjon = 'Ja'\" " \
           "cannot be evaluated" in err
    assert "[variables.PasientID] type = 'integer': only 0 % of the 20,000 registered values" in err
    assert "[variables.Side] codes: only 0 % of the 19,700 registered values are declared" in err
    # codes written in dq.toml that no record holds are problems; declared codes may be named
    assert "dq: error: data.toml: [variables.Kjonn] codes: 1 declared code no record " \
           "holds: 3; remove it" in err
    assert "dq: error: data.toml: [variables.Side] codes: 2 declared codes no record " \
           "holds: H, V; remove them" in err
    assert "warning" not in err
    assert err.splitlines()[-1].endswith("7 problems; fix them and run dq spec check again")
    strict = run("spec", "check", bad, "--data", example / "hoftebrudd.csv", "--strict",
                 "--lang", "en")
    assert strict.stderr == err


def test_spec_check_a_code_no_record_holds_names_the_variable_not_the_data(tmp_path):
    """A hand-written code list with a code the export lacks: exit 2, naming the variable, how
    many codes and which (declared codes may be printed), but no value of the data — not the
    planted name or fødselsnummer, not the undeclared "Ukjent"."""
    export = _privacy_export(tmp_path)
    spec = tmp_path / "hand.toml"
    spec.write_text('[dataset]\nfiles = ["planted.csv"]\n\n[variables.Svar]\n'
                    'type = "categorical"\ncodes = ["Ja", "Nei", "Kanskje", "Vet ikke"]\n',
                    encoding="utf-8")
    result = run("spec", "check", spec, "--data", export, "--lang", "en")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "dq: error: hand.toml: [variables.Svar] codes: 2 declared codes no record holds: "
        "Kanskje, Vet ikke; remove them, or correct them to the codes the export writes (a code "
        "list that spans years or units belongs in the codebook, [dataset] codebook, whose "
        "codes an export may lack)",
        f"{spec}: 1 problem; fix it and run dq spec check again"]
    needles = privacy_corpus.Corpus(tmp_path, spec).needles()
    assert not privacy_corpus.find(needles, result.stderr)
    assert "Ukjent" not in result.stderr
    # the same list without the codes the export lacks is clean
    spec.write_text(spec.read_text(encoding="utf-8").replace(', "Kanskje", "Vet ikke"', ""),
                    encoding="utf-8")
    assert run("spec", "check", spec, "--data", export).exit_code == 0


def test_spec_check_allows_codebook_codes_no_record_holds(example, tmp_path):  # noqa: ANN001
    """A codebook lists every code of the registry; one export may lack some. The spec dq init
    drafts from an export and such a codebook passes (exit 0): the codebook's codes no record
    holds are a warning, a problem only with --strict."""
    book = example / "kodebok_full.csv"
    book.write_text((example / "kodebok.csv").read_text(encoding="utf-8").rstrip("\n")
                    + "\nKjonn;kategorisk;;;;3;Annet;ja;nei;Kjønn"
                    + "\nKomplikasjonstype;kategorisk;;;;6;Infeksjon;nei;nei;Komplikasjonstype\n",
                    encoding="utf-8")
    out, _ = _init(example, example / "hoftebrudd.csv", "--codebook", book, name="full.toml")
    text = out.read_text(encoding="utf-8")
    assert "codes = " not in text.split("[variables.Kjonn]")[1].split("[variables.")[0]
    result = run("spec", "check", out, "--data", example / "hoftebrudd.csv", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{out}: clean (29 variables")
    assert result.stderr.splitlines() == [
        "dq: warning: full.toml: [variables.Kjonn]: 1 code of the codebook no record holds: "
        "3 (allowed: a codebook lists every code of the registry)",
        "dq: warning: full.toml: [variables.Komplikasjonstype]: 1 code of the codebook no "
        "record holds: 6 (allowed: a codebook lists every code of the registry)"]
    strict = run("spec", "check", out, "--data", example / "hoftebrudd.csv", "--strict",
                 "--lang", "en")
    assert strict.exit_code == 2
    assert strict.stderr.splitlines()[-1] == (f"{out}: 2 problems; fix them and run dq spec "
                                              "check again")
    # the same code written in dq.toml is the spec's own claim about the export: a problem
    hand = example / "hand_codes.toml"
    hand.write_text(text.replace("[variables.Kjonn]\n", "[variables.Kjonn]\ncodes = [1, 2, 4]\n"),
                    encoding="utf-8")
    own = run("spec", "check", hand, "--data", example / "hoftebrudd.csv", "--lang", "en")
    assert own.exit_code == 2
    assert ("dq: error: hand_codes.toml: [variables.Kjonn] codes: 1 declared code no record "
            "holds: 4; remove it") in own.stderr


def test_spec_check_a_date_order_never_checked_is_a_problem(tmp_path):
    """A date order no record has both dates for can never be true: a problem (exit 2)."""
    data = tmp_path / "d.csv"
    data.write_text("id;innlagt;utskrevet\n" + "".join(f"{i};0{1 + i}.02.2023;\n"
                                                       for i in range(6)), encoding="utf-8")
    spec = tmp_path / "order.toml"
    spec.write_text('[dataset]\nfiles = ["d.csv"]\ndate_format = "%d.%m.%Y"\n\n'
                    '[verification]\ndate_order = ["innlagt <= utskrevet"]\n\n'
                    '[variables.innlagt]\ntype = "date"\n\n[variables.utskrevet]\n'
                    'type = "date"\n', encoding="utf-8")
    result = run("spec", "check", spec, "--data", data, "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "dq: error: order.toml: [verification] date_order: 'innlagt <= utskrevet': no record "
        "has all of its dates, so it is never checked; check the column names and [dataset] "
        "date_format")


def test_spec_check_missing_spec_and_files(tmp_path):
    assert run("spec", "check", tmp_path / "nope.toml").exit_code == 2
    spec = tmp_path / "s.toml"
    spec.write_text('[dataset]\nfiles = ["gone.csv"]\n[units]\ntable = "enheter.csv"\n',
                    encoding="utf-8")
    result = run("spec", "check", spec, "--lang", "en")
    assert result.exit_code == 2
    assert "[dataset] files: " in result.stderr and "gone.csv not found" in result.stderr
    assert "[units] table: " in result.stderr and "enheter.csv not found" in result.stderr


def test_never_overwrites_without_force(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("id;status\n1;1\n2;2\n", encoding="utf-8")
    out = tmp_path / "dq.toml"
    out.write_text("# mine\n", encoding="utf-8")
    result = run("init", data, "-o", out, "--lang", "en")
    assert result.exit_code == 2 and out.read_text(encoding="utf-8") == "# mine\n"
    assert "exists" in result.stderr and "--force" in result.stderr
    result = run("init", data, "-o", out)
    assert result.exit_code == 2 and result.stderr == (
        f"dq: feil: {out} finnes; dq init erstatter aldri en spesifikasjon: velg en annen fil "
        "med -o, eller oppgi --force for å erstatte den\n")
    assert run("init", data, "-o", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# dq-spesifikasjon")
    # an input is never an output, --force or not
    before = data.read_bytes()
    refused = run("init", data, "-o", data, "--force")
    assert refused.exit_code == 2 and data.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_stdout(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("id;status\n1;1\n2;2\n", encoding="utf-8")
    result = run("init", data, "-o", "-", "--lang", "en")
    assert result.exit_code == 0
    assert tomllib.loads(result.stdout)["dataset"]["files"]


# --- privacy ----------------------------------------------------------------------------------

def _privacy_export(folder: Path) -> Path:
    """Markers (fødselsnummer with and without valid check digits, a name, a phone number, a
    person-id-like token) planted in free text, in a small categorical column (each held by ≥ 5
    records, so only the code-likeness rule keeps them out), in an id column and in the unit
    column, and phone numbers in a numeric column."""
    rng = random.Random(7)
    markers = [privacy_corpus.FNR_PLAIN, privacy_corpus.FNR_VALID, privacy_corpus.NAME,
               privacy_corpus.PHONE, privacy_corpus.PID]
    rows = ["PasientID;AvdRESH;Status;Kirurg;Merknad;Svar;Dato;Telefon"]
    phones = [privacy_corpus.PHONE.replace(" ", "")[3:], "41234567", "99887766"]
    for i in range(400):
        kirurg = markers[i % len(markers)] if i % 3 == 0 else rng.choice(["Ola Hansen",
                                                                          "Per Olsen"])
        merknad = (f"ring {privacy_corpus.NAME} på {privacy_corpus.PHONE}, fnr "
                   f"{privacy_corpus.FNR_VALID}" if i % 7 == 0 else rng.choice(["", "ok"]))
        unit = privacy_corpus.FNR_VALID if i == 5 else rng.choice(["4001", "4002", "4003"])
        svar = rng.choice(["Ja", "Nei", "Ukjent"]) if i % 50 else privacy_corpus.NAME
        pid = privacy_corpus.PID if i == 9 else f"P{i:05d}"
        rows.append(f"{pid};{unit};{rng.choice(['1', '2'])};{kirurg};{merknad};{svar};"
                    f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2023;"
                    f"{phones[i % 3] if i % 2 else ''}")
    path = folder / "planted.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_no_planted_value_reaches_the_spec_or_the_terminal(tmp_path):
    export = _privacy_export(tmp_path)
    units = tmp_path / "enheter.csv"
    units.write_text("unit_id;unit_name;hf;rhf\n4001;A;HF1;Helse Nord RHF\n"
                     "4002;B;HF1;Helse Nord RHF\n", encoding="utf-8")
    out, result = _init(tmp_path, export, "--units", units)
    text = out.read_text(encoding="utf-8")
    corpus = privacy_corpus.Corpus(tmp_path, out)
    needles = corpus.needles()
    for where in (text, result.stdout, result.stderr):
        hits = privacy_corpus.find(needles, where)
        assert not hits, [privacy_corpus.excerpt(needles, n, line) for n, line in hits]
    got = spec_mod.load(out)
    assert got.variables["Svar"].codes == {"Ja": "Ja", "Nei": "Nei"}
    assert got.variables["Svar"].unknown == ("Ukjent",)
    assert got.variables["Merknad"].type == "text" and got.variables["Merknad"].codes is None
    assert got.variables["Kirurg"].codes is None  # names, though each is held by ≥ 5 records
    # phone numbers repeat (3 distinct) but are whole numbers of 8 digits: an identifier, so
    # no min/max (which would be a person's number)
    assert got.variables["Telefon"].type == "id" and got.variables["Telefon"].max is None
    assert "4003" in text  # a unit id the table lacks may be listed (a plain number) …
    assert "1 verdier i enhetskolonnen er ikke enhets-ID-er (ikke vist)" in text  # … not others
    check = run("spec", "check", out, "--data", export)
    assert check.exit_code == 0, check.stderr
    assert not privacy_corpus.find(needles, check.stdout + check.stderr)


def test_plausible_codes():
    for code in ("1", "-1", "99", "9999", "2,5", "Ja", "ukjent", "Vet ikke", "S72.0", "NFB49",
                 "M", "K"):
        assert plausible_code(code), code
    for value in ("01017012345", "12345", "Kari Nordmannsen", "Ola", "+47 912 34 567",
                  "PID-8675309", "01.02.2023", "ring meg"):
        assert not plausible_code(value), value


def test_unknown_candidates():
    assert unknown_candidates(["1", "2", "3", "9"]) == ["9"]
    assert unknown_candidates([str(i) for i in range(11)]) == []  # 9 on a 0-10 scale
    assert unknown_candidates(["0", "1", "-1"]) == ["-1"]
    assert unknown_candidates(["1", "2", "99"]) == ["99"]
    assert unknown_candidates(["Ja", "Nei", "Vet ikke"]) == ["Vet ikke"]


# --- other shapes -----------------------------------------------------------------------------

def _na_csv(folder: Path) -> Path:
    """R's write.csv: comma-separated, "NA" for no value, ISO dates."""
    rng = random.Random(1)
    rows = ["id,age,sex,bmi,outcome,visit_date"]
    for i in range(300):
        age = str(rng.randint(18, 95)) if rng.random() > .1 else "NA"
        bmi = f"{rng.uniform(16, 45):.1f}" if rng.random() > .2 else "NA"
        rows.append(f"{i + 1},{age},{rng.choice(['Male', 'Female', 'NA'])},{bmi},"
                    f"{rng.choice(['Alive', 'Dead', 'NA'])},2021-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}")
    path = folder / "na.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _latin1(folder: Path) -> Path:
    rng = random.Random(2)
    rows = ["PasientNr;Sykehus;Kjønn;Diagnose;Innleggelsesdato;Merknad"]
    for i in range(120):
        rows.append(f"{i + 1};{rng.choice(['974795787', '974749025'])};{rng.choice('MK')};"
                    f"{rng.choice(['S72.0', 'S72.1', 'S72.2'])};{rng.randint(1, 28):02d}."
                    f"{rng.randint(1, 12):02d}.2022;{rng.choice(['', 'Tromsø', 'Åse'])}")
    path = folder / "latin1.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("latin-1"))
    return path


def _spss(folder: Path) -> Path:
    """SPSS with value labels and user-missing values (9 and 8 are missing; 999 for age)."""
    import pandas as pd
    import pyreadstat

    rng = random.Random(3)
    n = 200
    df = pd.DataFrame({
        "lopenr": [f"{100000 + i}" for i in range(n)],
        "kjonn": [float(rng.choice([1, 2, 2, 9])) for _ in range(n)],
        "alder": [float(rng.randint(20, 90)) if rng.random() > .05 else 999.0 for _ in range(n)],
        "royker": [float(rng.choice([0, 1, 8])) for _ in range(n)],
        "kommentar": [rng.choice(["", "ok", f"{privacy_corpus.NAME} {privacy_corpus.FNR_VALID}"])
                      for _ in range(n)],
    })
    path = folder / "studie.sav"
    pyreadstat.write_sav(df, str(path), variable_value_labels={
        "kjonn": {1: "Mann", 2: "Kvinne", 9: "Ukjent"},
        "royker": {0: "Nei", 1: "Ja", 8: "Vet ikke"}},
        missing_ranges={"kjonn": [9], "alder": [999], "royker": [8]})
    return path


@pytest.mark.parametrize("make", [_na_csv, _latin1, _spss], ids=["na", "latin1", "spss"])
def test_other_shapes_pass_spec_check_and_report(tmp_path, make):  # noqa: ANN001
    data = make(tmp_path)
    out, _ = _init(tmp_path, data)
    check = run("spec", "check", out, "--data", data)
    assert check.exit_code == 0, check.stderr
    report = run("report", out)
    assert report.exit_code in (0, 1), report.stderr
    text = out.read_text(encoding="utf-8")
    assert privacy_corpus.NAME not in text and privacy_corpus.FNR_VALID not in text
    got = spec_mod.load(out)
    if make is _na_csv:
        assert got.dataset.separator == "," and got.dataset.event_date == "visit_date"
        assert got.variables["age"].type == "integer" and got.variables["age"].unknown == ("NA",)
        assert got.variables["sex"].codes == {"Female": "Female", "Male": "Male"}
    elif make is _latin1:
        assert got.dataset.encoding == "cp1252"
        assert (got.dataset.person_id, got.dataset.unit, got.dataset.event_date) == (
            "PasientNr", "Sykehus", "Innleggelsesdato")
        assert got.variables["Diagnose"].codes == {"S72.0": "S72.0", "S72.1": "S72.1",
                                                   "S72.2": "S72.2"}
        assert got.verification.icd10 == ("Diagnose",)
    else:
        assert got.dataset.format == "sav"
        assert got.variables["kjonn"].codes == {"1": "Mann", "2": "Kvinne"}
        assert got.variables["kjonn"].unknown == ("9",)
        assert got.variables["royker"].unknown == ("8",)
        assert got.variables["alder"].unknown == ("999",)
        assert got.variables["alder"].max is not None and got.variables["alder"].max < 999


# --- hostile input ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", hostile.CASES, ids=[c.name for c in hostile.CASES])
def test_hostile_file(tmp_path, case):  # noqa: ANN001
    path = case.write(tmp_path)
    out = tmp_path / "out" / "dq.toml"
    out.parent.mkdir()
    result = run("init", path, "-o", out, *case.args, "--lang", "en")  # nb: test_error_lang
    seen = result.stdout + result.stderr
    assert "Traceback" not in seen, case.name
    for marker in hostile.MARKERS:
        assert marker not in seen, f"{case.name}: {marker!r} leaked"
    assert not _CONTROL.search(result.stderr), case.name
    assert result.exit_code == case.exit_code, (case.name, result.stderr)
    if case.exit_code:
        (line,) = result.stderr.splitlines()
        assert re.search(case.stderr, line), line
        assert not out.exists()
    else:
        text = out.read_text(encoding="utf-8")
        for marker in hostile.MARKERS:
            assert marker not in text, f"{case.name}: {marker!r} in the spec"
        spec_mod.load(out)


_HOSTILE_NAMES = ['Navn "sitat"', "back\\slash", "a\x1b[31mb", "Kjønn ø", "x.y", "første dato"]


def _names_csv(folder: Path) -> Path:
    rows = [";".join(_HOSTILE_NAMES)] + [f"{i};1;2;{i % 2};3;0{1 + i % 9}.01.2023"
                                         for i in range(20)]
    data = folder / "names.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return data


def test_hostile_column_names_are_escaped(tmp_path):
    names = _HOSTILE_NAMES
    data = _names_csv(tmp_path)
    out, result = _init(tmp_path, data)
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x1b" not in result.stderr
    assert set(spec_mod.load(out).variables) == set(names)


@given(st.text())
def test_toml_strings_round_trip(text):
    assert tomllib.loads(f"x = {toml_str(text)}")["x"] == text


# --- one pass over the export ------------------------------------------------------------------

def _registry_frame(n: int, late_code: bool = False) -> pl.DataFrame:
    """An MRS-like export of ``n`` records, all text as a CSV reads: form status 2 = finished
    (5 % drafts), Komplikasjonstype filled only where Komplikasjon = 1, admission 0–3 days before
    the operation, 30 units, valid fødselsnummer. ``late_code``: Kjonn 9 appears only in the last
    rows (after the first rows dq init looks at)."""
    rng = random.Random(14)
    rows = []
    for i in range(n):
        op = date(2021, 1, 1) + timedelta(days=rng.randrange(700))
        adm = op - timedelta(days=rng.randrange(4))
        komp = "1" if rng.random() < 0.2 else "0"
        kjonn = "9" if late_code and i >= n - 10 else rng.choice("12")
        rows.append({
            "PasientID": f"P{i:06d}",
            "Fodselsnummer": privacy_corpus.fodselsnummer(f"{1 + i % 28:02d}0{1 + i % 9}5{i % 10}",
                                                          i % 900),
            "AvdRESH": str(4001 + i % 30),
            "SkjemaStatus": "1" if rng.random() < 0.05 else "2",
            "Operasjonsdato": op.strftime("%d.%m.%Y"),
            "Innleggelsesdato": adm.strftime("%d.%m.%Y"),
            "Komplikasjon": komp,
            "Komplikasjonstype": (rng.choice("1234") if komp == "1" and rng.random() < 0.9
                                  else None),
            "Kjonn": kjonn,
            "Alder": str(rng.randint(18, 99)) if rng.random() > 0.01 else "-1",
        })
    return pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})


def _counting_source(df: pl.DataFrame):  # noqa: ANN202 - (Source, reads)
    """``df`` as a dq Source read through a Polars IO plugin that records every read of it: the
    columns asked for and the rows handed over."""
    from polars.io.plugins import register_io_source

    from dq.io import Source, SourceInfo

    reads: list[list] = []

    def read(with_columns, predicate, n_rows, batch_size):  # noqa: ANN001, ANN202
        part = df if with_columns is None else df.select(with_columns)
        if n_rows is not None:
            part = part.head(n_rows)
        seen = [with_columns, 0]
        reads.append(seen)
        for batch in part.iter_slices(batch_size or 10_000):
            seen[1] += batch.height
            yield batch if predicate is None else batch.filter(predicate)

    info = SourceInfo(path=Path("export.csv"), format="csv", columns=df.columns, blank_free=True)
    return Source(register_io_source(read, schema=df.schema), [info]), reads


@pytest.fixture
def no_in_memory_fallback(monkeypatch):  # noqa: ANN001, ANN201
    """Every query dq init runs streams: none uses Polars' in-memory fallback (which would hold
    whole columns, as value_counts and unique in a select do)."""
    original = pl.LazyFrame.collect

    def collect(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        graph = self.show_graph(engine="streaming", plan_stage="physical", raw_output=True)
        assert "in-memory-map" not in graph and 'fillcolor="0.0 0.3 1.0"' not in graph
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", collect)


def test_init_reads_the_export_once(no_in_memory_fallback):  # noqa: ANN001
    from dq import infer

    n = 30_000  # longer than the first rows (10,000) dq init plans from
    source, reads = _counting_source(_registry_frame(n))
    inf = infer.infer(source, unit_values=True)
    full = [r for r in reads if r[1] == n]
    assert len(full) == 1
    assert sum(r[1] for r in reads) == n + 10_000  # the pass and the first rows, nothing else
    roles = {k: r.column for k, r in inf.roles.items()}
    assert roles == {"national_id": "Fodselsnummer", "person_id": "PasientID",
                     "unit": "AvdRESH", "status": "SkjemaStatus", "created": None,
                     "closed": None, "event_date": "Operasjonsdato"}
    assert inf.finished == "SkjemaStatus = 2" and inf.rows == n
    guesses = {g.name: g for g in inf.variables}
    assert guesses["Komplikasjonstype"].mandatory == "Komplikasjon = 1"
    assert [cond for cond, _ in inf.date_order] == ["Innleggelsesdato <= Operasjonsdato"]
    assert guesses["Kjonn"].codes == {"1": "1", "2": "2"}
    assert guesses["Alder"].unknown == ("-1",) and guesses["Alder"].min == 18
    assert sorted(inf.unit_values) == [str(4001 + i) for i in range(30)]
    # the evidence is exact where it is counted: 30 units; 0 < fødselsnummer share ≤ 1
    unit_note = inf.roles["unit"].notes[0]
    assert unit_note.params == {"distinct": 30, "approx": False}
    assert inf.roles["national_id"].notes[0].params == {"share": 1.0}


def test_values_after_the_first_rows_are_recounted_in_one_narrow_query(no_in_memory_fallback):  # noqa: ANN001
    from dq import infer

    n = 30_000
    source, reads = _counting_source(_registry_frame(n, late_code=True))
    inf = infer.infer(source)
    full = [r for r in reads if r[1] == n]
    # the pass, then the one column whose last rows hold a value the first rows did not show
    assert len(full) == 2 and full[1][0] == ["Kjonn"]
    guesses = {g.name: g for g in inf.variables}
    assert guesses["Kjonn"].codes == {"1": "1", "2": "2"}
    assert guesses["Kjonn"].unknown == ("9",)  # 10 records, beside 1 and 2: likely "unknown"


# --- every fixture: dq init, then dq spec check, then dq report --------------------------------

def _example_csv(folder: Path) -> Path:
    shutil.copy(EXAMPLE / "hoftebrudd.csv", folder / "hoftebrudd.csv")
    return folder / "hoftebrudd.csv"


# (the NA, Latin-1 and SPSS exports: test_other_shapes_pass_spec_check_and_report; the example
# with its codebook: test_spec_check_is_clean_on_the_drafted_spec and the report test above)
_FIXTURES = {"example": _example_csv, "privacy": _privacy_export, "names": _names_csv,
             **{f"hostile_{c.name}": c.write for c in hostile.CASES if c.exit_code == 0}}


@pytest.mark.parametrize("name", list(_FIXTURES))
def test_every_drafted_spec_passes_spec_check_and_report(tmp_path, name):  # noqa: ANN001
    """The spec dq init drafts from any export it reads is clean under dq spec check (exit 0)
    and runs dq report without a usage or input error (exit 0 or 1)."""
    data = _FIXTURES[name](tmp_path)
    out, _ = _init(tmp_path, data)
    check = run("spec", "check", out, "--data", data)
    assert check.exit_code == 0, check.stderr
    report = run("report", out)
    assert report.exit_code in (0, 1), report.stderr
