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


def _imports_of(relpath: str) -> set[str]:
    tree = ast.parse((CORE.parent / relpath).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _offenders(relpath: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in _imports_of(relpath) if any(n == f or n.startswith(f + ".") for f in forbidden))


def test_the_code_wire_format_is_pure():
    """What the fuzzers target needs no database, no service and no QR library."""
    assert _offenders("shared/code_format.py", ("shared.storage", "shared.codes", "shared.code_image",
                                                "shared.core", "qrcode", "sqlite3")) == []


def test_the_throttle_and_the_notices_never_import_the_identity_service():
    """The dependency runs one way: identity owns a SignInThrottle and sends through notices."""
    service = ("shared.identity", "shared.sessions", "shared.password_reset", "shared.credentials")
    for module in ("shared/throttle.py", "shared/notices.py", "shared/identity_base.py", "shared/attempts.py"):
        assert _offenders(module, service) == [], module


def test_the_checker_cannot_fail_silently():
    """The helper above sees a forbidden import (so the two tests above can fail)."""
    assert _offenders("shared/codes.py", ("shared.storage",)) != []
