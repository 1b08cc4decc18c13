"""The browser tests' fixtures: a real `qrpay serve` (a subprocess, tests/remote_server.py), one headless
Debian Chromium for the session (Playwright with executable_path; never `playwright install`), and a
phone-sized page per test (390x844, is_mobile, device_scale_factor 2, touch) in a classroom world of its own.

    def test_x(phone):                  # English (Accept-Language: en-US)
        phone.goto("signin"); phone.page.fill(...)
    def test_y(phone_factory):          # phone_factory(lang="ja") for a Japanese phone
"""
from __future__ import annotations

import os
import shutil

import pytest

from tests.remote_server import served
from tests.web.browser import CHROMIUM, Phone

pytest.importorskip("playwright.sync_api", reason="tests/web needs playwright (pip install -e '.[test]')")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("web-server")) as srv:
        yield srv


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"no {CHROMIUM}: scripts/setup.sh installs Debian's chromium package")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def phone_factory(browser, server):
    made: list[Phone] = []

    def make(lang: str = "en", *, world: str | None = None) -> Phone:
        """A phone in `world` (a fresh classroom world unless given; "default" is the server's /wallet/)."""
        name = world if world is not None else server.new_world()
        phone = Phone.open(browser, server, name, lang)
        made.append(phone)
        return phone

    yield make
    for phone in made:
        phone.close()


@pytest.fixture
def phone(phone_factory) -> Phone:
    return phone_factory("en")
