"""Application start-up shared by both apps: fonts, translator, style sheet, logging, excepthook.

Unexpected exceptions reach one hook: it logs the traceback and shows a crash dialog, and the
app keeps running. Expected refusals (`QrpayError`) are shown by the screens themselves.
"""
from __future__ import annotations

import locale
import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

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


def setup_logging(app_name: str) -> None:
    from platformdirs import user_log_dir

    handlers: list[logging.Handler] = [logging.StreamHandler()]
    try:
        log_dir = Path(user_log_dir("qrpay-sim", appauthor=False))
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_dir / f"{app_name}.log", encoding="utf-8"))
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


def make_application(argv: list[str], *, app_name: str, lang: str | None = None, scale: float = 1.0) -> QApplication:
    """Create (or reuse) the QApplication with the theme, a Japanese-capable font and the translator."""
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
    install_translator(app, app_name, language)
    app.setStyleSheet(theme.stylesheet(scale))
    return app


def install_translator(app: QApplication, app_name: str, language: str) -> None:
    """Load `<app_name>_<lang>.qm` and `ui_common_<lang>.qm` from ui_common/i18n (English needs none)."""
    if language == "en":
        return
    for base in (app_name, "ui_common"):
        qm = I18N_DIR / f"{base}_{language}.qm"
        translator = QTranslator(app)
        if qm.exists() and translator.load(str(qm)):
            app.installTranslator(translator)
        else:
            log.warning("no %s translation for %s", language, base)


def language() -> str:
    app = QApplication.instance()
    return (app.property("qrpay_language") if app else None) or "en"


def apply_window_geometry(window) -> bool:
    """Place a top-level window where the demo launcher asked (env QRPAY_GEOMETRY="x,y,w,h")."""
    spec = os.environ.get("QRPAY_GEOMETRY", "")
    try:
        x, y, w, h = (int(v) for v in spec.split(","))
    except ValueError:
        return False
    window.setGeometry(x, y, w, h)
    return True
