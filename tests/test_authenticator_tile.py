"""The kiosk authenticator in the tour's short tile (~140 px inside the frame): every code stands
whole in view (last session's screenshots showed it cut at the bottom), in English and Japanese;
with room to spare the explaining banner is back."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from shared import totp
from ui_common.layout_check import clipped_texts
from wallet_app.authenticator_window import AuthenticatorWindow


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("height", [140, 170])
def test_the_code_is_whole_in_a_short_tile(qtbot, core, lang, height):
    core.identity.register("short-tile@example.com", "Short Tile", "quiet lantern orbit 19")
    app = QApplication.instance()
    app.setProperty("qrpay_language", lang)
    try:
        w = AuthenticatorWindow(core)
        qtbot.addWidget(w)
        w.resize(768, height)
        w.show()
        for _ in range(3):
            QApplication.processEvents()
        assert w.banner.isHidden(), "a short tile shows the codes only"
        (email, secret, code, bar, name), = w.entries
        assert code.text().replace(" ", "") == totp.totp_code(secret, core.now())
        area = code.parentWidget().parentWidget().parentWidget()   # the scroll area's viewport
        shown = QRect(code.mapTo(area, code.rect().topLeft()), code.size())
        assert area.rect().contains(shown), (shown, area.rect())
        assert code.height() >= code.fontMetrics().height()
        assert not clipped_texts(w)
        w.resize(440, 560)
        QApplication.processEvents()
        assert not w.banner.isHidden()
    finally:
        app.setProperty("qrpay_language", "en")
