"""A copy of examples/hoftebrudd with patient identifiers planted where they do not belong.

Used by tests/test_privacy.py. Every planted value is a *marker*: a fødselsnummer (one that only
looks valid, one with correct control digits, and one per planting site so a leak names the site
it came from), a name, a phone number and a person-id-like token. dq may print column and variable
names, declared codes and their labels, unit ids and names from the unit table, counts and
statistics (domain.md "Privacy") — none of the markers is any of these, so none may appear in
anything dq writes.

Units: unit ids and names may be printed, but only those of the unit table (the declaration of
the registry's units). A name or a fødselsnummer typed into the unit column is "a value that is not
a declared code" (domain.md) — an invalid entry to be counted and described by column and row,
never shown. So markers are planted in the unit columns too (export ``AvdRESH``, NPR
``Behandlingssted``, the validation study's ``Sykehus``), with their own site fnr so that such a
leak is reported under the unit site.

The export is thinned to every 4th record (5,000) and the NPR references with it, so that the
privacy test runs the whole command matrix within about a minute; the planted markers do not
depend on the size.
"""

from __future__ import annotations

import bisect
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hoftebrudd"

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def fodselsnummer(birth: str, individual: int) -> str:
    """A number with correct control digits (domain.md "National ID numbers"), computed here
    independently of dq. ``individual`` moves on until both control digits exist."""
    for ind in range(individual, individual + 100):
        base = f"{birth}{ind % 1000:03d}"
        k1 = (11 - sum(w * int(c) for w, c in zip(W1, base, strict=True)) % 11) % 11
        if k1 == 10:
            continue
        k2 = (11 - sum(w * int(c) for w, c in zip(W2, base + str(k1), strict=True)) % 11) % 11
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"
    raise ValueError(birth)


def fnr_is_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{11}", number):
        return False
    k1 = (11 - sum(w * int(c) for w, c in zip(W1, number[:9], strict=True)) % 11) % 11
    k2 = (11 - sum(w * int(c) for w, c in zip(W2, number[:10], strict=True)) % 11) % 11
    return k1 == int(number[9]) and k2 == int(number[10])


FNR_PLAIN = "01017012345"          # looks like one (DDMMYY III KK), control digits not checked
# Born 1 January 2038 (individual numbers 500-999 with year 00-39 are 2000-2039): the control
# digits are right, and nobody has this number yet.
FNR_VALID = fodselsnummer("010138", 500)
NAME = "Kari Nordmannsen"
PHONE = "+47 912 34 567"
PID = "PID-8675309"
COMMON = (FNR_PLAIN, FNR_VALID, NAME, PHONE, PID, f"{FNR_PLAIN[:6]} {FNR_PLAIN[6:]}")

# Control characters (C0 but tab and line ends, DEL, C1) and bidi controls: names may be printed,
# these characters only as escapes (README "Privacy").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069]")
CONTROL_NAME = "Merknad\x1b[2J\x1b[31m\x07\x08\x7f\u009b6n\u202eLDP"  # a column name carrying them


def spaced(fnr: str) -> str:
    return f"{fnr[:6]} {fnr[6:]}"


@dataclass(frozen=True)
class Needle:
    kind: str              # FNR, NAME, PHONE, PID
    text: str
    site: str = ""         # the planting site, for site-specific numbers
    ci: bool = False       # case-insensitive
    digits: bool = False   # also search the line with spaces between digits removed


@dataclass
class Corpus:
    root: Path
    spec: Path
    sites: dict[str, str] = field(default_factory=dict)       # site -> its own fnr
    planted: dict[str, int] = field(default_factory=dict)     # site -> values planted

    def site_fnr(self, site: str) -> str:
        if site not in self.sites:
            k = len(self.sites) + 1
            # day k (1-28), month 2-12 of 2038: distinct numbers, none of them anybody's yet
            self.sites[site] = fodselsnummer(f"{(k - 1) % 28 + 1:02d}{2 + (k - 1) // 28:02d}38",
                                             500 + 7 * k)
        return self.sites[site]

    def values(self, site: str) -> list[str]:
        """The markers planted at one site: the common ones, then the site's own number."""
        own = self.site_fnr(site)
        self.planted[site] = self.planted.get(site, 0) + 7
        return [*COMMON, own]

    def needles(self) -> list[Needle]:
        out: list[Needle] = []
        for fnr, site in [(FNR_PLAIN, ""), (FNR_VALID, ""),
                          *((f, s) for s, f in self.sites.items())]:
            out.append(Needle("FNR", fnr, site, digits=True))
            out.append(Needle("FNR", spaced(fnr), site))
            if fnr.startswith("0"):   # read as a number
                out.append(Needle("FNR", fnr.lstrip("0"), site, digits=True))
        out += [Needle("NAME", NAME.lower(), ci=True), Needle("NAME", "nordmann", ci=True),
                Needle("PHONE", "912 34 567"), Needle("PHONE", "91234567", digits=True),
                Needle("PID", "8675309", digits=True)]
        return out


_DIGIT_GAP = re.compile(r"(\d)[ \u00a0\u2009\u202f]+(?=\d)")


def find(needles: list[Needle], text: str) -> list[tuple[Needle, str]]:
    """(needle, line) for every marker in text: as written, case-insensitively where the needle
    says so, and with spaces between digits removed (a number shown with digit groups); one hit
    per needle and line."""
    views = (
        (text, [n for n in needles if not n.ci and not n.digits]),
        (text.lower(), [n for n in needles if n.ci]),
        # digit needles: a run of digits stays whole when the gaps are removed
        (_DIGIT_GAP.sub(r"\1", text), [n for n in needles if n.digits]),  # keeps line breaks
    )
    lines = text.split("\n")
    hits: dict[tuple[str, str, int], tuple[Needle, str]] = {}
    for view, group in views:
        starts: list[int] = []
        for needle in group:
            at = view.find(needle.text)
            while at != -1:
                if not starts:
                    starts = [0, *(m.end() for m in re.finditer("\n", view))]
                number = bisect.bisect_right(starts, at) - 1
                # the line as written (the views keep the line breaks where they are)
                hits.setdefault((needle.kind, needle.site, number), (needle, lines[number]))
                at = view.find(needle.text, at + 1)
    return list(hits.values())


def excerpt(needles: list[Needle], needle: Needle, line: str, width: int = 110) -> str:
    """The line masked, cut to the part around the marker."""
    at = (line.lower() if needle.ci else line).find(needle.text)
    if at > 3 * width:   # mask a window, not a whole JSON or XML file on one line
        line = "…" + line[at - 3 * width:at + 3 * width]
    masked = mask(needles, line)
    token = f"<{needle.kind}@{needle.site}>" if needle.site else f"<{needle.kind}"
    at = max(masked.find(token), 0)
    return (("…" if at > width else "") + masked[max(0, at - width):at + width].strip()
            + ("…" if at + width < len(masked) else ""))


def mask(needles: list[Needle], text: str) -> str:
    """The text with every marker replaced by <FNR>, <NAME>, <PHONE>, <PID>, and raw control
    characters shown as ⟨raw U+001B⟩ (for reports)."""
    text = re.sub(re.escape(NAME), "<NAME>", text, flags=re.IGNORECASE)
    text = re.sub("nordmann", "<NAME>", text, flags=re.IGNORECASE)
    for n in sorted(needles, key=lambda n: -len(n.text)):
        if not n.ci:
            text = text.replace(n.text, f"<{n.kind}{'@' + n.site if n.site else ''}>")
    return CONTROL.sub(lambda m: f"⟨raw U+{ord(m.group()):04X}⟩", text)


# --- reading and writing the example's ;-separated files -------------------------------------

def _read(path: Path) -> tuple[bool, list[str], list[list[str]]]:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    return bom, lines[0].split(";"), [line.split(";") for line in lines[1:] if line]


def _write(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    text = "\n".join(";".join(r) for r in [header, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def _spread(rows: list[list[str]], n: int, taken: set[int],
            ok: Callable[[list[str]], bool] = lambda r: True) -> list[int]:
    """n row indexes spread evenly over the file (so over the years), unused so far."""
    picked: list[int] = []
    step = max(1, len(rows) // (n + 1))
    i = step // 2 + len(taken) % step
    while len(picked) < n:
        i %= len(rows)
        if i not in taken and ok(rows[i]):
            picked.append(i)
            taken.add(i)
            i += step
        else:
            i += 1
    return picked


EXPORT_SITES = (
    # column                kind of column
    ("ASA", "categorical (ordinal, compared between years)"),
    ("Kjonn", "categorical"),
    ("Komplikasjonstype", "categorical, conditional"),
    ("Alder", "integer"),
    ("VentetidTimer", "decimal"),
    ("Bruddato", "date (date_order, no_future)"),
    ("Operasjonsdato", "date (event date, duplicate key)"),
    ("OpprettetDato", "datetime (timeliness)"),
    ("Kommentar", "free text"),
    ("Hoveddiagnose", "ICD-10 code"),
    ("Prosedyre", "NCSP code"),
    ("Fodselsnummer", "national id"),
    ("PasientID", "person id"),
    ("AvdRESH", "unit column, not in the unit table"),
)
# Planted in a third export of their own (hoftebrudd_betingelser.csv): a dq that cannot read
# a condition column stops, and would then hide every other leak of the run.
CONDITION_SITES = (
    ("SkjemaStatus", "condition column ([dataset] finished)"),
    ("Komplikasjon", "condition column (Komplikasjonstype's mandatory)"),
)
ICD = ("S72.0", "S72.1", "S72.2")
NCSP = ("NFB12", "NFB62", "NFJ52", "NFJ62")


def _export(corpus: Corpus, source: str, name: str,
            sites: tuple[tuple[str, str], ...] = EXPORT_SITES) -> list[str]:
    """Thin, extend (Kommentar, Hoveddiagnose, Prosedyre) and plant one export; returns the
    person ids kept."""
    bom, header, rows = _read(EXAMPLE / source)
    rows = [r for i, r in enumerate(rows) if i % 4 == 0]
    header = [*header, "Kommentar", "Hoveddiagnose", "Prosedyre"]
    for i, r in enumerate(rows):
        r += ["Kontrollert" if i % 37 == 0 else "", ICD[i % 3], NCSP[i % 4]]
    col = {c: header.index(c) for c in header}
    finished = col["SkjemaStatus"]
    taken: set[int] = set()
    for column, _ in sites:
        site = f"{name}:{column}"
        values = corpus.values(site)
        for idx, value in zip(_spread(rows, len(values), taken, lambda r: r[finished] == "2"),
                              values, strict=True):
            rows[idx][col[column]] = value
            if column == "PasientID" and value == PID:
                rows.append(list(rows[idx]))   # a duplicate (PasientID, Operasjonsdato)
    _write(corpus.root / name, header, rows, bom)
    return [r[col["PasientID"]] for r in rows]


def _npr(corpus: Corpus, persons: set[str]) -> None:
    _, header, rows = _read(EXAMPLE / "npr_aggregat.csv")
    for r in rows:
        r[3] = str(max(1, round(int(r[3]) / 4)))
    for column in ("Behandlingssted", "Kodegruppe"):
        values = corpus.values(f"npr_aggregat.csv:{column}")
        if column == "Behandlingssted":
            # NPR's aggregate counts name their units, and unit names are printed by design
            # (README "Privacy": so that an unmatched reference unit can be mapped). A name
            # there cannot be told from a unit name; an ID number can, and must never show.
            values = [v for v in values if v.replace(" ", "").isdigit()]
        for k, value in enumerate(values):
            row = ["Ahus", str(2019 + k % 5), "S72.0", "3"]
            row[header.index(column)] = value
            rows.append(row)
    _write(corpus.root / "npr_aggregat.csv", header, rows)

    _, header, rows = _read(EXAMPLE / "npr_personer.csv")
    rows = [r for i, r in enumerate(rows) if r[0] in persons or i % 4 == 0]
    taken: set[int] = set()
    for column in ("PasientID", "Inndato", "Behandlingssted", "Hoveddiagnose"):
        values = corpus.values(f"npr_personer.csv:{column}")
        for idx, value in zip(_spread(rows, len(values), taken), values, strict=True):
            rows[idx][header.index(column)] = value
    _write(corpus.root / "npr_personer.csv", header, rows)


def _interrater(corpus: Corpus) -> None:
    bom, header, rows = _read(EXAMPLE / "interrater.csv")
    taken: set[int] = set()
    # a case id: both registrars' rows of seven cases
    cases = sorted({r[0] for r in rows})
    for case, value in zip(cases[3::8], corpus.values("interrater.csv:Kasus"), strict=False):
        for i, r in enumerate(rows):
            if r[0] == case:
                r[0] = value
                taken.add(i)
    for column in ("ASA", "Bruddtype", "Alder", "VentetidTimer", "Nerveblokk"):
        values = corpus.values(f"interrater.csv:{column}")
        for idx, value in zip(_spread(rows, len(values), taken), values, strict=True):
            rows[idx][header.index(column)] = value
    _write(corpus.root / "interrater.csv", header, rows, bom)


def _validation(corpus: Corpus) -> None:
    _, header, rows = _read(EXAMPLE / "validering.csv")
    col = {c: header.index(c) for c in header}
    taken: set[int] = set()
    patients = list(dict.fromkeys(r[0] for r in rows))
    for patient, value in zip(patients[5::11], corpus.values("validering.csv:PasientID"),
                              strict=False):
        for i, r in enumerate(rows):
            if r[0] == patient:
                r[0] = value
                taken.add(i)
    plan = (("Sykehus", None), ("HorerTil", None),
            ("vld_verdi_intern_tekst", "tekst"), ("vld_verdi_ekstern_tekst", "tekst"),
            ("vld_verdi_intern_tal", "tal"), ("vld_verdi_ekstern_tal", "tal"),
            ("vld_verdi_intern_dato", "dato"), ("vld_verdi_intern_logisk", "logisk"))
    for column, vtype in plan:
        values = corpus.values(f"validering.csv:{column}")
        ok = (lambda r, t=vtype: r[col["vld_vartype"]] == t) if vtype else (lambda r: True)
        for idx, value in zip(_spread(rows, len(values), taken, ok), values, strict=True):
            rows[idx][col[column]] = value
    _write(corpus.root / "validering.csv", header, rows)


SPEC_EXTRA_VERIFICATION = 'icd10 = ["Hoveddiagnose"]\nncsp = ["Prosedyre"]\n'
SPEC_EXTRA_VARIABLES = """
[variables.Kommentar]
label = "Kommentar"
type = "text"
mandatory = "never"
uses = ["other"]

[variables.Hoveddiagnose]
type = "text"
uses = ["research"]

[variables.Prosedyre]
type = "text"
uses = ["research"]
"""


def spec_text(**dataset: str) -> str:
    """The example's dq.toml with the code-format checks and the added columns; ``dataset``
    replaces keys of [dataset] (TOML literals)."""
    text = (EXAMPLE / "dq.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(no_future = .*\n)", lambda m: m.group(1) + SPEC_EXTRA_VERIFICATION,
                  text, count=1)
    for key, literal in dataset.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", lambda _m, k=key, v=literal: f"{k} = {v}", text,
                          count=1)  # the first one is [dataset]'s
        assert n == 1, key
    return text + SPEC_EXTRA_VARIABLES


def build(root: Path) -> Corpus:
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root=root, spec=root / "dq.toml")
    for name in ("enheter.csv", "kodebok.csv"):
        shutil.copyfile(EXAMPLE / name, root / name)
    persons = set(_export(corpus, "hoftebrudd.csv", "hoftebrudd.csv"))
    _export(corpus, "hoftebrudd_oppfolging.csv", "hoftebrudd_oppfolging.csv")
    _export(corpus, "hoftebrudd.csv", "hoftebrudd_betingelser.csv", CONDITION_SITES)
    _npr(corpus, persons)
    _interrater(corpus)
    _validation(corpus)
    corpus.spec.write_text(spec_text(), encoding="utf-8")
    _controls(corpus)
    _bad_inputs(corpus)
    return corpus


def _controls(corpus: Corpus) -> None:
    """A small export whose column name carries control bytes (names may be printed; raw control
    bytes may not), with markers in its values."""
    values = corpus.values("kontroll.csv:values")
    rows = [[f"P{i:04d}", str(1 + i % 3), values[i % len(values)] if i % 3 == 0 else "", ""]
            for i in range(40)]
    _write(corpus.root / "kontroll.csv", ["PasientID", "Verdi", CONTROL_NAME, "Tom"], rows)


def _bad_inputs(corpus: Corpus) -> None:
    """Files that must be refused, each with markers in the failing values."""
    root = corpus.root
    bom, header, rows = _read(root / "hoftebrudd.csv")
    col = {c: header.index(c) for c in header}
    head = [list(r) for r in rows[:60]]

    # The finished condition casts SkjemaStatus: row 1 holds a name, rows 2-3 an fnr and a phone.
    cast = [list(r) for r in head]
    for r, value in zip(cast, (NAME, FNR_VALID, PHONE), strict=False):
        r[col["SkjemaStatus"]] = value
    _write(root / "bad_cast.csv", header, cast, bom)

    # An unclosed quote around markers in the middle of the file.
    text = "\n".join(";".join(r) for r in [header, *head]) + "\n"
    lines = text.split("\n")
    fields = lines[20].split(";")
    fields[col["ASA"]] = f'"{NAME} {FNR_VALID}'
    fields[col["Kommentar"]] = f"{PID} {PHONE}"
    lines[20] = ";".join(fields)
    (root / "bad_quote.csv").write_bytes("\n".join(lines).encode("utf-8"))

    # The header row is missing: the first line is a data row with the fnr and the name (each
    # twice, so that they are among the "duplicate column names" too).
    first = list(head[0])
    first[col["Fodselsnummer"]] = first[col["VektKg"]] = FNR_VALID
    first[col["PasientID"]] = first[col["Kommentar"]] = NAME
    first[col["HoydeCm"]] = PHONE
    _write(root / "bad_headless.csv", first, head[1:], bom)
    # ... and one whose first data row has no repeated value (so it could pass for a header)
    seen: set[str] = set()
    for i, value in enumerate(first):
        if value in seen:
            first[i] = f"{value}{i}" if value else str(900 + i)
        seen.add(first[i])
    _write(root / "bad_headless_unique.csv", first, head[1:], bom)

    # The same with a minimal spec (no codebook: SkjemaStatus has no declared type).
    (root / "bad_cast.toml").write_text(
        '[dataset]\nfiles = ["bad_cast.csv"]\nfinished = "SkjemaStatus = 2"\n'
        'unit = "AvdRESH"\n\n[variables.ASA]\ntype = "categorical"\ncodes = [1, 2, 3, 4, 5]\n'
        'unknown = [9]\n', encoding="utf-8")

    # NPR counts where the count column holds markers from its first row on.
    _, header, rows = _read(corpus.root / "npr_aggregat.csv")
    for r, value in zip(rows, (NAME, FNR_VALID, PHONE), strict=False):
        r[header.index("Antall")] = value
    _write(root / "bad_npr.csv", header, rows)

    # A spec naming a column the export does not have (the export is full of markers).
    (root / "bad_column.toml").write_text(
        spec_text(person_id='"Pasientnummer"'), encoding="utf-8")
