"""Make the synthetic hip-fracture registry export in examples/hoftebrudd/ (fixed seed).

    python examples/make_hoftebrudd.py

Writes, next to dq.toml (which is written by hand):
  hoftebrudd.csv  the export, MRS-like: ';'-separated, decimal comma, UTF-8 with BOM, dd.mm.yyyy
  enheter.csv     unit table: unit_id (organisation number standing in for the RESH-ID),
                  unit_name, hf, rhf — taken from examples/hospital_structure_2020.csv
  kodebok.csv     codebook in rapwhale's canonical columns
  npr_aggregat.csv   NPR-style reference counts: Behandlingssted (hospital name), Aar,
                     Kodegruppe, Antall
  npr_personer.csv   NPR-style person-level extract for linkage: PasientID, Inndato (ISO),
                     Behandlingssted, Hoveddiagnose
  interrater.csv     inter-rater study, long form: two registrars re-register 60 cases on 15
                     variables of every level (Kasus, Registrar, variables)
  hoftebrudd_oppfolging.csv  the same export after a data-quality project (for dq compare):
                     St. Olavs' EHR gap is closed, Drammen got worse in 2023
  validering.csv     validation against the medical record in Rapporteket's valideringsdatasett
                     format (vld_varnamn, vld_vartype, vld_verdi_intern_*, vld_verdi_ekstern_*)

No real person is in it: PasientID is a running pseudonym, not a national ID number.

Planted problems the dq output must show:
  * St. Olavs moves to a new EHR (Helseplattformen) in November 2022: from then on about a third
    of its records lack ASA, cognitive status, waiting time and operation time;
  * Haugesund overuses the unknown code 9 ("Ukjent") for ASA, cognitive status, home before the
    fracture and transfusion;
  * Komplikasjonstype (applicable when Komplikasjon = 1) is left empty in about 40 % of the
    records where it applies, everywhere.
in the inter-rater study:
  * Antibiotika and Komplikasjon have skewed prevalence: high agreement, low κ (the paradox);
  * Bruddtype and ASA disagree more often (adjacent categories);
and in the validation study:
  * the registry misses about a third of the complications the record shows (low sensitivity);
  * ASA differs from the record in about 12 % of patients (a problem variable);
and in the NPR references:
  * Kristiansand's registry holds only about 55 % of the events NPR has;
  * the private clinic Aleris Nesttun treats hip fractures (NPR has them) but never reports;
  * Diakonhjemmet registers more events than NPR counts (NPR misses ≈ 15 % of them).
Uses only the standard library so that the output does not change with library versions.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20261125
HERE = Path(__file__).resolve().parent
OUT = HERE / "hoftebrudd"
YEARS = range(2019, 2024)
RECORDS = 20_000

# (organisation number, hospital) — one site per hospital, all four RHFs.
UNITS = [
    ("974795833", "Hammerfest"), ("974795930", "Kirkenes"), ("974795787", "Tromsø"),
    ("974795639", "Harstad"), ("974795361", "Bodø"), ("974795515", "Mo i Rana"),
    ("974754118", "Levanger"), ("974753898", "Namsos"), ("974749025", "St. Olavs"),
    ("974329506", "Orkdal"), ("974746948", "Kristiansund"), ("974745569", "Molde"),
    ("974747138", "Ålesund"), ("974747545", "Volda"), ("974316285", "Haraldsplass"),
    ("974744570", "Førde"), ("974557746", "Haukeland"), ("974724774", "Haugesund"),
    ("974742985", "Stord"), ("974703300", "Stavanger"), ("974743272", "Voss"),
    ("974706490", "Ahus"), ("974589095", "Ullevål"), ("974633574", "Tønsberg"),
    ("974724960", "Hamar"), ("874632562", "Lillehammer"), ("974633191", "Skien"),
    ("974633752", "Kalnes"), ("974733013", "Kristiansand"), ("974631326", "Drammen"),
    ("974705788", "Bærum"), ("974207532", "Lovisenberg"), ("974116804", "Diakonhjemmet"),
]
NON_REPORTING = ("974518821", "Aleris Nesttun")  # private clinic: in NPR, never in the registry
LOW_COVERAGE_UNIT, LOW_COVERAGE = "974733013", 0.55  # Kristiansand
OVER_REFERENCE_UNIT = "974116804"  # Diakonhjemmet: NPR misses some of its events
SLOW_UNIT = "974795639"  # Harstad registers weeks after the operation
DUPLICATE_UNIT = "974633191"  # Skien: a dozen forms registered twice
WORSENING_UNIT = "974631326"  # Drammen: worse in the follow-up export
EHR_CHANGE_UNIT, EHR_CHANGE_DATE = "974749025", date(2022, 11, 1)
UNKNOWN_OVERUSE_UNIT = "974724774"

# name: (label, kodebok type, codes {code: text} or (min, max, decimals), mandatory, unknown codes)
VARIABLES: dict[str, tuple] = {
    "PasientID": ("Pasient-ID (pseudonym)", "tekst", None, True, ()),
    "Fodselsnummer": ("Fødselsnummer (syntetisk)", "tekst", None, True, ()),
    "SkjemaStatus": ("Skjemastatus", "kategorisk", {"1": "Kladd", "2": "Ferdigstilt"}, True, ()),
    "AvdRESH": ("Avdeling (RESH)", "tekst", None, True, ()),
    "Kjonn": ("Kjønn", "kategorisk", {"1": "Mann", "2": "Kvinne"}, True, ()),
    "Alder": ("Alder ved brudd", "numerisk", (18, 110, 0), True, ("-1",)),
    "Bruddato": ("Bruddato", "dato", ("2018-12-01", "2023-12-31", None), True, ()),
    "Innleggelsesdato": ("Innleggelsesdato", "dato", ("2018-12-01", "2023-12-31", None), True, ()),
    "Operasjonsdato": ("Operasjonsdato", "dato", ("2019-01-01", "2023-12-31", None), True, ()),
    "Side": ("Side", "kategorisk", {"1": "Høyre", "2": "Venstre"}, True, ()),
    "Bruddtype": ("Bruddtype", "kategorisk",
                  {"1": "Lårhals udislokert", "2": "Lårhals dislokert", "3": "Pertrokantær",
                   "4": "Subtrokantær", "5": "Annet", "9": "Ukjent"}, True, ("9",)),
    "Operasjonsmetode": ("Operasjonsmetode", "kategorisk",
                         {"1": "Skruer", "2": "Hemiprotese", "3": "Totalprotese",
                          "4": "Glideskrue", "5": "Kort margnagle", "6": "Lang margnagle",
                          "7": "Annet"}, True, ()),
    "ASA": ("ASA-klasse", "kategorisk",
            {"1": "ASA 1", "2": "ASA 2", "3": "ASA 3", "4": "ASA 4", "5": "ASA 5", "9": "Ukjent"},
            True, ("9",)),
    "KognitivSvikt": ("Kognitiv svikt", "kategorisk",
                      {"0": "Nei", "1": "Ja", "9": "Usikker"}, True, ("9",)),
    "BostedForBrudd": ("Bosted før brudd", "kategorisk",
                       {"1": "Hjemme", "2": "Omsorgsbolig", "3": "Sykehjem", "9": "Ukjent"},
                       True, ("9",)),
    "Anestesi": ("Anestesitype", "kategorisk",
                 {"1": "Spinal", "2": "Generell", "3": "Annet"}, True, ()),
    "Nerveblokk": ("Perifer nerveblokk", "kategorisk", {"0": "Nei", "1": "Ja"}, True, ()),
    "VentetidTimer": ("Tid fra innleggelse til operasjon (timer)", "numerisk", (0, 720, 1),
                      True, ()),
    "Operasjonstid": ("Operasjonstid (minutter)", "numerisk", (5, 400, 0), True, ()),
    "Kirurg": ("Kirurgens erfaring", "kategorisk",
               {"1": "Spesialist", "2": "LIS", "9": "Ukjent"}, True, ("9",)),
    "Antibiotika": ("Antibiotikaprofylakse", "kategorisk", {"0": "Nei", "1": "Ja"}, True, ()),
    "Tromboseprofylakse": ("Tromboseprofylakse", "kategorisk",
                           {"0": "Nei", "1": "Ja", "9": "Ukjent"}, True, ("9",)),
    "Blodtransfusjon": ("Blodtransfusjon", "kategorisk",
                        {"0": "Nei", "1": "Ja", "9": "Ukjent"}, True, ("9",)),
    "Komplikasjon": ("Peroperativ komplikasjon", "kategorisk", {"0": "Nei", "1": "Ja"}, True, ()),
    "Komplikasjonstype": ("Komplikasjonstype", "kategorisk",
                          {"1": "Blødning", "2": "Fraktur", "3": "Anestesi", "4": "Hjerte",
                           "5": "Annet"}, False, ()),
    "VektKg": ("Vekt (kg)", "numerisk", (30, 200, 1), False, ()),
    "HoydeCm": ("Høyde (cm)", "numerisk", (120, 210, 0), False, ()),
    "OpprettetDato": ("Skjema opprettet", "dato_kl", None, True, ()),
    "ForstLukket": ("Skjema først ferdigstilt", "dato_kl", None, False, ()),
}


def unit_rows() -> list[dict[str, str]]:
    with (HERE / "hospital_structure_2020.csv").open(encoding="utf-8") as fh:
        tree = {r["OrgNr"]: r for r in csv.DictReader(fh, delimiter=";")}
    rows = []
    for org, name in [*UNITS, NON_REPORTING]:
        hf = tree[tree[org]["NivaaOpp"]]
        rhf = tree[hf["NivaaOpp"]]
        rows.append({"unit_id": org, "unit_name": name, "hf": hf["Kortnavn"],
                     "rhf": rhf["Kortnavn"]})
    return rows


def dmy(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def dmy_hms(t: datetime) -> str:
    return t.strftime("%d.%m.%Y %H:%M:%S")


def decimal_comma(x: float, places: int = 1) -> str:
    return f"{x:.{places}f}".replace(".", ",")


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_record(rng: random.Random, pid: int, unit: str, year: int,
                followup: bool = False) -> dict[str, str]:
    op = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    fracture = op - timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 3]))
    admitted = fracture + timedelta(days=rng.choice([0, 0, 0, 0, 1]))
    age = min(104, max(50, int(rng.gauss(82, 8))))
    sex = "2" if rng.random() < 0.68 else "1"
    ftype = pick(rng, {"1": 8, "2": 42, "3": 35, "4": 9, "5": 4, "9": 2})
    method = {"1": "1", "2": pick(rng, {"2": 85, "3": 15}), "3": pick(rng, {"4": 60, "5": 40}),
              "4": "6", "5": "7", "9": pick(rng, {"2": 50, "4": 50})}[ftype]
    wait = max(1.0, rng.lognormvariate(math.log(20), 0.6))
    complication = "1" if rng.random() < 0.08 else "0"
    hours = 8 + rng.randrange(10)
    delay = max(0, int(rng.lognormvariate(math.log(4), 1.0)))
    if unit == SLOW_UNIT:
        delay = delay * 6 + 20
    created = datetime.combine(op, datetime.min.time()) + timedelta(hours=hours, days=delay)
    closed = created + timedelta(days=rng.randrange(0, 20), hours=rng.randrange(8))
    rec = {
        "PasientID": f"P{pid:06d}",
        "Fodselsnummer": "",
        "SkjemaStatus": "2" if rng.random() > 0.02 else "1",
        "AvdRESH": unit,
        "Kjonn": sex,
        "Alder": str(age),
        "Bruddato": dmy(fracture),
        "Innleggelsesdato": dmy(admitted),
        "Operasjonsdato": dmy(op),
        "Side": rng.choice("12"),
        "Bruddtype": ftype,
        "Operasjonsmetode": method,
        "ASA": pick(rng, {"1": 3, "2": 30, "3": 52, "4": 13, "5": 1, "9": 1}),
        "KognitivSvikt": pick(rng, {"0": 62, "1": 30, "9": 8}),
        "BostedForBrudd": pick(rng, {"1": 70, "2": 12, "3": 17, "9": 1}),
        "Anestesi": pick(rng, {"1": 84, "2": 14, "3": 2}),
        "Nerveblokk": "1" if rng.random() < 0.7 else "0",
        "VentetidTimer": decimal_comma(wait),
        "Operasjonstid": str(max(15, int(rng.gauss(75, 25)))),
        "Kirurg": pick(rng, {"1": 35, "2": 63, "9": 2}),
        "Antibiotika": "1" if rng.random() < 0.97 else "0",
        "Tromboseprofylakse": pick(rng, {"0": 3, "1": 95, "9": 2}),
        "Blodtransfusjon": pick(rng, {"0": 70, "1": 28, "9": 2}),
        "Komplikasjon": complication,
        "Komplikasjonstype": pick(rng, {"1": 40, "2": 20, "3": 15, "4": 10, "5": 15})
        if complication == "1" else "",
        "VektKg": decimal_comma(rng.gauss(66, 13)) if rng.random() < 0.55 else "",
        "HoydeCm": str(int(rng.gauss(166, 9))) if rng.random() < 0.45 else "",
        "OpprettetDato": dmy_hms(created),
        "ForstLukket": dmy_hms(closed),
    }
    # Background noise: a little missing everywhere, a few invalid values.
    for name in ("ASA", "KognitivSvikt", "VentetidTimer", "Operasjonstid", "Kirurg", "Side",
                 "Anestesi", "BostedForBrudd", "Blodtransfusjon", "Tromboseprofylakse"):
        if rng.random() < 0.015:
            rec[name] = ""
    if rng.random() < 0.002:
        rec["Alder"] = rng.choice(["150", "-1", "8"])
    if rng.random() < 0.002:
        rec["Operasjonstid"] = "0"
    if complication == "1" and rng.random() < 0.40:
        rec["Komplikasjonstype"] = ""  # the conditional variable left empty where it applies
    if unit == EHR_CHANGE_UNIT and op >= EHR_CHANGE_DATE:
        for name in ("ASA", "KognitivSvikt", "VentetidTimer", "Operasjonstid", "Nerveblokk"):
            if rng.random() < 0.35 and not followup:  # the follow-up: the project fixed this
                rec[name] = ""
    if unit == UNKNOWN_OVERUSE_UNIT:
        for name in ("ASA", "KognitivSvikt", "BostedForBrudd", "Blodtransfusjon"):
            if rng.random() < 0.30:
                rec[name] = "9"
    if rec["SkjemaStatus"] == "1":
        rec["ForstLukket"] = ""
        for name in ("Operasjonstid", "Komplikasjon", "Antibiotika"):
            if rng.random() < 0.5:
                rec[name] = ""
    return rec


def generate(followup: bool = False) -> list[dict[str, str]]:
    """The export; ``followup`` is the same registry after a data-quality project (St. Olavs'
    EHR gap closed) in which Drammen got worse (ASA, cognitive status and waiting time missing
    in 2023)."""
    rng = random.Random(SEED)
    sizes = {org: rng.uniform(0.4, 2.5) for org, _ in UNITS}
    for big in ("974589095", "974557746", "974706490", "974749025", "974703300"):
        sizes[big] *= 2.2
    records = []
    per_year = RECORDS // len(YEARS)
    pid = 0
    for year in YEARS:
        for _ in range(per_year):
            pid += 1
            unit = rng.choices(list(sizes), weights=list(sizes.values()))[0]
            records.append(make_record(rng, pid, unit, year, followup))
    add_identity_numbers(records)
    add_duplicates(records)
    if followup:
        worse = random.Random(SEED + 6)
        for rec in records:
            if rec["AvdRESH"] == WORSENING_UNIT and rec["Operasjonsdato"].endswith("2023"):
                for name in ("ASA", "KognitivSvikt", "VentetidTimer"):
                    if worse.random() < 0.4:
                        rec[name] = ""
    records.sort(key=lambda r: (r["Operasjonsdato"][6:], r["Operasjonsdato"][3:5],
                                r["Operasjonsdato"][:2], r["PasientID"]))
    return records


def write_export(records: list[dict[str, str]], name: str) -> None:
    with (OUT / name).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(VARIABLES), delimiter=";",
                                quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    units = unit_rows()
    records = generate()
    write_export(records, "hoftebrudd.csv")
    write_export(generate(followup=True), "hoftebrudd_oppfolging.csv")
    with (OUT / "enheter.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["unit_id", "unit_name", "hf", "rhf"],
                                delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(units)
    with (OUT / "kodebok.csv").open("w", encoding="utf-8", newline="") as fh:
        cols = ["variabel_id", "variabeltype", "min", "maks", "desimalar", "verdi", "verditekst",
                "obligatorisk", "manglande", "variabeletikett"]
        writer = csv.DictWriter(fh, fieldnames=cols, delimiter=";", lineterminator="\n")
        writer.writeheader()
        for name, (label, vtype, spec, mandatory, unknown) in VARIABLES.items():
            base = {"variabel_id": name, "variabeltype": vtype, "variabeletikett": label,
                    "obligatorisk": "ja" if mandatory else "nei"}
            if isinstance(spec, dict):
                for code, text in spec.items():
                    writer.writerow({**base, "verdi": code, "verditekst": text,
                                     "manglande": "ja" if code in unknown else "nei"})
            elif isinstance(spec, tuple):
                lo, hi, places = spec
                writer.writerow({**base, "min": lo, "maks": hi,
                                 "desimalar": "" if places is None else places})
            else:
                writer.writerow(base)
    write_references(records, units)
    write_interrater(records)
    write_validation(records, {u["unit_id"]: u["unit_name"] for u in units})
    print(f"wrote {len(records)} records from {len(UNITS)} units to {OUT}")


def synthetic_fnr(rng: random.Random, born: date) -> str:
    """A synthetic national ID number (Skatteetaten's Tenor style: month + 80) with valid control
    digits — never a real person's number."""
    while True:
        base = f"{born.day:02d}{born.month + 80:02d}{born.year % 100:02d}{rng.randrange(500):03d}"
        d = [int(c) for c in base]
        k1 = (11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d)) % 11) % 11
        if k1 == 10:
            continue
        k2 = (11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), [*d, k1])) % 11) % 11
        if k2 != 10:
            return f"{base}{k1}{k2}"


def add_identity_numbers(records: list[dict[str, str]]) -> None:
    """Synthetic national ID numbers; 40 with a wrong control digit and 10 of the wrong length."""
    rng = random.Random(SEED + 4)
    for rec in records:
        fracture = datetime.strptime(rec["Bruddato"], "%d.%m.%Y").date()
        age = int(rec["Alder"]) if rec["Alder"].lstrip("-").isdigit() and 40 < int(rec["Alder"]) < 110 else 80
        born = date(fracture.year - age, rng.randint(1, 12), rng.randint(1, 28))
        rec["Fodselsnummer"] = synthetic_fnr(rng, born)
    for rec in rng.sample(records, 40):
        last = int(rec["Fodselsnummer"][-1])
        rec["Fodselsnummer"] = rec["Fodselsnummer"][:-1] + str((last + 1) % 10)
    for rec in rng.sample(records, 10):
        rec["Fodselsnummer"] = rec["Fodselsnummer"][:9]


def add_duplicates(records: list[dict[str, str]]) -> None:
    """A dozen forms at one unit registered twice: same patient, same operation date."""
    rng = random.Random(SEED + 5)
    at_unit = [i for i, r in enumerate(records) if r["AvdRESH"] == DUPLICATE_UNIT]
    for i in rng.sample(at_unit[1:], 12):
        j = at_unit[at_unit.index(i) - 1]
        for key in ("PasientID", "Fodselsnummer", "Operasjonsdato", "Bruddato",
                    "Innleggelsesdato"):
            records[i][key] = records[j][key]


def code_group(fracture_type: str) -> str:
    return {"3": "S72.1", "4": "S72.2"}.get(fracture_type, "S72.0")


def write_references(records: list[dict[str, str]], units: list[dict[str, str]]) -> None:
    """NPR's view of the same hip fractures: most registry events, plus events the registry
    missed, so that each unit's coverage is what it is planned to be."""
    rng = random.Random(SEED + 1)
    names = {u["unit_id"]: u["unit_name"] for u in units}
    coverage = {u: rng.uniform(0.86, 0.97) for u, _ in UNITS}
    coverage[LOW_COVERAGE_UNIT] = LOW_COVERAGE
    npr: list[dict[str, str]] = []
    per_unit_year: dict[tuple[str, int], int] = {}
    for rec in records:
        op = datetime.strptime(rec["Operasjonsdato"], "%d.%m.%Y").date()
        if rec["SkjemaStatus"] == "2":
            key = (rec["AvdRESH"], op.year)
            per_unit_year[key] = per_unit_year.get(key, 0) + 1
        seen = 0.85 if rec["AvdRESH"] == OVER_REFERENCE_UNIT else 0.985
        if rng.random() < seen:
            admitted = datetime.strptime(rec["Innleggelsesdato"], "%d.%m.%Y").date()
            npr.append({"PasientID": rec["PasientID"],
                        "Inndato": (admitted + timedelta(days=rng.choice([0, 0, 0, 1, -1])))
                        .isoformat(), "Behandlingssted": names[rec["AvdRESH"]],
                        "Hoveddiagnose": code_group(rec["Bruddtype"])})
    pid = 900_000
    for (unit, year), n_reg in sorted(per_unit_year.items()):
        if unit == OVER_REFERENCE_UNIT:
            continue
        missed = round(n_reg * (1 / coverage[unit] - 1) * rng.uniform(0.9, 1.1))
        for _ in range(missed):
            pid += 1
            npr.append(npr_only(rng, pid, names[unit], year))
    for year in YEARS:
        for _ in range(rng.randint(20, 35)):
            pid += 1
            npr.append(npr_only(rng, pid, NON_REPORTING[1], year))
    npr.sort(key=lambda r: (r["Inndato"], r["PasientID"]))
    with (OUT / "npr_personer.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(npr[0]), delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(npr)
    counts: dict[tuple[str, int, str], int] = {}
    for row in npr:
        key = (row["Behandlingssted"], int(row["Inndato"][:4]), row["Hoveddiagnose"])
        counts[key] = counts.get(key, 0) + 1
    with (OUT / "npr_aggregat.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(["Behandlingssted", "Aar", "Kodegruppe", "Antall"])
        for (name, year, group), n in sorted(counts.items()):
            if year in YEARS:
                writer.writerow([name, year, group, n])


RELIABILITY_VARS = ["Kjonn", "Side", "Bruddtype", "Operasjonsmetode", "Anestesi", "Nerveblokk",
                    "Antibiotika", "Komplikasjon", "BostedForBrudd", "Tromboseprofylakse", "ASA",
                    "Alder", "VentetidTimer", "Operasjonstid", "VektKg"]


def write_interrater(records: list[dict[str, str]]) -> None:
    """Registrar A is the registry; registrar B re-registers the same 60 cases from the record."""
    rng = random.Random(SEED + 2)
    finished = [r for r in records if r["SkjemaStatus"] == "2" and r["Komplikasjon"]]
    cases = rng.sample(finished, 60)
    rows = []
    for i, rec in enumerate(cases, start=1):
        a = {v: rec[v] for v in RELIABILITY_VARS}
        b = dict(a)
        flip = {"Nerveblokk": 0.08, "Side": 0.02,
                "Anestesi": 0.05, "Tromboseprofylakse": 0.05, "BostedForBrudd": 0.08}
        for var, p in flip.items():
            if rng.random() < p:
                options = {"Nerveblokk": "01", "Antibiotika": "01", "Komplikasjon": "01",
                           "Side": "12", "Anestesi": "123", "Tromboseprofylakse": "01",
                           "BostedForBrudd": "123"}[var]
                b[var] = rng.choice([o for o in options if o != a[var]] or list(options))
        if rng.random() < 0.15 and a["Bruddtype"] and a["Bruddtype"] in "1234":
            b["Bruddtype"] = {"1": "2", "2": "1", "3": "4", "4": "3"}[a["Bruddtype"]]
        if rng.random() < 0.2 and a["ASA"] and a["ASA"] in "12345":
            b["ASA"] = str(min(5, max(1, int(a["ASA"]) + rng.choice([-1, 1]))))
        if rng.random() < 0.1:
            b["Operasjonsmetode"] = rng.choice("1234567")
        if a["VentetidTimer"]:
            b["VentetidTimer"] = decimal_comma(max(0.5, float(a["VentetidTimer"].replace(",", "."))
                                                   + rng.gauss(0, 2.5)))
        if a["Operasjonstid"]:
            b["Operasjonstid"] = str(max(10, int(a["Operasjonstid"]) + round(rng.gauss(0, 8))))
        if a["VektKg"]:
            b["VektKg"] = decimal_comma(float(a["VektKg"].replace(",", ".")) + rng.gauss(0, 2))
        elif rng.random() < 0.5:
            b["VektKg"] = decimal_comma(rng.gauss(66, 12))
        if rng.random() < 0.05:
            b["Alder"] = str(int(a["Alder"]) + 1)
        if i in (7, 23, 41):  # rare "no antibiotics": the registrars disagree on which
            b["Antibiotika"] = "0" if a["Antibiotika"] == "1" else "1"
        if i in (5, 18, 33, 52):  # complications are rare: a few disagreements weigh heavily
            b["Komplikasjon"] = "1" if a["Komplikasjon"] == "0" else "0"
        rows.append({"Kasus": f"K{i:02d}", "Registrar": "A", **a})
        rows.append({"Kasus": f"K{i:02d}", "Registrar": "B", **b})
    with (OUT / "interrater.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["Kasus", "Registrar", *RELIABILITY_VARS],
                                delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_validation(records: list[dict[str, str]], names: dict[str, str]) -> None:
    """The registry against the medical record for 80 patients at four hospitals."""
    rng = random.Random(SEED + 3)
    units = ["974557746", "974749025", "974706490", "974795787"]
    pool = [r for r in records if r["SkjemaStatus"] == "2" and r["AvdRESH"] in units]
    patients = rng.sample(pool, 80)
    rows = []
    base_cols = {"PasientID": "", "Sykehus": "", "HorerTil": ""}
    for rec in patients:
        belongs = "nei" if rng.random() < 0.03 else "ja"
        ident = {"PasientID": rec["PasientID"], "Sykehus": names[rec["AvdRESH"]],
                 "HorerTil": belongs}
        journal_asa = rec["ASA"]
        if rec["ASA"] and rec["ASA"] in "12345" and rng.random() < 0.12:
            journal_asa = str(min(5, max(1, int(rec["ASA"]) + rng.choice([-1, 1]))))
        complication = rec["Komplikasjon"] == "1"
        journal_comp = complication or rng.random() < 0.045  # the record shows more
        op = datetime.strptime(rec["Operasjonsdato"], "%d.%m.%Y").date()
        journal_op = op + timedelta(days=rng.choice([0] * 18 + [1, 2]))
        optime = rec["Operasjonstid"]
        journal_optime = (str(max(10, int(optime) + round(rng.gauss(0, 4)))) if optime else "")
        values = [
            ("ASA", "tekst", rec["ASA"], journal_asa),
            ("Bruddtype", "tekst", rec["Bruddtype"],
             rec["Bruddtype"] if rng.random() > 0.05 else rng.choice("12345")),
            ("Komplikasjon", "logisk", "TRUE" if complication else "FALSE",
             "TRUE" if journal_comp else "FALSE"),
            ("Antibiotika", "logisk", "TRUE" if rec["Antibiotika"] == "1" else "FALSE",
             "TRUE" if (rec["Antibiotika"] == "1") ^ (rng.random() < 0.02) else "FALSE"),
            ("Alder", "tal", rec["Alder"], rec["Alder"]),
            ("Operasjonstid", "tal", optime, journal_optime),
            ("Operasjonsdato", "dato", op.isoformat(), journal_op.isoformat()),
        ]
        for name, vtype, intern, extern in values:
            row = {**base_cols, **ident, "vld_varnamn": name, "vld_vartype": vtype}
            for t in ("tekst", "logisk", "tal", "dato"):
                row[f"vld_verdi_intern_{t}"] = intern if t == vtype else ""
                row[f"vld_verdi_ekstern_{t}"] = extern if t == vtype else ""
            rows.append(row)
    with (OUT / "validering.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def npr_only(rng: random.Random, pid: int, unit_name: str, year: int) -> dict[str, str]:
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    return {"PasientID": f"P{pid:06d}", "Inndato": day.isoformat(), "Behandlingssted": unit_name,
            "Hoveddiagnose": rng.choice(["S72.0", "S72.0", "S72.1", "S72.2"])}


if __name__ == "__main__":
    main()
