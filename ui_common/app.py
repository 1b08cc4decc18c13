"""Application start-up shared by every app: the common options, fonts, translator, style sheet,
logging, excepthook, opening the database, the event loop and an orderly exit (`run_app`).

Unexpected exceptions reach one hook: it logs the traceback and shows a crash dialog, and the
app keeps running. Expected refusals (`QrpayError`) are shown by the screens themselves.
"""
from __future__ import annotations

import argparse
import gc
import locale
import logging
import os
import sys
import traceback
from typing import Callable, Protocol
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QRect, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from shared.version import version_text
from ui_common import theme

log = logging.getLogger(__name__)
I18N_DIR = Path(__file__).resolve().parent / "i18n"


def pick_language(requested: str | None) -> str:
    """`--lang` if given, else the system locale: "ja" or "en"."""
    if requested in ("ja", "en"):
        return requested
    for value in (os.environ.get("LC_ALL"), os.environ.get("LANG"), QLocale.system().name(), locale.getlocale()[0]):
        if value and value.lower().startswith("ja"):
            return "ja"
    return "en"


# A kiosk runs for days: each app's log file rolls over at 1 MB, keeping three old ones (.1 .. .3).
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3


def setup_logging(app_name: str) -> None:
    """Log to stderr and to `<user log dir>/qrpay-sim/<app_name>.log` (rotated, see LOG_MAX_BYTES)."""
    from platformdirs import user_log_dir

    handlers: list[logging.Handler] = [logging.StreamHandler()]
    try:
        log_dir = Path(user_log_dir("qrpay-sim", appauthor=False))
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(RotatingFileHandler(log_dir / f"{app_name}.log", maxBytes=LOG_MAX_BYTES,
                                            backupCount=LOG_BACKUPS, encoding="utf-8"))
    except OSError:
        pass
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        handlers=handlers, force=True)


def _excepthook(exc_type, exc, tb) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error:\n%s", text)
    app = QApplication.instance()
    if app is None or os.environ.get("QRPAY_NO_CRASH_DIALOG"):
        return
    box = QMessageBox(QMessageBox.Icon.Critical, app.translate("Crash", "Something went wrong"),
                      app.translate("Crash", "An unexpected error happened. Nothing was charged twice; "
                                    "the details are in the log. You can keep using the app."))
    box.setDetailedText(text)
    box.exec()


def install_excepthook() -> None:
    sys.excepthook = _excepthook


def make_application(argv: list[str], *, app_name: str, lang: str | None = None, scale: float = 1.0,
                     phrase_wrap: bool = False) -> QApplication:
    """Create (or reuse) the QApplication with the theme, a Japanese-capable font and the translator.

    `phrase_wrap`: Japanese translations wrap only between phrases (see phrase_breaks); their
    text() then holds invisible WORD JOINERs (compare with plain_text())."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(app_name)
    app.setOrganizationName("qrpay-sim")
    language = pick_language(lang)
    app.setProperty("qrpay_language", language)
    families = set(QFontDatabase.families())
    preferred = [theme.JAPANESE_FAMILY] if language == "ja" else theme.LATIN_FAMILIES + [theme.JAPANESE_FAMILY]
    chosen = [f for f in preferred if f in families]
    font = QFont()
    if chosen:
        font.setFamilies(chosen + ([theme.JAPANESE_FAMILY] if theme.JAPANESE_FAMILY in families else []))
    font.setPointSizeF(theme.BODY_PT * scale)
    app.setFont(font)
    install_translator(app, app_name, language, phrase_wrap=phrase_wrap)
    app.setStyleSheet(theme.stylesheet(scale))
    return app


WORD_JOINER = "\u2060"        # no line break here (zero width)
PHRASE_BREAK = "\u200b"       # a line may break here (zero width); translators may place it by hand
_CLOSING = set("、。，．・：；？！〜～」』）］｝〕〉》】")   # a phrase may end after these
_OPENING = set("「『（［｛〔〈《【")


def _script(ch: str) -> str:
    o = ord(ch)
    if ch in _OPENING:
        return "open"
    if ch in _CLOSING:
        return "close"
    if 0x3041 <= o <= 0x309F:
        return "hira"
    if 0x30A0 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kata"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or ch in "〆々":
        return "kanji"
    if 0xFF10 <= o <= 0xFF5A or 0xFF01 <= o <= 0xFF0F:  # full-width digits and letters
        return "kanji"
    return "other"


# Words the kana→kanji heuristic would split ("もう/一度"): kept whole.
KEEP_WHOLE = ("もう一度", "お試し", "ご確認", "お待ち", "お使い", "ご利用", "お支払い", "お客様")


def phrase_breaks(text: str) -> str:
    """Let Japanese text wrap only between phrases, never inside a word or before 。、」ょ.

    Qt breaks CJK text between any two characters ("くださ/い。"). Here every break between two
    Japanese characters is forbidden with a zero-width WORD JOINER, except at phrase boundaries:
    after closing punctuation, and where a run of kana particles/endings meets the next word
    (hiragana → kanji, katakana or an opening bracket; before an honorific お/ご that starts a word;
    after a particle は/を/が/に/も that follows a noun) — the bunsetsu heuristic. An explicit
    ZERO WIDTH SPACE in a translation is kept as a break. Latin text and spaces are left to Qt.
    """
    if not text or WORD_JOINER in text or not any(_script(c) != "other" for c in text):
        return text
    inside = set()   # indexes i where a break before text[i] would split a KEEP_WHOLE word
    for word in KEEP_WHOLE:
        start = text.find(word)
        while start >= 0:
            inside.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    out = []
    prev = ""
    for i, ch in enumerate(text):
        if prev and (i in inside or (prev.isdigit() and prev.isascii() and _script(ch) in ("kanji", "hira", "kata"))):
            out.append(WORD_JOINER)   # a counter stays with its number: 30秒, 6桁, 0:42後
        elif prev:
            a, b = _script(prev), _script(ch)
            nxt = _script(text[i + 1]) if i + 1 < len(text) else "other"
            honorific = ch in "おご" and nxt in ("kanji", "kata")   # お送り, ご利用: the prefix starts the word
            before = _script(text[i - 2]) if i >= 2 else "other"
            # a case particle right after a noun (kanji/katakana) ends the phrase: アカウントは/まだ
            particle = prev in "はをがにも" and before in ("kanji", "kata") and b == "hira"
            if "other" not in (a, b) and not (
                    particle or
                    (a == "close" and b != "close")
                    or (a == "hira" and b in ("kanji", "kata", "open") and prev not in "おご")
                    or (a == "hira" and honorific)
                    or (a in ("kanji", "kata") and b == "open")):
                out.append(WORD_JOINER)
        out.append(ch)
        prev = ch if ch != PHRASE_BREAK else ""
    return "".join(out)


def plain_text(text: str) -> str:
    """A translated text without the invisible break marks (for the clipboard and files)."""
    return text.replace(WORD_JOINER, "").replace(PHRASE_BREAK, "")


class PhraseTranslator(QTranslator):
    """A QTranslator whose Japanese translations wrap at phrase boundaries (see phrase_breaks)."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 (Qt name)
        text = super().translate(context, source_text, disambiguation, n)
        # None is a null QString: "not here, ask the next translator"; "" would end the search
        return phrase_breaks(text) if text else None


_installed: list[QTranslator] = []


def install_translator(app: QApplication, app_name: str, language: str, *, phrase_wrap: bool = False) -> None:
    """Load `<app_name>_<lang>.qm` and `ui_common_<lang>.qm` from ui_common/i18n (English needs none).

    Translators installed by an earlier call are removed first, so tests can switch languages in
    one QApplication."""
    while _installed:
        app.removeTranslator(_installed.pop())
    if language == "en":
        return
    for base in (app_name, "ui_common"):
        qm = I18N_DIR / f"{base}_{language}.qm"
        translator = PhraseTranslator(app) if phrase_wrap and language == "ja" else QTranslator(app)
        if qm.exists() and translator.load(str(qm)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("no %s translation for %s", language, base)


def context_tr(context: str) -> Callable[[str], str]:
    """`tr` for a module's texts (not a class's), marked with QT_TRANSLATE_NOOP(context, …): translates when
    called, in the language installed then."""
    return lambda text: QCoreApplication.translate(context, text)


def language() -> str:
    app = QApplication.instance()
    return (app.property("qrpay_language") if app else None) or "en"


def requested_geometry() -> QRect | None:
    """The slot the demo launcher gave this window (env QRPAY_GEOMETRY="x,y,w,h"), or None."""
    spec = os.environ.get("QRPAY_GEOMETRY", "")
    try:
        x, y, w, h = (int(v) for v in spec.split(","))
    except ValueError:
        return None
    return QRect(x, y, w, h) if w > 0 and h > 0 else None


def place_frame_in(window, slot: QRect) -> None:
    """Put `window` so its *frame* (title bar and borders included) lies inside `slot`.

    setGeometry() places the client area; a window manager adds its decorations outside it, which
    pushed the demo's windows ~20 px off the screen. The decorations are known once the window is
    shown, so the window is placed again then (and clamped to the screen's available area)."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        slot = slot.intersected(screen.availableGeometry())
    frame, geo = window.frameGeometry(), window.geometry()
    left, top = geo.x() - frame.x(), geo.y() - frame.y()
    right, bottom = frame.right() - geo.right(), frame.bottom() - geo.bottom()
    window.setGeometry(slot.x() + left, slot.y() + top, max(1, slot.width() - left - right),
                       max(1, slot.height() - top - bottom))


def apply_window_geometry(window) -> bool:
    """Place a top-level window where the demo launcher asked (env QRPAY_GEOMETRY="x,y,w,h"), its
    frame inside the slot."""
    slot = requested_geometry()
    if slot is None:
        return False
    window.setGeometry(slot)
    QTimer.singleShot(0, lambda: place_frame_in(window, slot))  # once shown, the frame is known
    return True


# -- start-up and exit, one for every app ------------------------------------------------------------
def app_parser(prog: str, description: str, *, kiosk: bool = False,
               kiosk_help: str = "full screen, large type, a supervisor PIN to leave") -> argparse.ArgumentParser:
    """The options every app has: --version, --db, --lang, --server, --world; with `kiosk`, --kiosk and
    --idle-minutes."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--version", action="version", version=version_text(prog))
    p.add_argument("--db", metavar="PATH", help="the database file (default: the per-user one)")
    p.add_argument("--lang", choices=("ja", "en"), help="UI language (default: the system's)")
    p.add_argument("--server", metavar="URL",
                   help="use a `qrpay serve` server instead of a database file (e.g. http://127.0.0.1:8765)")
    p.add_argument("--world", metavar="NAME", help="with --server: the world to join (default: the server's default)")
    p.add_argument("--join", metavar="CODE", help="with --server: join the world whose short code the trainer shows")
    if kiosk:
        p.add_argument("--kiosk", action="store_true", help=kiosk_help)
        p.add_argument("--idle-minutes", type=float, default=3.0, help="kiosk idle reset after this long (default 3)")
    return p


class AppWindow(Protocol):
    """What `run_app` needs of an app's main window: `shutdown()` stops its timers and workers."""

    def shutdown(self) -> None: ...


def open_core(args: argparse.Namespace):
    """The core the window talks to: the database file (`--db`), or with `--server URL [--world NAME | --join CODE]` a
    `shared.remote.RemoteCore` with the same interface (the windows cannot tell the difference). The
    server is reached once here, so a wrong address is a clear refusal at start-up, not a blank window."""
    server = getattr(args, "server", None)
    if not server:
        if getattr(args, "world", None) or getattr(args, "join", None):
            from shared.errors import InputError
            raise InputError("--world and --join need --server (a world lives on a server).")
        from shared.core import Core
        return Core.open(args.db)
    if args.db:
        from shared.errors import InputError
        raise InputError("Give --db or --server, not both.")
    from shared.remote import RemoteCore, admin_token_for

    world = args.world
    if getattr(args, "join", None):
        if world:
            from shared.errors import InputError
            raise InputError("Give --world NAME or --join CODE, not both.")
        from shared.remote.join import world_for_code
        world = world_for_code(server, args.join)
    core = RemoteCore(server, world=world, admin_token=admin_token_for(server),
                      terminal_id=getattr(args, "terminal", None))   # the till's shifts open on it
    core.ping()
    return core


def run_app(*, prog: str, app_name: str, args: argparse.Namespace,
            open_window: Callable[[QApplication, object], "AppWindow | int"], scale: float = 1.0,
            phrase_wrap: bool = False) -> int:
    """Start an app, run it, end it; returns the exit status.

    Logging to `<app_name>.log`, the QApplication (`app_name` names its QSettings and its
    translation `<app_name>_<lang>.qm`), the excepthook, the database (`args.db`; a refusal is
    printed as "PROG: message" with status 2), then `open_window(app, core)`: the shown window, or
    an int exit status when it cannot start. After the event loop the window is shut down and
    freed while the QApplication is fully alive (left to interpreter finalization, PySide6 6.12
    aborted on exit after a long session: none_dealloc), and the database is closed."""
    from shared.errors import QrpayError

    setup_logging(app_name)
    app = make_application([sys.argv[0]], app_name=app_name, lang=args.lang, scale=scale, phrase_wrap=phrase_wrap)
    install_excepthook()
    try:
        core = open_core(args)
    except QrpayError as e:
        print(f"{prog}: {e.message}", file=sys.stderr)
        return 2
    try:
        window = open_window(app, core)
        if isinstance(window, int):
            return window
        if getattr(args, "server", None):
            from ui_common.connection_status import ConnectionStatus
            window.connection_status = ConnectionStatus(window, core)
        code = app.exec()
        window.shutdown()
        del window
        gc.collect()
    finally:
        core.close()
    app.shutdown()
    return code
