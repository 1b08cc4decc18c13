"""The .ts files are the source of truth for Japanese, and they are complete and current.

For each translation catalogue, pyside6-lupdate is run over the app's sources into a temporary
copy of its .ts (the committed file is not touched). The test fails when the copy has

- a text in the code that the .ts does not have yet (lupdate adds it "unfinished"),
- an entry still unfinished or with an empty translation,
- an entry whose text is no longer in the code ("vanished"/"obsolete": renamed or deleted),
- a .qm that is not what pyside6-lrelease makes from the committed .ts.

The workflow this checks (scripts/build_translations.py, the one script for every catalogue):
    python scripts/build_translations.py      # lupdate adds new texts (never overwrites), lrelease builds .qm
    (translate the new entries: Qt Linguist, or edit the <translation> elements; run it again)

`self.tr()` must be called on the widget's own class: lupdate files `parent.tr(...)` under the
context "parent", where the runtime (which looks under the class name) never finds it — this
test then reports the entry as missing from the right context.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ui_common" / "i18n"
BIN = Path(sys.executable).parent


def _load_build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_translations", ROOT / "scripts" / "build_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _load_build_script()
# catalogue → the sources lupdate reads for it: the script's list, so the check covers what it builds
CATALOGUES = {name: (lambda name=name: BUILD.sources(name)) for name in BUILD.CATALOGUES}


def test_every_app_has_a_catalogue_the_script_builds():
    """Every package with tr() texts is a catalogue of the script, and its .ts and .qm exist."""
    apps = {p.parent.name for p in ROOT.glob("*/__main__.py")} - {"shared"}
    assert apps | {"ui_common"} == set(BUILD.CATALOGUES)
    for name in BUILD.CATALOGUES:
        assert (I18N / f"{name}_ja.ts").exists() and (I18N / f"{name}_ja.qm").exists(), name


def test_placeholders_are_named_fields_in_source_and_translation():
    """One placeholder style everywhere: Python's "{name}" (filled by str.format after tr()), never
    Qt's %1/%n; a translation has exactly the fields of its source (a lost field is a lost amount)."""
    import re

    field = re.compile(r"\{([a-z_]+)\}")
    problems = []
    for ts in sorted(I18N.glob("*.ts")):
        for context, source, kind, text in _entries(ts):
            if re.search(r"%(\d|n\b)", source):
                problems.append(f"{ts.name}: [{context}] {source!r} uses a Qt placeholder")
            if sorted(field.findall(source)) != sorted(field.findall(text)):
                problems.append(f"{ts.name}: [{context}] {source!r}: the translation's fields differ: {text!r}")
    assert not problems, "\n".join(problems)


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed next to {sys.executable} (it comes with PySide6)")
    return found


def _entries(ts: Path):
    for ctx in ET.parse(ts).getroot().iter("context"):
        context = ctx.find("name").text
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            forms = tr.findall("numerusform")   # a %n text: one translation per plural form
            text = "".join(f.text or "" for f in forms) if forms else (tr.text or "")
            if forms and any(not (f.text or "").strip() for f in forms):
                text = ""
            yield context, msg.find("source").text, tr.attrib.get("type", ""), text


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_catalogue_is_complete_and_current(catalogue, tmp_path):
    ts = I18N / f"{catalogue}_ja.ts"
    assert ts.exists(), f"{ts.name} is missing"
    sources = CATALOGUES[catalogue]()
    assert sources, f"no sources for {catalogue}"
    copy = tmp_path / ts.name
    shutil.copy(ts, copy)
    before = {(c, s) for c, s, _t, _x in _entries(copy)}
    run = subprocess.run([_tool("pyside6-lupdate"), *map(str, sources), "-source-language", "en",
                          "-target-language", "ja", "-ts", str(copy)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    problems = []
    for context, source, kind, text in _entries(copy):
        if (context, source) not in before:
            problems.append(f"not in {ts.name} yet: [{context}] {source!r}")
        elif kind in ("vanished", "obsolete"):
            problems.append(f"no longer in the code ({kind}): [{context}] {source!r}")
        elif kind == "unfinished" or not text.strip():
            problems.append(f"not translated: [{context}] {source!r}")
    assert not problems, f"{len(problems)} problem(s) in {ts.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_qm_is_compiled_from_the_ts(catalogue, tmp_path):
    ts, qm = I18N / f"{catalogue}_ja.ts", I18N / f"{catalogue}_ja.qm"
    assert qm.exists(), f"{qm.name} is missing: run pyside6-lrelease"
    fresh = tmp_path / qm.name
    run = subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(fresh)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert fresh.read_bytes() == qm.read_bytes(), f"{qm.name} is stale: run pyside6-lrelease on {ts.name}"


def test_the_check_sees_a_missing_translation(tmp_path):
    """The check above can fail: a source text the .ts lacks shows up as new and unfinished."""
    src = tmp_path / "probe.py"
    src.write_text("from PySide6.QtWidgets import QWidget\n\nclass Probe(QWidget):\n"
                   "    def f(self):\n        return self.tr('A text nobody translated')\n", encoding="utf-8")
    ts = tmp_path / "probe_ja.ts"
    shutil.copy(I18N / "ui_common_ja.ts", ts)
    subprocess.run([_tool("pyside6-lupdate"), str(src), "-source-language", "en", "-target-language", "ja",
                    "-ts", str(ts)], check=True, capture_output=True)
    kinds = {(c, s): k for c, s, k, _t in _entries(ts)}
    assert kinds[("Probe", "A text nobody translated")] == "unfinished"
    assert any(k == "vanished" for k in kinds.values())   # ui_common's own entries are not in probe.py


@pytest.mark.parametrize("package", ["wallet_app", "ui_common", "pos_app", "trainer_app"])
def test_tr_is_called_on_the_widgets_own_class(package):
    """`parent.tr("…")` / `window.tr("…")` / `dlg.tr("…")` put the text under the wrong context."""
    import re

    wrong = re.compile(r"\b(?!self\b)[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.tr\(")
    found = []
    for path in sorted((ROOT / package).glob("*.py")):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for m in wrong.finditer(code):
                if not m.group(0).startswith("self."):
                    found.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert not found, "tr() on another object:\n" + "\n".join(found)


def test_the_script_adds_new_texts_keeps_every_translation_and_carries_moved_classes(tmp_path, monkeypatch):
    """scripts/build_translations.py: lupdate adds a new text unfinished and leaves a translator's
    text as it is (even one the code's English no longer matches word for word: it stays until the
    text leaves the code); a class moved to another catalogue takes its finished translation along."""
    probe = tmp_path / "probe.py"
    probe.write_text("from PySide6.QtWidgets import QWidget\n\nclass Probe(QWidget):\n    def f(self):\n"
                     "        return self.tr('Kept text'), self.tr('New text')\n", encoding="utf-8")
    ts = tmp_path / "probe_ja.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="ja">\n'
                  "<context><name>Probe</name><message><source>Kept text</source>"
                  "<translation>訳者が直した訳</translation></message></context>\n"
                  "<context><name>Moved</name><message><source>Moved text</source>"
                  "<translation>移った訳</translation></message></context>\n</TS>\n", encoding="utf-8")
    monkeypatch.setattr(BUILD, "sources", lambda name: [probe])
    BUILD.lupdate(ts, "probe", drop_vanished=False)
    got = {(c, s): (k, t) for c, s, k, t in _entries(ts)}
    assert got[("Probe", "Kept text")] == ("", "訳者が直した訳")
    assert got[("Probe", "New text")][0] == "unfinished"
    assert got[("Moved", "Moved text")] == ("vanished", "移った訳")      # kept, to copy from
    other = tmp_path / "other_ja.ts"
    other.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="ja">\n'
                     "<context><name>Moved</name><message><source>Moved text</source>"
                     '<translation type="unfinished"></translation></message></context>\n</TS>\n', encoding="utf-8")
    said = BUILD.carry_moved([ts, other])
    assert len(said) == 1 and "Moved text" in said[0]
    assert {(c, s): (k, t) for c, s, k, t in _entries(other)}[("Moved", "Moved text")] == ("", "移った訳")
    assert {(c, s): (k, t) for c, s, k, t in _entries(ts)}[("Probe", "Kept text")] == ("", "訳者が直した訳")
    BUILD.lupdate(ts, "probe", drop_vanished=True)
    assert ("Moved", "Moved text") not in {(c, s) for c, s, _k, _t in _entries(ts)}


def test_the_script_check_finds_nothing_to_do():
    """What CI would run: the committed .ts and .qm are what the script makes (it writes nothing here)."""
    assert BUILD.build(check=True) == []
