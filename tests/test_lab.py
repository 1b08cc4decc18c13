"""The QA code lab: images made from real codes, read back through the real scanning pipeline."""
from __future__ import annotations

import json
import shutil

import pytest

from shared import lab
from shared.cli.main import main
from shared.errors import InputError

KINDS = {"valid", "expired", "superseded", "replayed", "tampered", "other_key", "not_ours", "malformed",
         "not_yet_valid", "numeric", "degraded_small", "degraded_blurred", "degraded_low_contrast",
         "degraded_rotated", "degraded_perspective"}


@pytest.fixture
def made(core, tmp_path):
    folder = tmp_path / "codes"
    return folder, lab.make_codes(core, folder)


def test_make_codes_writes_every_kind_with_its_verdict(made):
    folder, manifest = made
    assert {c["kind"] for c in manifest["codes"]} == KINDS
    verdicts = {c["kind"]: c["verdict"] for c in manifest["codes"]}
    assert verdicts["valid"] == "ok" and verdicts["expired"] == "expired"
    assert verdicts["superseded"] == "superseded" and verdicts["replayed"] == "replayed"
    assert verdicts["tampered"] == "bad_signature" and verdicts["other_key"] == "bad_signature"
    assert verdicts["not_ours"] == "not_ours" and verdicts["not_yet_valid"] == "not_yet_valid"
    for entry in manifest["codes"]:
        assert (folder / entry["file"]).is_file()
        if entry["input"] == "keyed":
            digits = (folder / entry["text_file"]).read_text().strip()
            assert len(digits) == 20 and digits.isdigit()
    on_disk = json.loads((folder / lab.MANIFEST).read_text())
    assert on_disk["as_of"] == manifest["as_of"] and on_disk["policy"] == "hardened"
    assert "qrpay clock set" in on_disk["instructions"]


def test_every_image_gives_its_manifest_verdict_through_the_scanner(core, made):
    folder, manifest = made
    assert lab.check_codes(core, folder) == []
    # Each scanned image was really decoded from pixels, not looked up.
    assert lab.scan_image(folder / "14_degraded_small.png")[0].startswith("QP1:")
    from shared.catalog import make_ean13
    assert lab.scan_image(folder / "09_not_ours_product.png") == [make_ean13("490120000101")]


def test_check_finds_a_wrong_expectation(core, made):
    folder, manifest = made
    for entry in manifest["codes"]:
        if entry["kind"] == "superseded":
            entry["verdict"] = "ok"
    (folder / lab.MANIFEST).write_text(json.dumps(manifest))
    mismatches = lab.check_codes(core, folder)
    assert [(m.file, m.expected, m.got) for m in mismatches] == [("03_superseded.png", "ok", "superseded")]


def test_check_finds_a_swapped_image(core, made):
    folder, _ = made
    shutil.copy(folder / "02_expired.png", folder / "01_valid.png")
    mismatches = lab.check_codes(core, folder)
    assert [(m.file, m.expected, m.got) for m in mismatches] == [("01_valid.png", "ok", "expired")]


def test_verdicts_hold_at_as_of_only(core, made):
    folder, manifest = made
    later = lab.check_codes(core, folder, at=manifest["valid_until"] + 1)
    assert {m.file for m in later} >= {"01_valid.png", "12_numeric_only.png", "14_degraded_small.png"}
    assert all(m.got == "expired" for m in later if m.expected == "ok")


def test_lab_needs_the_hardened_policy(core, tmp_path):
    core.set_policy("2019")
    with pytest.raises(InputError):
        lab.make_codes(core, tmp_path / "codes")


def test_another_database_is_reported(core, made, tmp_path):
    from shared.core import Core

    folder, _ = made
    other = Core.open(tmp_path / "other.sqlite3", clock=core.clock)
    try:
        mismatches = lab.check_codes(other, folder)
    finally:
        other.close()
    assert len(mismatches) == 1 and "another database" in mismatches[0].detail


def test_cli_make_codes_then_check(capsys, tmp_path):
    db, folder = tmp_path / "qa.sqlite3", tmp_path / "codes"
    assert main(["--db", str(db), "--now", "2026-11-25T09:00:00Z", "lab", "make-codes", str(folder), "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["as_of"] == "2026-11-25T09:00:00Z" and made["verdicts"]["01_valid.png"] == "ok"
    assert main(["--db", str(db), "lab", "check", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"dir": str(folder), "checked": made["codes"], "mismatches": [],
                                                   "ok": True}
    assert main(["--db", str(db), "lab", "check", str(folder), "--json", "--at", "2026-11-25T10:00:00Z"]) == 1
    out = json.loads(capsys.readouterr().out)
    # An hour later the valid codes have expired and the code from the phone ahead has become valid.
    got = {m["file"]: m["got"] for m in out["mismatches"]}
    assert not out["ok"] and got.pop("11_not_yet_valid.png") == "ok" and set(got.values()) == {"expired"}
    assert main(["--db", str(db), "lab", "check", str(tmp_path / "nothing"), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "not_found"
