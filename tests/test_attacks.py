"""The training lab's attack scenarios, run headless under both policies, and their report and CLI."""
from __future__ import annotations

import dataclasses
import json
import time

import pytest

from shared.attacks import SCENARIOS, Outcome
from shared.attacks import report
from shared.audit_events import AuditEvent
from shared.cli.main import main
from shared.errors import InputError
from shared.mailbox import MessageKind
from shared.policy import HARDENED
from shared.texts import Text

SMALL = {
    "credential-stuffing": dict(customers=20, leaked=120, reuse=0.3),
    "reset-hijack": {},
    "external-id-takeover": {},
    "topup-takeover": {},
    "screenshot-replay": {},
    "expired-and-skewed": {},
    "forged-code": {},
    "double-spend": dict(rounds=2),
    "resale-velocity": dict(purchases=8),
}
# The signature check is not a policy switch (both presets verify Ed25519), so a forgery is refused in 2019 too.
BLOCKED_IN_2019 = {"forged-code"}


def run(core, name, policy, **extra):
    steps = []
    result = SCENARIOS[name].run(core, policy=policy, on_step=steps.append, **{**SMALL[name], **extra})
    return result, steps


def attacker_sales(result):
    """Sales the attacker (or their mule) made, from the run's audit rows."""
    return [a for a in result.audit if a.event is AuditEvent.PAYMENT
            and str(a.details.get("sale_id", "")).startswith(("attacker-", "mule-"))]


def events(result, severity=None):
    return [a.event for a in (result.alerts if severity == "alert" else result.audit)]


def test_registry_has_the_scenarios_of_issues_6_and_14():
    assert list(SCENARIOS) == ["credential-stuffing", "reset-hijack", "external-id-takeover", "topup-takeover",
                               "screenshot-replay",
                               "expired-and-skewed", "forged-code", "double-spend", "resale-velocity"]
    for spec in SCENARIOS.values():
        assert spec.title and spec.summary and spec.sizes


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_2019_attack_succeeds_as_described(core, name):
    result, steps = run(core, name, "2019")
    assert result.policy == "2019"
    assert result.ledger_ok, result.check_problems
    assert [s.index for s in result.steps] == list(range(len(result.steps)))
    assert steps == list(result.steps)  # on_step saw every step, in order, as it happened
    if name in BLOCKED_IN_2019:
        assert result.outcome is Outcome.BLOCKED and result.yen_lost == 0
        return
    assert result.outcome is Outcome.SUCCEEDED
    assert result.blocked_by is None
    assert result.yen_lost > 0
    if name != "double-spend":  # there the extra charge is the second sale of the owner's own code
        assert sum(a.details["amount"] for a in attacker_sales(result)) == result.yen_lost
    lost_from_watched = sum(b.before - b.after for b in result.victim.balances)
    assert lost_from_watched > 0
    assert core.policy.name == HARDENED.name  # the database's policy is put back after the run


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_hardened_blocks_the_attack(core, name):
    result, _ = run(core, name, "hardened")
    assert result.outcome is Outcome.BLOCKED, [s.result for s in result.steps]
    assert result.blocked_by
    assert result.takeovers == 0
    assert result.ledger_ok, result.check_problems
    if name == "resale-velocity":
        # The velocity rule bounds the loss (the first purchases under the threshold go through).
        assert 0 < result.yen_lost <= HARDENED.payment_velocity_amount
    else:
        assert result.yen_lost == 0
        assert attacker_sales(result) == []


def test_stuffing_2019_takes_accounts_over_and_drains_them(core):
    result, _ = run(core, "credential-stuffing", "2019")
    assert result.takeovers == round(20 * 0.3)
    assert AuditEvent.STUFFING_ALERT not in events(result, "alert")
    assert result.audit_counts and dict(result.audit_counts)["login_succeeded"] == result.takeovers
    assert dict(result.audit_counts)["payment"] == result.takeovers
    assert result.yen_lost == sum(b.before - b.after for b in result.victim.balances)
    last = result.timeline[-1]
    assert last.attempts == 120 and last.taken_over == result.takeovers and last.blocked == 0


def test_stuffing_hardened_throttles_alerts_and_notifies_owners(core):
    result, _ = run(core, "credential-stuffing", "hardened")
    assert AuditEvent.STUFFING_ALERT in events(result, "alert")
    assert "login_succeeded" not in dict(result.audit_counts)
    last = result.timeline[-1]
    assert last.taken_over == 0 and last.blocked > 0
    assert any("Someone tried to use" in m.subject for m in result.victim.messages)
    assert "throttling" in result.blocked_by.lower() and "TOTP" in result.blocked_by
    assert any(s.progress is not None and 0 < s.progress < 1 for s in result.steps)


def test_default_stuffing_run_finishes_within_a_minute(core):
    t0 = time.perf_counter()
    result = SCENARIOS["credential-stuffing"].run(core, policy="hardened")
    assert time.perf_counter() - t0 < 60
    assert dict(result.sizes)["customers"] == 200 and dict(result.sizes)["leaked"] == 2000
    assert result.timeline[-1].attempts == 2000
    assert result.takeovers == 0
    assert any("Argon2id" in n for n in result.notes)  # the cheaper simulation hashing is said out loud


def test_reset_hijack(core):
    bad, _ = run(core, "reset-hijack", "2019")
    assert any(m.to.startswith("drop.") and m.kind is MessageKind.RESET for m in bad.victim.messages)
    good, _ = run(core, "reset-hijack", "hardened")
    assert AuditEvent.RESET_REDIRECT_ATTEMPT in events(good, "alert")
    assert not any(m.to.startswith("drop.") for m in good.victim.messages)
    assert any(m.kind is MessageKind.RESET and not m.to.startswith("drop.") for m in good.victim.messages)


def test_topup_takeover(core):
    bad, _ = run(core, "topup-takeover", "2019")
    assert dict(bad.audit_counts)["topup"] == 3
    assert bad.yen_lost == 5_000 + 3 * 50_000
    good, _ = run(core, "topup-takeover", "hardened")
    assert "topup" not in dict(good.audit_counts)
    assert "topup_password_changed" not in dict(good.audit_counts)
    assert "topup_password_set" not in dict(good.audit_counts)


def test_screenshot_replay_names_each_refusal(core):
    good, _ = run(core, "screenshot-replay", "hardened")
    refusals = " ".join(s.result for s in good.steps if s.attacker_gain is False)
    for code in ("(replayed)", "(superseded)", "(expired)"):
        assert code in refusals
    assert AuditEvent.CODE_REPLAYED in events(good, "alert")


def test_expired_and_skewed_refusals(core):
    good, _ = run(core, "expired-and-skewed", "hardened")
    refusals = " ".join(s.result for s in good.steps if s.attacker_gain is False)
    assert "(expired)" in refusals and "(not_yet_valid)" in refusals


def test_forged_codes_are_refused_as_bad_signatures_under_both(core):
    for policy in ("2019", "hardened"):
        result, _ = run(core, "forged-code", policy)
        assert events(result, "alert").count(AuditEvent.CODE_FORGED) == 3
        assert dict(result.audit_counts).get("payment", 0) == 0  # no forged code paid anything


def test_double_spend_pays_each_code_once_under_hardened(core):
    good, _ = run(core, "double-spend", "hardened", rounds=3)
    assert dict(good.audit_counts)["payment"] == 3
    assert events(good, "alert").count(AuditEvent.CODE_REPLAYED) == 3
    bad, _ = run(core, "double-spend", "2019", rounds=3)
    assert dict(bad.audit_counts)["payment"] == 6
    drop = bad.victim.balances[0].before - bad.victim.balances[0].after
    assert bad.yen_lost * 2 == drop  # charged twice per code: half of it was never authorised


def test_resale_velocity(core):
    bad, _ = run(core, "resale-velocity", "2019")
    assert AuditEvent.PAYMENT_VELOCITY_ALERT not in events(bad, "alert")
    good, _ = run(core, "resale-velocity", "hardened")
    assert AuditEvent.PAYMENT_VELOCITY_ALERT in events(good, "alert")
    assert good.yen_lost < bad.yen_lost


def test_live_database_is_simulated_on_a_pinned_copy_of_its_clock(tmp_path):
    from shared.core import Core

    live = Core.open(tmp_path / "live.sqlite3")  # the shared simulated clock, as the apps use it
    try:
        offset = live.clock_offset()
        result = SCENARIOS["forged-code"].run(live, policy="2019")
        assert result.outcome is Outcome.BLOCKED
        assert live.clock_offset() == offset
        assert live.policy.name == "hardened"
    finally:
        live.close()


def test_sizes_are_checked(core):
    spec = SCENARIOS["credential-stuffing"]
    with pytest.raises(InputError):
        spec.run(core, policy="2019", rounds=3)
    with pytest.raises(InputError):
        spec.run(core, policy="2019", customers=1)
    with pytest.raises(InputError):
        spec.run(core, policy="2019", customers=2.5)
    with pytest.raises(InputError):
        spec.run(core, policy="nonsense", customers=10, leaked=20)


# -- the report ------------------------------------------------------------------------------------
def test_report_renders_outcome_chart_and_guidelines(core, tmp_path):
    result, _ = run(core, "credential-stuffing", "2019")
    path = report.write_html(result, tmp_path / "incident.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "ATTACK SUCCEEDED" in text and f"¥{result.yen_lost:,}" in text
    assert "<svg" in text and 'class="series-taken_over"' in text and "accounts taken over" in text
    assert "NIST SP 800-63B §5.2.2" in text and "RFC 6238" in text
    # the stopping defences: named, with where they live in the code
    assert "second-factor-sign-in" in text and "shared.identity:IdentityService.sign_in" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained
    assert "<script" not in text


def test_report_of_a_blocked_run_and_escaping(core, tmp_path):
    result, _ = run(core, "screenshot-replay", "hardened")
    bad = Text("<script>alert(1)</script>", "<script>alert(1)</script>")
    evil = dataclasses.replace(result, note_texts=result.note_texts + ((bad, ()),))
    for lang in ("en", "ja"):
        text = report.render_html(evil, lang)
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    text = report.render_html(evil)
    assert "BLOCKED" in text and result.blocked_by in text
    assert "<svg" in text  # a chart drawn from the steps when there is no stuffing timeline
    points, _ = report.chart_points(result)
    assert points[-1].blocked == sum(1 for s in result.steps if s.attacker_gain is False)


# -- the command line ------------------------------------------------------------------------------
def test_cli_attack_json_shape_and_exit_code(capsys, tmp_path):
    rc = main(["attack", "double-spend", "--policy", "2019", "--rounds", "1", "--json", "--now",
               "2026-11-25T09:00:00Z", "--report", str(tmp_path / "r.html")])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["outcome"] == "succeeded" and out["policy"] == "2019" and out["yen_lost"] > 0
    for key in ("blocked_by", "takeovers", "steps", "timeline", "alerts", "audit", "victim", "ledger_ok", "notes"):
        assert key in out
    assert out["started_at"].startswith("2026-11-25T09:")
    assert out["database"] is None and (tmp_path / "r.html").is_file()


def test_cli_attack_on_a_given_database(capsys, tmp_path):
    db = tmp_path / "lab.sqlite3"
    rc = main(["--db", str(db), "attack", "reset-hijack", "--policy", "hardened", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["outcome"] == "blocked" and out["database"] == str(db)
    assert db.is_file()


def test_cli_attack_list_and_usage_errors(capsys):
    assert main(["attack", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in listed["scenarios"]] == list(SCENARIOS)
    assert main(["attack", "forged-code", "--rounds", "2", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "usage"
    assert main(["attack", "no-such-attack"]) == 2
    assert main(["attack", "forged-code", "--policy", "2018"]) == 2
    assert main(["attack", "credential-stuffing", "--customers", "1", "--json"]) == 2


def test_cli_attack_human_output_shows_steps(capsys):
    assert main(["attack", "forged-code", "--policy", "hardened"]) == 0
    out = capsys.readouterr().out
    assert "BLOCKED by Ed25519 signature" in out and "bad_signature" in out
