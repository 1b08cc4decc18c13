"""A wait in a refusal reads as English: "1 second", "15 minutes" (never "1 seconds" nor "minute(s)")."""
import re
from pathlib import Path

import pytest

from shared.clock import wait_words
from shared.errors import Locked, QrpayError
from shared.staff import LOCK_SECONDS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("seconds, words", [
    (0, "1 second"), (0.2, "1 second"), (1, "1 second"), (1.01, "2 seconds"), (59, "59 seconds"),
    (60, "1 minute"), (61, "2 minutes"), (15 * 60, "15 minutes"), (3600, "60 minutes"),
    (2 * 3600, "2 hours"), (5400, "90 minutes"), (2 * 3600 + 1, "3 hours"), (86400, "24 hours"),
])
def test_wait_words(seconds, words):
    assert wait_words(seconds) == words


def test_a_staff_lock_says_how_long_in_words(core):
    s = core.staff.add("Sato", "supervisor", "4821")
    for _ in range(5):
        with pytest.raises((Locked, QrpayError)):
            core.staff.verify(s.id, "0000")
    said = []
    for left in (LOCK_SECONDS, 60, 30, 1):
        core.clock.set(core.now() + 0)   # the lock's end is fixed; move to `left` seconds before it
        with pytest.raises(Locked) as e:
            core.staff.verify(s.id, "4821")
        until = e.value.details["until"]
        core.clock.advance(until - core.now() - left)
        with pytest.raises(Locked) as e:
            core.staff.verify(s.id, "4821")
        said.append(e.value.message)
    assert "15 minutes" in said[0] and "1 minute " in said[1] and "30 seconds" in said[2] and "1 second " in said[3]


def test_no_refusal_counts_a_wait_by_hand():
    """Every wait in the core's English goes through wait_words: no "(s)", no "{n} seconds" in a refusal."""
    bad = []
    for path in (ROOT / "shared").rglob("*.py"):
        if path.name == "clock.py":     # wait_words itself, whose docstring names what it avoids
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(second|minute|hour)\(s\)", line) or (
                    re.search(r"\}\s*(seconds|minutes|hours)\b", line) and re.search(r"try again|locked for", line, re.I)):
                bad.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_japanese_waits():
    assert [wait_words(s, "ja") for s in (30, 900, 86400)] == ["30 秒", "15 分", "24 時間"]


def test_the_reset_code_mail_gives_its_lifetime_in_words(core):
    core.identity.register("hanako@example.jp", "Hanako", "correct horse battery staple")
    core.identity.request_reset("hanako@example.jp")
    mail = core.inbox("hanako@example.jp")[-1]
    seconds = core.policy.reset_code_seconds
    assert f"within {wait_words(seconds)}." in mail.body, mail.body
    assert f"有効期間は {wait_words(seconds, 'ja')}で" in mail.body_ja, mail.body_ja
