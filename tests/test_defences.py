"""The policy as named defences: the registry, custom sets stored per database, the CLI switches."""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import fields

import pytest

from shared import defences
from shared.audit_events import AuditEvent
from shared.cli.main import main
from shared.errors import InputError
from shared.policy import HARDENED, POLICY_2019, Policy


# -- the registry ----------------------------------------------------------------------------------
def test_names_are_stable_kebab_case_ids_with_both_languages():
    assert len(defences.NAMES) == len(set(defences.NAMES)) >= 13
    for d in defences.DEFENCES.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", d.name), d.name
        assert d.title.en and d.stops.en and d.guideline and d.fields and d.where
        # the Japanese is Japanese (kana or kanji), not a copy of the English
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", d.title.ja) and d.title.ja != d.title.en
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", d.stops.ja)


def test_every_where_names_a_real_importable_function():
    assert defences.check_where() == []
    # and the check itself catches a name that rotted
    broken = defences.Defence("x", defences.DEFENCES["code-lifetime"].title, defences.DEFENCES["code-lifetime"].stops,
                              "g", ("code_ttl_seconds",), ("shared.codes:CodeService.no_such_method",))
    saved = defences._ALL
    try:
        defences._ALL = saved + (broken,)
        assert [p.split(":")[0] for p in defences.check_where()] == ["x"]
        # a name that resolves only through a re-export is not where the code lives
        defences._ALL = saved + (dataclasses.replace(broken, where=("shared.identity:passwords.check",)),)
        assert [p.split(":")[0] for p in defences.check_where()] == ["x"]
    finally:
        defences._ALL = saved


def test_the_presets_are_all_on_and_all_off():
    governed = {f for d in defences.DEFENCES.values() for f in d.fields}
    differing = {f.name for f in fields(Policy) if getattr(HARDENED, f.name) != getattr(POLICY_2019, f.name)}
    assert differing - {"name", "label"} <= governed  # every weakened field has a defence that governs it
    assert governed <= {f.name for f in fields(Policy)}
    assert defences.policy_with_off([]) == HARDENED
    assert defences.policy_with_off(defences.NAMES) == POLICY_2019
    # switched off one at a time, everything but the last still leaves a custom policy ...
    all_but_one = defences.policy_with_off(defences.NAMES[1:])
    assert all_but_one.name == "custom" and all_but_one != POLICY_2019
    # ... which is exactly 2019 in every field but the one defence left on
    for f in fields(Policy):
        if f.name in ("name", "label"):
            continue
        expected = HARDENED if f.name in defences.DEFENCES[defences.NAMES[0]].fields else POLICY_2019
        assert getattr(all_but_one, f.name) == getattr(expected, f.name), f.name


@pytest.mark.parametrize("name", defences.NAMES)
def test_each_defence_switches_only_its_own_fields_and_reads_back(name):
    d = defences.DEFENCES[name]
    p = defences.policy_with_off({name})
    assert p.name == "custom" and p.is_insecure
    changed = {f.name for f in fields(Policy) if getattr(p, f.name) != getattr(HARDENED, f.name)} - {"name", "label"}
    assert changed and changed <= set(d.fields)   # a shared gate stays on while another defence needs it
    assert defences.off_set(p) == {name}
    summary = defences.describe(p)
    assert summary.preset is None and summary.off_names == (name,)
    assert defences.decode(*defences.encode(p)) == p


def test_describe_the_presets():
    assert defences.describe(HARDENED) == defences.PolicySummary("hardened", ())
    s = defences.describe(POLICY_2019)
    assert s.preset == "2019" and s.off_names == defences.NAMES


def test_shared_gates_stay_on_while_one_of_their_defences_is_on():
    p = defences.policy_with_off({"per-account-throttling"})
    assert p.throttle_logins and p.max_lock_seconds == HARDENED.max_lock_seconds and p.stuffing_threshold > 0
    assert p.lock_after_failures == 0 and p.max_failures_per_hour == 0
    p = defences.policy_with_off({"per-account-throttling", "stuffing-detection"})
    assert not p.throttle_logins and p.max_lock_seconds == 0
    p = defences.policy_with_off({"step-up-before-code", "credential-change-step-up"})
    assert p.step_up_seconds == HARDENED.step_up_seconds  # the top-up credential change still needs it


def test_unknown_names_are_refused_with_the_list():
    with pytest.raises(InputError) as e:
        defences.policy_with_off({"second-factor"})
    assert e.value.code == "unknown_defence" and "second-factor-sign-in" in e.value.message
    assert e.value.details["valid"] == list(defences.NAMES)
    with pytest.raises(InputError):
        defences.resolve("2018")


def test_a_custom_set_from_a_newer_version_fails_closed():
    # an unknown name in the stored set is ignored: that defence stays ON
    assert defences.decode("custom", json.dumps(["from-the-future"])) == HARDENED
    assert defences.decode("custom", "not json") == HARDENED
    assert defences.off_set(defences.decode("custom", json.dumps(["code-lifetime", "x"]))) == {"code-lifetime"}


# -- stored per database -----------------------------------------------------------------------------
def test_core_stores_a_custom_set_and_audits_each_switch(core, db_path, clock):
    from shared.core import Core

    core.set_defence("code-lifetime", False, actor="test")
    core.set_defence("single-use-code", False, actor="test")
    other = Core.open(db_path, clock=clock)  # the other app sees the same set at once
    try:
        assert defences.off_set(other.policy) == {"code-lifetime", "single-use-code"}
        assert other.policy.code_ttl_seconds == POLICY_2019.code_ttl_seconds
    finally:
        other.close()
    rows = core.audit_recent(event=AuditEvent.POLICY_CHANGED, limit=5)
    assert rows[0].details["switched_off"] == ["single-use-code"]
    assert rows[0].details["defences_off"] == ["code-lifetime", "single-use-code"]
    assert rows[0].severity == "alert" and rows[0].actor == "test"
    core.set_defence("code-lifetime", True)
    core.set_defence("single-use-code", True)
    assert core.policy == HARDENED and core.policy.name == "hardened"
    with pytest.raises(InputError):
        core.set_defence("code-lifetime", "off")  # type: ignore[arg-type]


def test_every_defence_off_one_by_one_is_the_2019_preset(core):
    for name in defences.NAMES:
        core.set_defence(name, False)
    assert core.policy == POLICY_2019 and core.policy.name == "2019"
    core.set_policy("hardened")
    assert core.policy == HARDENED


def test_switching_a_defence_on_withdraws_outstanding_codes(core):
    from shared import totp

    core.set_defence("one-live-code", False)
    enrol = core.identity.register("d@example.jp", "D", "correct horse battery 42")
    core.identity.confirm_totp("d@example.jp", totp.totp_code(enrol.totp_secret, core.now() - 30))
    token = core.identity.sign_in("d@example.jp", "correct horse battery 42",
                                  totp=totp.totp_code(enrol.totp_secret, core.now())).token
    first, second = core.codes.issue(token), core.codes.issue(token)
    assert core.codes.status(token, first.nonce).state.value == "issued"  # no supersede while it is off
    core.set_defence("password-strength", False)  # turning another one OFF withdraws nothing
    assert core.codes.status(token, second.nonce).state.value == "issued"
    core.set_defence("one-live-code", True)       # ON: every outstanding code goes
    assert {core.codes.status(token, c.nonce).state.value for c in (first, second)} == {"revoked"}
    assert core.audit_recent(event=AuditEvent.CODES_REVOKED, limit=1)


# -- the command line -----------------------------------------------------------------------------------
def _cli(args, capsys):
    rc = main(args)
    out = capsys.readouterr().out
    return rc, (json.loads(out) if "--json" in args and out.strip() else out)


def test_cli_policy_show_json_lists_every_defence(tmp_path, capsys):
    db = str(tmp_path / "p.sqlite3")
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    rc, out = _cli(["--db", db, "policy", "show", "--json"], capsys)
    assert rc == 0 and out["preset"] == "hardened"
    assert [d["name"] for d in out["defences"]] == list(defences.NAMES)
    for d in out["defences"]:
        assert d["on"] is True and set(d) >= {"name", "on", "stops", "guideline", "where"}
        assert all(":" in w for w in d["where"])


def test_cli_policy_defence_switches_one_and_set_a_preset(tmp_path, capsys):
    db = str(tmp_path / "p.sqlite3")
    main(["--db", db, "init"])
    capsys.readouterr()
    rc, out = _cli(["--db", db, "policy", "defence", "reset-to-address-of-record", "off", "--json"], capsys)
    assert rc == 0 and out == {"defence": "reset-to-address-of-record", "on": False, "preset": None,
                               "policy": "custom", "defences_off": ["reset-to-address-of-record"]}
    rc, out = _cli(["--db", db, "policy", "show", "--json"], capsys)
    assert out["preset"] is None
    assert [d["name"] for d in out["defences"] if not d["on"]] == ["reset-to-address-of-record"]
    assert out["settings"]["reset_honours_send_to"] is True
    rc, text = _cli(["--db", db, "policy", "show"], capsys)
    assert "[OFF] reset-to-address-of-record" in text and "[on ] second-factor-sign-in" in text
    rc, text = _cli(["--db", db, "policy", "show", "--lang", "ja"], capsys)
    assert "登録済みアドレスにのみ再設定コードを送る" in text
    rc, out = _cli(["--db", db, "policy", "set", "2019", "--json"], capsys)
    assert rc == 0 and out["preset"] == "2019"
    rc, out = _cli(["--db", db, "policy", "show", "--json"], capsys)
    assert out["preset"] == "2019" and not any(d["on"] for d in out["defences"])
    rc, out = _cli(["--db", db, "policy", "defence", "code-lifetime", "on", "--json"], capsys)
    assert out["preset"] is None and "code-lifetime" not in out["defences_off"]


def test_cli_unknown_defence_is_refused_and_nothing_is_written(tmp_path, capsys):
    db = str(tmp_path / "p.sqlite3")
    main(["--db", db, "init"])
    capsys.readouterr()
    rc, before = _cli(["--db", db, "audit", "list", "--json"], capsys)
    rc, out = _cli(["--db", db, "policy", "defence", "two-factor", "off", "--json"], capsys)
    assert rc == 1 and out["error"]["code"] == "unknown_defence"
    assert "second-factor-sign-in" in out["error"]["message"] and out["error"]["valid"] == list(defences.NAMES)
    rc, after = _cli(["--db", db, "audit", "list", "--json"], capsys)
    assert after == before
    rc, out = _cli(["--db", db, "policy", "show", "--json"], capsys)
    assert out["preset"] == "hardened"
    assert main(["--db", db, "policy", "defence", "code-lifetime", "maybe"]) == 2


def _switch_off(args):
    db_path, name, config_dir = args
    import os

    os.environ["QRPAY_CONFIG_DIR"] = config_dir
    from shared.core import Core

    core = Core.open(db_path)
    try:
        core.set_defence(name, False, actor=f"proc:{name}")
    finally:
        core.close()


def test_parallel_switches_from_separate_processes_lose_none(core, db_path):
    """Each switch reads and writes the set in one transaction: six processes switching six
    different defences at once leave all six off (a read-then-write in two steps loses some)."""
    import multiprocessing
    import os

    core.codes.ensure_issuer_key()
    names = list(defences.NAMES[:6])
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(len(names)) as pool:
        pool.map(_switch_off, [(str(db_path), n, os.environ["QRPAY_CONFIG_DIR"]) for n in names])
    assert defences.off_set(core.policy) == set(names)
    actors = {r.actor for r in core.audit_recent(event=AuditEvent.POLICY_CHANGED, limit=20)}
    assert actors == {f"proc:{n}" for n in names}
    assert core.audit_verify().ok


@pytest.mark.parametrize("on", [True, False])
def test_same_reply_hides_or_reveals_a_right_password(core, on):
    from shared import totp
    from shared.errors import InvalidCredentials, TotpInvalid, TotpRequired

    enrol = core.identity.register("r@example.jp", "R", "correct horse battery 42")
    core.identity.confirm_totp("r@example.jp", totp.totp_code(enrol.totp_secret, core.now() - 30))
    core.set_defence("same-reply", on)
    assert core.policy.require_totp_login  # the second factor stays on: only the reply differs
    replies = {}
    for label, password, code in (("right+wrong code", "correct horse battery 42", "000000"),
                                  ("wrong+wrong code", "wrong horse battery 42", "000000"),
                                  ("right+no code", "correct horse battery 42", None),
                                  ("wrong+no code", "wrong horse battery 42", None)):
        core.clock.advance(120)  # past any growing delay
        with pytest.raises((InvalidCredentials, TotpInvalid, TotpRequired)) as e:
            core.identity.sign_in("r@example.jp", password, totp=code)
        replies[label] = type(e.value)
    if on:
        assert replies["right+wrong code"] is replies["wrong+wrong code"] is InvalidCredentials
        assert replies["right+no code"] is replies["wrong+no code"] is TotpRequired
    else:   # the oracle: the bot learns the password is right
        assert replies["right+wrong code"] is TotpInvalid and replies["wrong+wrong code"] is InvalidCredentials
        assert replies["right+no code"] is TotpRequired and replies["wrong+no code"] is InvalidCredentials


def test_same_reply_off_lets_the_stuffing_bot_confirm_passwords(core):
    from shared.attacks import SCENARIOS, Outcome

    sizes = dict(customers=20, leaked=120, reuse=0.3)
    off = SCENARIOS["credential-stuffing"].run(core, policy={"same-reply"}, **sizes)
    assert off.outcome is Outcome.BLOCKED and off.takeovers == 0   # the second factor still holds ...
    assert any(n.startswith("The replies confirmed") for n in off.notes)   # ... but the list was cleaned
    core.clock.advance(86_400)  # the first run's stuffing wave is over
    on = SCENARIOS["credential-stuffing"].run(core, policy="hardened", **sizes)
    assert any("NOT confirmed" in n for n in on.notes)
