"""The .ts files are the source of truth for Japanese, and they are complete and current.

For each translation catalogue, pyside6-lupdate is run over the app's sources into a temporary
copy of its .ts (the committed file is not touched). The test fails when the copy has

- a text in the code that the .ts does not have yet (lupdate adds it "unfinished"),
- an entry still unfinished or with an empty translation,
- an entry whose text is no longer in the code ("vanished"/"obsolete": renamed or deleted),
- a .qm that is not what pyside6-lrelease makes from the committed .ts.

The workflow this checks:
    .venv/bin/pyside6-lupdate wallet_app/*.py -source-language en -target-language ja \\
        -no-obsolete -ts ui_common/i18n/wallet_app_ja.ts
    (translate the new entries: Qt Linguist, or edit the <translation> elements)
    .venv/bin/pyside6-lrelease ui_common/i18n/wallet_app_ja.ts -qm ui_common/i18n/wallet_app_ja.qm

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


def _sources(pattern: str, *, exclude: tuple[str, ...] = ()) -> list[Path]:
    return sorted(p for p in ROOT.glob(pattern) if p.name not in exclude)


# catalogue → the sources lupdate reads for it (the app loads <app>_ja.qm and ui_common_ja.qm)
CATALOGUES = {
    "wallet_app": lambda: _sources("wallet_app/*.py"),
    "ui_common": lambda: _sources("ui_common/*.py"),
    "pos_app": lambda: _sources("pos_app/*.py"),
    "trainer": lambda: _sources("trainer_app/*.py"),
}


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


@pytest.mark.parametrize("package", ["wallet_app", "ui_common", "pos_app"])
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
