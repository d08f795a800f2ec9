"""The registry spec: validated whole before data are read, errors name file and key."""

import pytest

from dq import spec
from dq.errors import ConfigError, InputError
from tests.conftest import EXAMPLE


def load(tmp_path, text):
    path = tmp_path / "dq.toml"
    path.write_text(text, encoding="utf-8")
    return spec.load(path)


@pytest.mark.parametrize("text, message", [
    ("[dataset\n", "not valid TOML"),
    ("[datset]\n", "unknown key 'datset'; valid keys: checks, comparability, completeness"),
    ("[dataset]\nunits = 'x'\n", "[dataset]: unknown key 'units'"),
    ("[variables.ASA]\ntype = 'kategorisk'\n", "[variables.ASA] type: 'kategorisk' is not a type"),
    ("[variables.ASA]\nmandatory = 'Kompl = = 1'\n", "[variables.ASA] mandatory: invalid condition"),
    ("[dataset]\nfinished = 'status ==== 2'\n", "[dataset] finished: invalid condition"),
    ("[completeness]\nfail_below = 1.5\n", "fail_below: expected a fraction from 0 to 1"),
    ("[completeness]\nwarn_below = 0.5\nfail_below = 0.8\n", "fail_below (0.8) is above warn_below"),
    ("[variables.Alder]\ntype = 'integer'\nmin = 'low'\n", "[variables.Alder] min: expected a number"),
    ("[variables.Alder]\ntype = 'integer'\nmin = 10\nmax = 5\n", "min (10) is above max (5)"),
    ("[variables.x]\nuses = ['fun']\n", "'fun' not known"),
    ("[variables.x]\ncolour = 'red'\n", "[variables.x]: unknown key 'colour'"),
    ("[units]\nid = 'x'\n", "[units] needs table"),
    ("[completeness]\nmin_n = -1\n", "min_n: expected a count"),
])
def test_bad_spec_is_a_config_error_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    assert message in str(info.value)
    assert "dq.toml" in str(info.value)


def test_columns_are_checked_against_the_data(tmp_path):
    sp = load(tmp_path, "[dataset]\nunit = 'ReshId'\nfinished = 'Status = 2'\n"
                        "[variables.ASA]\nmandatory = 'Kompl = 1'\n")
    with pytest.raises(InputError) as info:
        sp.check_columns(["ASA", "Status"], "export.csv")
    text = str(info.value)
    assert text.startswith("2 columns named in dq.toml are missing from export.csv")
    assert "'Kompl' ([variables.ASA] mandatory)" in text and "'ReshId' ([dataset] unit)" in text


def test_codebook_in_rapwhale_columns(tmp_path):
    (tmp_path / "kodebok.csv").write_text(
        "variabel_id;variabeltype;min;maks;desimalar;verdi;verditekst;obligatorisk;manglande\n"
        "ASA;kategorisk;;;;1;ASA 1;ja;nei\nASA;kategorisk;;;;9;Ukjent;ja;ja\n"
        "Vekt;numerisk;30;200;1;;;nei;\nAlder;numerisk;18;110;0;;;ja;\n"
        "Dato;dato;2019-01-01;;;;;ja;\n", encoding="utf-8")
    sp = load(tmp_path, "[dataset]\ncodebook = 'kodebok.csv'\n[variables.Alder]\nunknown = [-1]\n")
    asa, vekt, alder, dato = (sp.variables[k] for k in ("ASA", "Vekt", "Alder", "Dato"))
    assert asa.type == "categorical" and asa.codes == {"1": "ASA 1"} and asa.unknown == ("9",)
    assert (vekt.type, vekt.min, vekt.max, vekt.mandatory) == ("decimal", 30.0, 200.0, "never")
    assert (alder.type, alder.unknown, alder.min) == ("integer", ("-1",), 18.0)
    assert (dato.type, dato.min) == ("date", "2019-01-01")


def test_example_spec_loads():
    sp = spec.load(EXAMPLE / "dq.toml")
    assert sp.variables["Komplikasjonstype"].condition == "Komplikasjon = 1"
    assert sp.variables["ASA"].unknown == ("9",)
    assert len(sp.variables) == 29
