"""Honest verdicts: a dimension passes only when its core checks ran."""

from __future__ import annotations

import json

from tests.conftest import run, write_text


def test_a_spec_with_only_a_dataset_is_partially_assessed(tmp_path):
    rows = ["pid;enhet;dato;ASA"] + [f"{i};{'AB'[i % 2]};0{1 + i % 9}.02.2023;{1 + i % 4}"
                                     for i in range(40)]
    write_text(tmp_path / "d.csv", "\n".join(rows) + "\n")
    spec = write_text(tmp_path / "dq.toml",
                      '[dataset]\nfiles = ["d.csv"]\nperson_id = "pid"\nunit = "enhet"\n'
                      'event_date = "dato"\n[variables.ASA]\ntype = "categorical"\n'
                      'codes = [1, 2, 3, 4]\n')
    doc = json.loads(run("report", spec, "--format", "json").stdout)
    dims = {d["id"]: d for d in doc["dimensions"]}
    # every check that ran passed, but dekningsgrad, duplicates and the record study never ran
    assert dims["kompletthet"]["verdict"] == "partially_assessed"
    assert dims["kompletthet"]["missing"] == ["dekningsgrad"]
    assert dims["korrekthet"]["verdict"] == "partially_assessed"
    assert dims["korrekthet"]["missing"] == ["duplikater", "validering"]
    assert dims["reliabilitet"]["verdict"] == "not_assessed"
    md = run("report", spec, "--format", "markdown").stdout
    assert "Kompletthet — delvis vurdert" in md
    assert "_Ikke vurdert_: dekningsgrad ([coverage] references)" in md
    en = run("report", spec, "--format", "markdown", "--lang", "en").stdout
    assert "Completeness — partially assessed" in en
