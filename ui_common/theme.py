"""Named colours and the style sheet: the one place colours are chosen."""
from __future__ import annotations

ACCENT = "#1b5fd1"        # primary actions (white text on it: 6.0:1)
ACCENT_DARK = "#144aa3"
OK = "#17803d"            # approved / paid (white text: 5.0:1)
DANGER = "#c62828"        # refused / destructive (white text: 5.6:1)
WARNING = "#b45309"       # warnings, countdown's last 10 s (white text: 4.9:1)
WARNING_BG = "#fff4d6"
TEXT = "#1a1a1a"
MUTED = "#555b66"         # secondary text on white: 6.9:1
BG = "#f4f6f9"
SURFACE = "#ffffff"
BORDER = "#d5dae1"
CODE_BG = "#ece4c8"       # a command to type, inside a hint (on WARNING_BG; text on it: TEXT, 13:1)
SUPERVISOR = "#6b21a8"    # supervisor-only actions are visibly marked

JAPANESE_FAMILY = "Noto Sans CJK JP"   # asked for by name so Chinese glyph variants are not picked
LATIN_FAMILIES = ["Noto Sans", "DejaVu Sans"]

BODY_PT = 14
AMOUNT_PT = 36
TITLE_PT = 20


def stylesheet(scale: float = 1.0) -> str:
    """The application style sheet; `scale` enlarges type and targets (kiosk mode)."""
    def pt(v: float) -> int:
        return round(v * scale)

    return f"""
    QWidget {{ color: {TEXT}; font-size: {pt(BODY_PT)}pt; }}
    QMainWindow, QDialog, QStackedWidget > QWidget {{ background: {BG}; }}
    QLabel[role="title"] {{ font-size: {pt(TITLE_PT)}pt; font-weight: 600; }}
    QLabel[role="amount"] {{ font-size: {pt(AMOUNT_PT)}pt; font-weight: 700; }}
    QLabel[role="muted"] {{ color: {MUTED}; }}
    QLabel[role="error"] {{ color: {DANGER}; font-weight: 600; }}
    QLabel[role="ok"] {{ color: {OK}; font-weight: 600; }}
    QFrame[role="card"] {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 12px; }}
    QPushButton {{
        min-height: {pt(44)}px; min-width: {pt(44)}px; padding: 6px 12px;
        border: 1px solid {BORDER}; border-radius: 10px; background: {SURFACE};
    }}
    QPushButton:hover {{ border-color: {ACCENT}; }}
    QPushButton:focus {{ border: 2px solid {ACCENT}; }}
    QPushButton:disabled {{ color: #8a9099; background: #eceff3; }}
    QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border: none; font-weight: 600; }}
    QPushButton[role="primary"]:disabled {{ background: #9db5e3; color: white; }}
    QPushButton[role="danger"] {{ background: {DANGER}; color: white; border: none; font-weight: 600; }}
    QPushButton[role="ok"] {{ background: {OK}; color: white; border: none; font-weight: 600; }}
    QPushButton[role="supervisor"] {{ border: 2px solid {SUPERVISOR}; color: {SUPERVISOR}; font-weight: 600; }}
    QPushButton[role="link"] {{ border: none; background: transparent; color: {ACCENT}; font-weight: 400;
        min-height: {pt(44)}px; padding: 0px 8px; text-decoration: underline; }}
    QPushButton[role="link"]:focus {{ border: 2px solid {ACCENT}; }}
    QPushButton[role="round"] {{ border-radius: {pt(36)}px; min-width: {pt(72)}px; min-height: {pt(72)}px; }}
    QLineEdit, QSpinBox, QComboBox, QPlainTextEdit, QTextEdit {{
        min-height: {pt(40)}px; padding: 4px 8px; border: 1px solid {BORDER}; border-radius: 8px; background: {SURFACE};
    }}
    QLineEdit:focus {{ border: 2px solid {ACCENT}; }}
    QListWidget, QTableWidget, QTableView, QTreeView {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
    QHeaderView::section {{ background: #e9edf3; padding: 6px; border: none; font-weight: 600; }}
    QProgressBar {{ border: 1px solid {BORDER}; border-radius: 6px; text-align: center; min-height: 14px; background: {SURFACE}; }}
    QProgressBar::chunk {{ background: {ACCENT}; border-radius: 6px; }}
    QProgressBar[warning="true"]::chunk {{ background: {WARNING}; }}
    """


def banner_style(kind: str) -> str:
    """Full-width state banners: ok / danger / warning / info; always paired with a word or icon."""
    colours = {"ok": OK, "danger": DANGER, "warning": WARNING, "info": ACCENT}
    return (f"background: {colours[kind]}; color: white; font-weight: 700; padding: 12px 16px; "
            f"border-radius: 10px;")
