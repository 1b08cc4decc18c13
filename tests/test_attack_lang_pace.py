"""Scenario steps, results and incident reports follow the language; runs go at presenter pace."""
from __future__ import annotations

import html
import json
import re
import time

import pytest

from shared.attacks import SCENARIOS, report, run_isolated
from shared.cli.main import main
from shared.errors import InputError

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SMALL = {"credential-stuffing": dict(customers=10, leaked=40), "double-spend": dict(rounds=1),
         "resale-velocity": dict(purchases=4)}


def _visible_text(page: str) -> str:
    """The report's text, without the style sheet and the quoted mail bodies (the messages the
    system sent, shown as they were sent)."""
    page = re.sub(r"<style>.*?</style>|<pre>.*?</pre>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("policy", ["hardened", "2019"])
def test_japanese_report_has_no_english_step_sentence(name, policy, tmp_path):
    result = run_isolated(name, policy=policy, **SMALL.get(name, {}))
    en = report.render_html(result, "en")
    ja = report.render_html(result, "ja")
    assert '<html lang="ja">' in ja and JAPANESE.search(_visible_text(ja))
    visible = _visible_text(ja)
    for step in result.steps:
        assert html.escape(step.result, quote=True) in en
        assert JAPANESE.search(step.result_in("ja")), step.result
        assert step.result not in visible, step.result          # the English sentence is gone ...
        assert html.escape(step.result_in("ja"), quote=True) in ja  # ... the Japanese one is there
        if step.detail and JAPANESE.search(step.detail_in("ja")):
            assert step.detail not in visible
    for note in result.notes:
        assert note not in visible
    for word in ("Incident report", "Timeline", "What the victim saw", "Yen lost", "Defences and the guidelines",
                 "simulated seconds", "No alert was raised", "ATTACK SUCCEEDED"):
        assert word not in visible, word
    assert result.title_in("ja") in visible and result.title not in visible


def test_cli_attack_lang_ja_writes_a_japanese_report(tmp_path, capsys):
    out_file = tmp_path / "incident.html"
    rc = main(["attack", "reset-hijack", "--policy", "2019", "--lang", "ja", "--report", str(out_file), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["title"] == "パスワード再設定の乗っ取り"
    assert all(JAPANESE.search(s["result"]) for s in out["steps"])
    page = out_file.read_text(encoding="utf-8")
    assert "インシデント報告" in page and "Incident report" not in page
    rc = main(["attack", "reset-hijack", "--lang", "ja"])
    text = capsys.readouterr().out
    assert rc == 0 and "阻止" in text and "BLOCKED" not in text
    assert main(["attack", "reset-hijack", "--lang", "fr"]) == 2


def test_pace_waits_after_each_step_and_a_hook_can_step_one_at_a_time():
    seen = []

    def next_please(step):  # a presenter's "Next": the run waits here until it returns
        seen.append(step.index)

    result = run_isolated("double-spend", policy="hardened", pace=next_please, rounds=1)
    assert seen == [s.index for s in result.steps]
    t0 = time.perf_counter()
    result = run_isolated("forged-code", policy="hardened", pace=0.05)
    assert time.perf_counter() - t0 >= 0.05 * len(result.steps)
    for bad in (-1, 61, True, "1"):
        with pytest.raises(InputError):
            run_isolated("forged-code", policy="hardened", pace=bad)


@pytest.mark.parametrize("hook", ["on_step", "pace"])
def test_a_hook_that_raises_stops_the_run_and_restores_the_policy(core, hook):
    """A window's `on_step` and a presenter's `pace` both cancel a run by raising."""
    class Stop(Exception):
        pass

    seen = []

    def stop_at_third(step):
        seen.append(step.index)
        if step.index == 2:
            raise Stop

    with pytest.raises(Stop):
        SCENARIOS["screenshot-replay"].run(core, policy="2019", **{hook: stop_at_third})
    assert seen == [0, 1, 2]
    assert core.policy.name == "hardened"


def test_cli_pace_and_off(capsys):
    t0 = time.perf_counter()
    rc = main(["attack", "expired-and-skewed", "--off", "code-lifetime", "--pace", "0.02", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["outcome"] == "succeeded" and out["defences_off"] == ["code-lifetime"]
    assert out["policy"] == "custom" and time.perf_counter() - t0 >= 0.02 * len(out["steps"])
    assert main(["attack", "expired-and-skewed", "--off", "no-such-defence", "--json"]) == 2
    assert "second-factor-sign-in" in json.loads(capsys.readouterr().out)["error"]["message"]
    assert main(["attack", "expired-and-skewed", "--policy", "2019", "--off", "code-lifetime"]) == 2
    assert main(["attack", "expired-and-skewed", "--pace", "-1"]) == 2


@pytest.mark.parametrize("argv", [["attack", "forged-code", "--report"], ["challenges", "export"]])
@pytest.mark.parametrize("name", [" \t ", "%s%n{0}", "\u202ereport.html", "report", ".html", " x.json", "a\x1b.json"])
def test_documents_are_written_only_under_a_proper_name(argv, name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "db.sqlite3"
    assert main(["--db", str(db), "init"]) == 0
    before = set(tmp_path.iterdir())
    assert main(["--db", str(db), *argv, name]) == 2
    assert set(tmp_path.iterdir()) == before      # nothing created under the stray name
    suffix = ".html" if argv[0] == "attack" else ".json"
    assert main(["--db", str(db), *argv, "ok" + suffix]) == 0 and (tmp_path / ("ok" + suffix)).is_file()
