"""The receipt (and the X/Z report) on screen and as PDF, from the core's records.

A Japanese receipt is a qualified invoice: store name, registration number (T + 13 digits),
date and time in Japan time, receipt number, terminal, clerk, the lines with ※ on reduced-rate
items, the taxable total and tax per rate, the total and the payment method. The figures are
the core's (`core.sales.receipt`); this module only lays them out. Labels are Japanese with an
English gloss, as on the printed receipt of a shop that serves visitors, whatever the UI language.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from shared.money import format_yen
from shared.clock import jst_text
from shared.receipts import Receipt
from shared.reports import Report, ReportKind
from shared.tax import REDUCED_MARK, REDUCED_NOTE_EN, REDUCED_NOTE_JA
from ui_common import theme

RECEIPT_WIDTH_MM = 80     # thermal roll paper
_CSS = """
body { color: #1a1a1a; }
h1 { font-size: 15pt; margin: 0; text-align: center; }
.c { text-align: center; }
.m { color: #555b66; font-size: 9pt; }
td { padding: 1px 2px; vertical-align: top; }
td.r { text-align: right; white-space: nowrap; }
tr.total td { font-size: 15pt; font-weight: bold; border-top: 1px solid #1a1a1a; padding-top: 4px; }
hr { border: 0; border-top: 1px dashed #555b66; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def receipt_html(r: Receipt) -> str:
    rows = []
    for line in r.lines:
        mark = f" {REDUCED_MARK}" if line.reduced else ""
        detail = _e(line.name_en)
        if line.qty > 1:
            detail += f"&nbsp;&nbsp;{line.qty} × {_e(format_yen(line.unit_price))}"
        rows.append(f"<tr><td>{_e(line.name_ja)}{mark}<br><span class='m'>{detail}</span></td>"
                    f"<td class='r'>{_e(format_yen(line.amount))}</td></tr>")
    taxes = "".join(
        f"<tr><td>{rt.rate}%対象 <span class='m'>{rt.rate}% taxable</span></td>"
        f"<td class='r'>{_e(format_yen(rt.taxable_incl))}</td></tr>"
        f"<tr><td>&nbsp;&nbsp;内消費税 <span class='m'>tax</span></td><td class='r'>{_e(format_yen(rt.tax))}</td></tr>"
        for rt in r.by_rate)
    note = (f"<p class='m'>{_e(REDUCED_NOTE_JA)} / {_e(REDUCED_NOTE_EN)}</p>"
            if any(line.reduced for line in r.lines) else "")
    refunds = ""
    for ref in r.refunds:
        refunds += (f"<hr><table width='100%'><tr><td>返品 <span class='m'>Refund {_e(ref.refund_id)}</span><br>"
                    f"<span class='m'>{_e(jst_text(ref.at))}</span></td>"
                    f"<td class='r'>{_e(format_yen(-ref.total))}</td></tr></table>")
    return f"""<html><head><style>{_CSS}</style></head><body>
<h1>{_e(r.store_name_ja)}</h1>
<p class="c">{_e(r.store_name_en)}<br><span class="m">{_e(r.address)}</span><br>
登録番号 <span class="m">Registration No.</span> {_e(r.registration_no)}</p>
<p class="c"><b>領収書</b> <span class="m">Receipt</span></p>
<table width='100%'>
<tr><td>{_e(r.at_jst)}</td><td class="r">レジ <span class="m">Terminal</span> {_e(r.terminal_id)}</td></tr>
<tr><td>担当 <span class="m">Clerk</span> {_e(r.clerk_name)}</td><td class="r">No. {_e(r.receipt_no)}</td></tr>
</table>
<hr>
<table width='100%'>{''.join(rows)}</table>
<hr>
<table width='100%'>
<tr class="total"><td>合計 <span class="m">Total</span></td><td class="r">{_e(format_yen(r.total))}</td></tr>
{taxes}
</table>
{note}
<hr>
<table width='100%'><tr><td>お支払い <span class="m">Paid by</span> {_e(r.payment_method)}</td>
<td class="r">{_e(format_yen(r.total))}</td></tr>
<tr><td class="m">wallet {_e(r.wallet_ref)}</td><td></td></tr></table>
{refunds}
</body></html>"""


def report_html(rep: Report, *, store_name: str = "", shift_float: int | None = None) -> str:
    title = {ReportKind.X: "X レポート <span class='m'>X report (running)</span>",
             ReportKind.Z: "Z レポート <span class='m'>Z report (day closed)</span>"}[rep.kind]

    def rates(items) -> str:
        return "".join(f"<tr><td>&nbsp;&nbsp;{rt.rate}%対象 <span class='m'>{rt.rate}% taxable</span></td>"
                       f"<td class='r'>{_e(format_yen(rt.taxable_incl))}</td>"
                       f"<td class='r'>{_e(format_yen(rt.tax))}</td></tr>" for rt in items)

    agree = ("✓ 台帳と一致 <span class='m'>agrees with the ledger</span>" if rep.agrees_with_ledger else
             f"<b style='color:{theme.DANGER}'>✕ 台帳と不一致 — ledger says {_e(format_yen(rep.ledger_net))}</b>")
    float_row = ("" if shift_float is None else
                 f"<tr><td>釣銭準備金 <span class='m'>Cash float</span></td><td></td>"
                 f"<td class='r'>{_e(format_yen(shift_float))}</td></tr>")
    return f"""<html><head><style>{_CSS}</style></head><body>
<h1>{title}</h1>
<p class="c">{_e(store_name)}<br>レジ <span class="m">Terminal</span> {_e(rep.terminal_id)} —
営業日 <span class="m">Business day</span> {_e(rep.business_date)}<br>
<span class="m">{_e(jst_text(rep.generated_at))}</span></p>
<hr>
<table width='100%'>
<tr><td>売上 <span class="m">Sales</span> ({rep.sales_count})</td><td></td>
<td class="r">{_e(format_yen(rep.gross))}</td></tr>
<tr><td class="m">&nbsp;</td><td class="r m">対象 taxable</td><td class="r m">税 tax</td></tr>
{rates(rep.tax_by_rate)}
<tr><td>返品 <span class="m">Refunds</span> ({rep.refunds_count})</td><td></td>
<td class="r">{_e(format_yen(-rep.refunds_total))}</td></tr>
{rates(rep.refund_tax_by_rate)}
<tr class="total"><td>純売上 <span class="m">Net</span></td><td></td><td class="r">{_e(format_yen(rep.net))}</td></tr>
{float_row}
</table>
<p>{agree}</p>
</body></html>"""


def make_document(html_text: str) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setFamilies([theme.JAPANESE_FAMILY, *theme.LATIN_FAMILIES])
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    doc.setHtml(html_text)
    return doc


def save_pdf(html_text: str, path: str | Path, *, width_mm: float = RECEIPT_WIDTH_MM, title: str = "") -> Path:
    """Write `html_text` as a PDF on roll-paper width (Qt's PDF writer; no printer needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("qrpay-sim POS")
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QSizeF(width_mm, 297), QPageSize.Unit.Millimeter, "roll"))
    writer.setPageMargins(QMarginsF(4, 4, 4, 4), QPageLayout.Unit.Millimeter)
    doc = make_document(html_text)
    doc.print_(writer)
    del writer  # flushes and closes the file
    return path


class ReceiptView(QTextBrowser):
    """Shows a receipt or report document as it will be printed (white paper on the screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptPaper")
        self.setStyleSheet("QTextBrowser#receiptPaper { background: white; }")
        self.setMinimumWidth(360)
        self.current_html = ""

    def show_html(self, html_text: str) -> None:
        self.current_html = html_text
        font = self.document().defaultFont()
        font.setFamilies([theme.JAPANESE_FAMILY, *theme.LATIN_FAMILIES])
        self.document().setDefaultFont(font)
        self.setHtml(html_text)

    def show_receipt(self, receipt: Receipt) -> None:
        self.show_html(receipt_html(receipt))
