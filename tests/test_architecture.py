"""The payment core stays Qt-free and app-free: checked by walking its imports."""
import ast
import pathlib

CORE = pathlib.Path(__file__).resolve().parents[1] / "shared"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "ui_common", "wallet_app", "pos_app")


def test_core_never_imports_qt_or_the_apps():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(CORE.parent)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
