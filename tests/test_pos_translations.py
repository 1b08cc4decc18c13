"""Complete Japanese for the till, the trainer and the shared pieces (kiosk guard, PIN dialog): every `self.tr("…")` literal in
their sources is in the shipped .ts under its own class (the context the runtime looks it up in),
with a finished translation; nothing is translated through another object's tr (`parent.tr`,
`window.tr`), which lupdate files under the variable's name so the runtime never finds it."""
from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ui_common" / "i18n"


def sources() -> list[tuple[Path, str]]:
    out = [(p, "pos_app_ja.ts") for p in sorted((ROOT / "pos_app").glob("*.py"))]
    out += [(p, "trainer_app_ja.ts") for p in sorted((ROOT / "trainer_app").glob("*.py"))]
    return out + [(p, "ui_common_ja.ts") for p in sorted((ROOT / "ui_common").glob("*.py"))]


def catalogue(ts: str) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    tree = ET.parse(I18N / ts)
    return {(c.findtext("name"), m.findtext("source")): (m.findtext("translation"), m.find("translation").get("type"))
            for c in tree.getroot().iter("context") for m in c.iter("message")}


def tr_calls(path: Path):
    """(context, text, line, receiver) for every .tr("literal") call, context = enclosing class."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, cls):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name)
                continue
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr == "tr"
                    and child.args and isinstance(child.args[0], ast.Constant) and isinstance(child.args[0].value, str)):
                receiver = child.func.value.id if isinstance(child.func.value, ast.Name) else ast.unparse(child.func.value)
                found.append((cls, child.args[0].value, child.lineno, receiver))
            visit(child, cls)

    visit(tree, None)
    return found


@pytest.mark.parametrize("path,ts", sources(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_every_tr_string_has_japanese_under_its_own_class(path, ts):
    have = catalogue(ts)
    problems = []
    for cls, text, line, receiver in tr_calls(path):
        if receiver != "self":
            problems.append(f"{path.name}:{line}: {receiver}.tr({text!r}) — use self.tr in the widget's own class")
            continue
        translation, kind = have.get((cls, text), (None, "missing"))
        if not translation or kind in ("unfinished", "missing", "vanished", "obsolete"):
            problems.append(f"{path.name}:{line}: {cls}: {text!r} has no Japanese ({kind})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ts", ["pos_app_ja.ts", "trainer_app_ja.ts", "ui_common_ja.ts"])
def test_no_translation_is_left_unfinished_or_english(ts):
    bad = [f"{ctx}: {src!r}" for (ctx, src), (tr, kind) in catalogue(ts).items()
           if not tr or kind == "unfinished" or not ctx
           or (tr == src and any(c.isalpha() for c in src) and src not in ("PIN", "JAN"))]
    bad = [b for b in bad if "'+5m'" not in b]   # an example skew the person types, not words
    assert not bad, "\n".join(bad)
