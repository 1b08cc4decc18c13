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


def qr_svg(text: str) -> str:
    """The QR as an inline SVG element (level M, 4-module quiet zone, one path for the dark modules): the web
    wallet puts it in its pages, so a strict Content-Security-Policy needs no image URL or inline style."""
    rows = qr_matrix(text)
    size = len(rows)
    dark = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(rows) for x, on in enumerate(row) if on)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" '
            f'class="qr" role="img"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{dark}" fill="#000"/></svg>')
