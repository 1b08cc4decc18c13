"""Conventions a Python desktop app is expected to have (issue 13 item 7), and a guard that every
test asserts something (item 8)."""
from __future__ import annotations

import ast
import logging
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QRPAY_NO_CRASH_DIALOG="1")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("module, prog", [("shared.cli", "qrpay"), ("wallet_app", "qrpay-wallet"),
                                          ("pos_app", "qrpay-pos"), ("trainer_app", "qrpay-trainer")])
def test_every_command_prints_the_package_version(module, prog):
    from shared.version import package_version

    out = run("-m", module, "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"{prog} (qrpay-sim) {package_version()}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", package_version()) or package_version().startswith("unknown")


def test_the_version_is_the_one_in_pyproject_when_installed():
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("qrpay-sim")
    except PackageNotFoundError:
        pytest.skip("qrpay-sim is not installed in this environment")
    assert installed == PYPROJECT["project"]["version"]


def test_version_without_an_installed_package_says_so(monkeypatch):
    import importlib.metadata

    from shared import version as v

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(v, "version", missing)
    assert v.package_version() == "unknown (not installed)"


def test_python_m_shared_cli_is_the_qrpay_command():
    out = run("-m", "shared.cli", "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: qrpay ") and "--version" in out.stdout and "COMMAND" in out.stdout
    bad = run("-m", "shared.cli", "no-such-command")
    assert bad.returncode == 2 and "no-such-command" in bad.stderr + bad.stdout


def test_gui_entry_points_are_gui_scripts_and_the_cli_a_console_script():
    project = PYPROJECT["project"]
    assert project["scripts"] == {"qrpay": "shared.cli.main:main"}
    gui = project["gui-scripts"]
    assert gui["qrpay-wallet"] == "wallet_app.__main__:main" and gui["qrpay-pos"] == "pos_app.__main__:main"
    for target in list(gui.values()) + list(project["scripts"].values()):
        module, func = target.split(":")
        assert callable(getattr(__import__(module, fromlist=[func]), func)), target


def test_license_file_matches_pyproject():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    assert text.startswith("MIT License") and "Copyright (c) 2026 the qrpay-sim authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_qt_warnings_fail_the_gui_tests():
    opts = PYPROJECT["tool"]["pytest"]["ini_options"]
    assert opts["qt_log_level_fail"] in ("WARNING", "CRITICAL")


def test_app_log_files_rotate(tmp_path, monkeypatch):
    import platformdirs

    from ui_common import app

    monkeypatch.setattr(platformdirs, "user_log_dir", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(app, "LOG_MAX_BYTES", 2_000)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        app.setup_logging("wallet_app")
        log = logging.getLogger("wallet_app.rotation_test")
        for i in range(200):
            log.info("line %d of a long kiosk day %s", i, "x" * 40)
        for h in root.handlers:
            h.flush()
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files == ["wallet_app.log", "wallet_app.log.1", "wallet_app.log.2", "wallet_app.log.3"], files
        assert all((tmp_path / f).stat().st_size <= 2_000 for f in files)
        assert "line 199 " in (tmp_path / "wallet_app.log").read_text(encoding="utf-8")
    finally:
        for h in root.handlers:
            if h not in saved[0]:
                h.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


# -- GUI plumbing and core helpers in one place (issue 13 item 5) -------------------------------------
GUI = ("wallet_app", "pos_app", "trainer_app", "ui_common")


def _project_sources(scope: tuple[str, ...] = ()) -> list[Path]:
    skip = {"tests", "bench", ".git", ".venv", "build"}
    return sorted(p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts)
                  and (not scope or p.relative_to(ROOT).parts[0] in scope))


def _lines_matching(pattern: str, *, allowed: set[str], scope: tuple[str, ...] = ()) -> list[str]:
    rx = re.compile(pattern)
    found = []
    for path in _project_sources(scope):
        rel = path.relative_to(ROOT).as_posix()
        if rel in allowed:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if rx.search(line.split("#", 1)[0]):
                found.append(f"{rel}:{no}: {line.strip()}")
    return found


@pytest.mark.parametrize("what, pattern, home, scope", [
    ("the Japan-time offset", r"hours\s*=\s*9\b|9\s*\*\s*3600|\b32400\b|Asia/Tokyo|^\s*JST\s*=", "shared/clock.py", ()),
    # an f-string writing "¥{n:,}" is a second formatter; a Text template's "¥{total:,}" is a translation
    # (each language writes its own unit: "¥1,000" / "1,000 円"), not code that formats yen
    ("the yen formatter", r"f\"[^\"]*¥\{|f'[^']*¥\{|def \w*yen\w*\(", "shared/money.py", ()),
    ("ask_yes_no", r"def ask_yes_no\b|QMessageBox\.question\(", "ui_common/dialogs.py", GUI),
    ("the policy poller", r"\.policy\.name\b|POLICY_POLL_MS\s*=|_policy_timer", "ui_common/policy_poller.py", GUI),
    ("the kiosk exit guard", r"Leave kiosk mode|class \w*Kiosk\w*\(|require_supervisor\(", "ui_common/kiosk.py",
     ("wallet_app", "trainer_app", "ui_common")),
    ("the app start-up", r"\bmake_application\(|\bCore\.open\(|install_excepthook\(\)", "ui_common/app.py",
     ("wallet_app", "pos_app", "trainer_app")),
])
def test_one_definition_of_each_piece_of_plumbing(what, pattern, home, scope):
    """A second Japan-time constant, yen formatter, confirmation box, policy poller, kiosk exit
    guard or app start-up fails here: import the one in `home` instead. (The till's supervisor
    actions call require_supervisor themselves: only its kiosk guard is the shared one.)"""
    found = _lines_matching(pattern, allowed={home}, scope=scope)
    assert not found, f"{what} defined outside {home}:\n" + "\n".join(found)
    assert _lines_matching(pattern, allowed=set(), scope=scope + (home.split("/")[0],) if scope else ()), \
        f"the guard for {what} matches nothing at all: fix its pattern"


def test_the_guard_finds_a_second_definition(tmp_path, monkeypatch):
    stray = tmp_path / "stray.py"
    stray.write_text("from datetime import timedelta, timezone\nJST = timezone(timedelta(hours=9))\n"
                     "def shown(t):\n    return t + timedelta(hours=9)\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "_project_sources", lambda scope=(): [stray])
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert len(_lines_matching(r"hours\s*=\s*9\b|^\s*JST\s*=", allowed=set())) == 2


@pytest.mark.parametrize("module, app_name, log_name", [("wallet_app", "wallet_app", "wallet_app"),
                                                        ("pos_app", "pos_app", "pos_app"),
                                                        ("trainer_app", "trainer_app", "trainer_app")])
def test_every_app_starts_through_the_one_start_up(module, app_name, log_name):
    """Each __main__ hands its window to ui_common.app.run_app under its own app name (QSettings,
    log file and translation are named after it; the trainer is not "pos_app")."""
    text = (ROOT / module / "__main__.py").read_text(encoding="utf-8")
    assert "run_app(" in text and f'app_name="{app_name}"' in text
    assert "make_application(" not in text and "Core.open(" not in text and "setup_logging(" not in text
    assert (ROOT / "ui_common" / "i18n" / f"{app_name}_ja.qm").exists()


def test_the_trainer_runs_under_its_own_name_in_its_own_language(tmp_path):
    """`python -m trainer_app` (and `python -m pos_app --trainer`): the QApplication is "trainer_app"
    (QSettings("qrpay-sim", "trainer_app"), trainer_app.log, trainer_app_ja.qm) and Japanese loads."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QRPAY_TRAINER_SMOKE="1", QRPAY_NO_CRASH_DIALOG="1")
    for args in (["-m", "trainer_app"], ["-m", "pos_app", "--trainer"]):
        out = subprocess.run([sys.executable, *args, "--db", str(tmp_path / "t.sqlite3"), "--lang", "ja"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        shown = [line for line in out.stdout.splitlines() if line.startswith("trainer window shown: ")]
        assert len(shown) == 1 and shown[0].endswith(" · trainer_app"), out.stdout
        assert "攻撃トレーナー" in shown[0]
    bad = subprocess.run([sys.executable, "-m", "trainer_app", "--db", str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("qrpay-trainer: "), bad.stderr


def test_docstrings_point_only_at_documents_in_the_repo():
    """A path like docs/X.md or shared/docs/X.md in a .py file names a file of this repository."""
    bad = []
    for f in ROOT.glob("**/*.py"):
        if ".venv" in f.parts or "build" in f.parts:
            continue
        for m in re.finditer(r"[\w./-]*\b[A-Z][A-Z_]+\.md\b", f.read_text(encoding="utf-8")):
            ref = m.group().lstrip("./")
            if "/" in ref and not (ROOT / ref).is_file():
                bad.append(f"{f.relative_to(ROOT)}: {ref}")
            elif "/" not in ref and not (ROOT / ref).is_file() and not (ROOT / "docs" / ref).is_file():
                bad.append(f"{f.relative_to(ROOT)}: {ref}")
    assert not bad, bad


# -- every test asserts ---------------------------------------------------------------------------------
# A call whose name starts with one of these checks something (pytest.raises, qtbot.waitUntil,
# qtbot.waitSignal, assert_total, check_..., refused_clearly ...).
CHECKING_CALLS = ("raises", "warns", "fail", "skip", "wait", "assert", "check", "_assert", "_check", "expect",
                  "refused", "race_", "fuzz_for")


def _checks(node: ast.AST, helpers: dict[str, ast.FunctionDef], seen: set[str]) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Assert):
            return True
        if isinstance(n, ast.Call):
            fn = n.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name.startswith(CHECKING_CALLS):
                return True
            if name in helpers and name not in seen:
                seen.add(name)
                if _checks(helpers[name], helpers, seen):
                    return True
    return False


def unchecked_tests() -> list[str]:
    found = []
    for f in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        helpers = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                if not _checks(node, helpers, {node.name}):
                    found.append(f"{f.relative_to(ROOT)}::{node.name}")
    return found


def test_every_test_checks_something():
    assert unchecked_tests() == []


def test_the_check_finder_finds_a_test_that_asserts_nothing(tmp_path):
    tree = ast.parse("def test_x(core):\n    core.identity.change_password('t', 'p')\n")
    fn = tree.body[0]
    assert not _checks(fn, {}, set())
    tree = ast.parse("def helper(x):\n    assert x\n\ndef test_y():\n    helper(1)\n")
    helpers = {n.name: n for n in tree.body}
    assert _checks(helpers["test_y"], helpers, set())


def test_no_pattern_ends_in_a_dollar_that_lets_a_trailing_newline_through():
    """`re.match(r"^[a-z]+$", "abc\\n")` matches: `$` also matches before a final newline, so an id, a
    world name or a PKCE verifier with "\\n" appended would pass the check. Every validating pattern
    is unanchored and used with `fullmatch` instead (the class of bug issue 11 found in the ids)."""
    import ast
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for folder in ("shared", "ui_common", "wallet_app", "pos_app", "trainer_app"):
        for f in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                        and node.func.attr in ("compile", "match", "search", "fullmatch") and node.args
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                        and node.args[0].value.endswith("$") and not node.args[0].value.endswith("\\$")):
                    offenders.append(f"{f.relative_to(root)}:{node.lineno}")
    assert offenders == [], offenders
