"""Build every app's translations, the one pipeline: the .ts files are the source of truth.

    python scripts/build_translations.py                  # add new texts to every .ts, build every .qm
    python scripts/build_translations.py --drop-vanished  # also drop entries whose text left the code
    python scripts/build_translations.py --check          # write nothing; exit 1 if a .ts or .qm is behind

For each catalogue in CATALOGUES (ui_common/i18n/<name>_ja.ts):
1. pyside6-lupdate reads the catalogue's sources and ADDS the texts it does not have yet, marked
   unfinished. It never overwrites a translation. A text that left the code stays in the file as
   "vanished" (its translation kept, to copy from) until `--drop-vanished`.
2. A new entry whose class moved from one catalogue to another (same context, same text, e.g. a
   dialog moved into ui_common) gets the finished translation it had there, and says so.
3. pyside6-lrelease compiles the .ts into the .qm the apps load.
Then translate what is still unfinished (Qt Linguist: `pyside6-linguist ui_common/i18n/X_ja.ts`, or
edit the <translation> elements) and run the script again. tests/test_translations.py fails while an
entry is missing, unfinished or vanished, or a .qm is not what lrelease makes from its .ts.

Placeholders are Python's named fields, "{amount}", filled with str.format after tr().
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ui_common" / "i18n"
LANGUAGES = ("ja",)

# catalogue -> the sources lupdate reads for it. An app loads <app>_<lang>.qm and ui_common_<lang>.qm
# (ui_common.app.install_translator), so a catalogue is named after the app_name it starts with.
CATALOGUES: dict[str, str] = {
    "wallet_app": "wallet_app/*.py",
    "pos_app": "pos_app/*.py",
    "trainer_app": "trainer_app/*.py",
    "ui_common": "ui_common/*.py",
}


def sources(catalogue: str) -> list[Path]:
    return sorted(ROOT.glob(CATALOGUES[catalogue]))


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease next to this Python (they come with PySide6), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found next to {sys.executable} or on PATH (it comes with PySide6)")
    return found


def ts_path(catalogue: str, lang: str) -> Path:
    return I18N / f"{catalogue}_{lang}.ts"


def lupdate(ts: Path, catalogue: str, *, drop_vanished: bool) -> None:
    cmd = [tool("pyside6-lupdate"), *map(str, sources(catalogue)), "-source-language", "en",
           "-target-language", ts.stem.rsplit("_", 1)[1], "-locations", "relative"]
    if drop_vanished:
        cmd.append("-no-obsolete")
    run = subprocess.run(cmd + ["-ts", str(ts)], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"lupdate failed for {ts.name}:\n{run.stderr}")


def lrelease(ts: Path, qm: Path) -> None:
    run = subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"lrelease failed for {ts.name}:\n{run.stderr}")


def finished(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) -> <translation> of every finished entry, including "vanished" ones (lupdate's
    mark for a finished entry whose text left these sources; an unfinished one becomes "obsolete")."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type", "") in ("", "vanished") and (tr.text or tr.findall("numerusform")):
                out[(name, msg.findtext("source"))] = tr
    return out


def carry_moved(paths: list[Path]) -> list[str]:
    """Fill an unfinished entry from a finished one with the same context and text in another
    catalogue (a class that moved between packages). Only the file's unfinished entries change."""
    known: dict[tuple[str, str], ET.Element] = {}
    for p in paths:
        known.update(finished(p))
    said = []
    for p in paths:
        tree = ET.parse(p)
        changed = False
        for ctx in tree.getroot().iter("context"):
            name = ctx.findtext("name")
            for msg in ctx.iter("message"):
                tr = msg.find("translation")
                source = msg.findtext("source")
                if tr is not None and tr.get("type") == "unfinished" and (name, source) in known:
                    done = known[(name, source)]
                    tr.text = done.text
                    for form in list(tr):
                        tr.remove(form)
                    for form in done.findall("numerusform"):
                        ET.SubElement(tr, "numerusform").text = form.text
                    del tr.attrib["type"]
                    changed = True
                    said.append(f"{p.name}: [{name}] {source!r}: translation carried from another catalogue")
        if changed:
            _write(tree, p)
    return said


def _write(tree: ET.ElementTree, path: Path) -> None:
    """Write a .ts the way lupdate does (its next run then changes nothing but what it must)."""
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def report(ts: Path) -> list[str]:
    problems = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            kind = msg.find("translation").get("type", "")
            if kind:
                problems.append(f"{ts.name}: [{name}] {msg.findtext('source')!r} is {kind}")
    return problems


def build(*, drop_vanished: bool = False, check: bool = False, i18n: Path = I18N) -> list[str]:
    """Update every catalogue (into a temporary copy with `check`); returns what still needs work."""
    work = Path(tempfile.mkdtemp(prefix="qrpay-i18n-")) if check else i18n
    problems: list[str] = []
    try:
        paths = []
        for catalogue in CATALOGUES:
            for lang in LANGUAGES:
                ts = ts_path(catalogue, lang)
                target = work / ts.name
                if check:
                    shutil.copy(ts, target)
                lupdate(target, catalogue, drop_vanished=drop_vanished)
                paths.append(target)
        carried = carry_moved(paths)
        if carried:           # lupdate writes the file its own way again: the next run changes nothing
            for ts in paths:
                lupdate(ts, ts.stem.rsplit("_", 1)[0], drop_vanished=drop_vanished)
        problems += carried
        for ts in paths:
            problems += report(ts)
            qm = ts.with_suffix(".qm")
            if check:
                fresh = work / f"{ts.stem}.fresh.qm"
                lrelease(ts_path(ts.stem.rsplit("_", 1)[0], ts.stem.rsplit("_", 1)[1]), fresh)
                shipped = i18n / qm.name
                if not shipped.exists() or shipped.read_bytes() != fresh.read_bytes():
                    problems.append(f"{qm.name} is stale: run scripts/build_translations.py")
            else:
                lrelease(ts, qm)
    finally:
        if check:
            shutil.rmtree(work, ignore_errors=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drop-vanished", action="store_true", help="remove entries whose text is no longer in the code")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is missing or stale")
    args = p.parse_args(argv)
    problems = build(drop_vanished=args.drop_vanished, check=args.check)
    for line in problems:
        print(line)
    untranslated = [line for line in problems if "carried" not in line]
    if not untranslated:
        print("every catalogue is complete" + ("" if args.check else "; .qm files rebuilt"))
    return 1 if untranslated and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
