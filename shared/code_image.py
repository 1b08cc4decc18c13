"""The payment code as a QR picture (level M, 4-module quiet zone): the only module that uses `qrcode`."""
from __future__ import annotations


def _qr(text: str, box_size: int = 10):
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    q = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    q.add_data(text)
    q.make(fit=True)
    return q


def qr_version(text: str) -> int:
    return _qr(text).version


def qr_matrix(text: str) -> list[list[bool]]:
    """Rows of modules, the 4-module quiet zone included (what ui_common.widgets.QrWidget paints)."""
    return [list(row) for row in _qr(text).get_matrix()]


def render_png(text: str, path, *, box_size: int = 10) -> None:
    """The QR alone (no caption), level M, 4-module quiet zone."""
    _qr(text, box_size).make_image(fill_color="black", back_color="white").save(str(path))
