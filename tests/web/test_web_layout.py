"""Phone widths 360 and 430, English and Japanese: no page scrolls sideways, no text is cut off by its box,
and every button and link is at least 44 px tall (a thumb's target, as Apple and Material ask)."""
from __future__ import annotations

import pytest

OVERFLOW = """(w) => {  // w: the phone's width (a mobile browser widens innerWidth to fit a too-wide page)
  const bad = [];
  if (document.documentElement.scrollWidth > w) bad.push("page " + document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll("body *")) {
    const s = getComputedStyle(el);
    if (s.display === "none" || s.visibility === "hidden" || el.closest("svg")) continue;
    if (el.scrollWidth > el.clientWidth + 1 && s.overflowX !== "visible" && el.clientWidth > 0)
      bad.push("clipped " + el.tagName + "." + el.className + ": " + (el.textContent || "").trim().slice(0, 40));
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 1 || r.left < -1) && !el.closest(".tabs"))
      bad.push("outside " + el.tagName + "." + el.className + ": " + (el.textContent || "").trim().slice(0, 40));
  }
  for (const el of document.querySelectorAll("main button, main .button, .tabs a, .action, .link-button")) {
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.height < 44) bad.push("small " + el.tagName + "." + el.className + " " + r.height);
  }
  return bad;
}"""


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pages_fit_a_narrow_and_a_wide_phone(phone_factory, lang):
    phone = phone_factory(lang)
    account = phone.sign_up(name="Wolfeschlegelsteinhausenbergerdorff Hubert Blaine")
    pages = {}
    for width in (360, 430):
        phone.page.set_viewport_size({"width": width, "height": 800})
        pages[f"enrol@{width}"] = phone.page.evaluate(OVERFLOW, width)
    phone.enrol(account)
    for width in (360, 430):
        phone.page.set_viewport_size({"width": width, "height": 800})
        for name in ("", "signin", "signup"):
            phone.goto(name)
            pages[f"{name or 'welcome'}@{width}"] = phone.page.evaluate(OVERFLOW, width)
    phone.sign_in(account)
    for width in (360, 430):
        phone.page.set_viewport_size({"width": width, "height": 800})
        for name in ("", "history", "security", "mailbox", "no-such-page"):
            phone.goto(name)
            pages[f"{name or 'home'}@{width}"] = phone.page.evaluate(OVERFLOW, width)
    assert {k: v for k, v in pages.items() if v} == {}
    # the check itself can fail: a word too wide for its box, a page wider than the phone
    phone.page.evaluate("""() => { const p = document.querySelector('main p, main h1');
        p.style.overflowX = 'hidden'; p.style.whiteSpace = 'nowrap'; p.textContent = 'x'.repeat(200); }""")
    assert any(b.startswith("clipped") for b in phone.page.evaluate(OVERFLOW, 430))
    phone.page.evaluate("() => { document.querySelector('main').style.width = '900px'; }")
    assert any(b.startswith("page") for b in phone.page.evaluate(OVERFLOW, 430))
