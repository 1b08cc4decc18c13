"""`qrpay sns …` and `qrpay login --sns-email / --id-token-stdin / --external-id` end to end, each command
in its own process on a real database file: what a trainee types to try the external-ID takeover by hand."""
from __future__ import annotations

from shared import totp
from tests.test_cli_identity import PW, T, qrpay

SNS_PW = "hanako-sns-password"


def _setup(db):
    rc, add, err = qrpay(db, "customer", "add", "--email", "hanako@example.jp", "--name", "Hanako",
                         "--password-stdin", stdin=PW + "\n", now=T)
    assert rc == 0, err
    secret = add["totp_secret"]
    assert qrpay(db, "customer", "confirm-totp", "--email", "hanako@example.jp", "--code",
                 totp.totp_code(secret, T), now=T)[0] == 0
    rc, sns, err = qrpay(db, "sns", "add-user", "--email", "hanako@example.jp", "--name", "Hanako",
                         "--password-stdin", stdin=SNS_PW + "\n", now=T)
    assert rc == 0, err
    rc, login, err = qrpay(db, "login", "--email", "hanako@example.jp", "--password-stdin", "--totp",
                           totp.totp_code(secret, T + 30), stdin=PW + "\n", now=T + 30)
    assert rc == 0, err
    rc, link, err = qrpay(db, "sns", "link", "--session", login["session"], "--sns-email", "hanako@example.jp",
                          "--password-stdin", stdin=SNS_PW + "\n", now=T + 40)
    assert rc == 0 and link["linked"] and link["sns_user_id"] == sns["sns_user_id"], err
    return secret, sns["sns_user_id"]


def test_cli_sns_sign_in_and_both_attacks_under_each_policy(tmp_path):
    db = tmp_path / "q.sqlite3"
    secret, sub = _setup(db)
    rc, users, _ = qrpay(db, "sns", "users", now=T + 50)
    assert rc == 0 and users["users"] == [{"sns_user_id": sub, "name": "Hanako"}]
    rc, apps, _ = qrpay(db, "sns", "apps", now=T + 50)
    assert {"qrpay-wallet", "fortune-quiz"} <= {a["client_id"] for a in apps["apps"]}

    rc, s, err = qrpay(db, "login", "--sns-email", "hanako@example.jp", "--password-stdin", stdin=SNS_PW + "\n",
                       now=T + 60)
    assert rc == 0, err
    assert s["session"] and s["payment_code_needs_totp"] is True

    rc, quiz, err = qrpay(db, "sns", "login", "--email", "hanako@example.jp", "--client-id", "fortune-quiz",
                          "--password-stdin", stdin=SNS_PW + "\n", now=T + 70)
    assert rc == 0 and quiz["id_token"].count(".") == 2, err
    rc, out, _ = qrpay(db, "login", "--id-token-stdin", stdin=quiz["id_token"] + "\n", now=T + 80)
    assert rc == 1 and out["error"]["code"] == "id_token_audience"
    assert quiz["id_token"] not in str(out)
    rc, out, _ = qrpay(db, "login", "--external-id", sub, now=T + 81)
    assert rc == 1 and out["error"]["code"] == "id_token_invalid"

    assert qrpay(db, "policy", "set", "2019", now=T + 90)[0] == 0
    rc, out, _ = qrpay(db, "login", "--id-token-stdin", stdin=quiz["id_token"] + "\n", now=T + 100)
    assert rc == 0 and out["session"] and out["payment_code_needs_totp"] is False
    rc, out, _ = qrpay(db, "login", "--external-id", sub, now=T + 101)
    assert rc == 0 and out["session"]


def test_cli_usage_errors(tmp_path):
    db = tmp_path / "q.sqlite3"
    _setup(db)
    assert qrpay(db, "login", "--email", "hanako@example.jp", now=T + 60)[0] == 2      # no --password-stdin
    assert qrpay(db, "login", "--external-id", "1", "--email", "x@example.jp", now=T + 60)[0] == 2
    assert qrpay(db, "login", "--external-id", "1", "--totp", "123456", now=T + 60)[0] == 2
    rc, out, _ = qrpay(db, "sns", "login", "--email", "hanako@example.jp", "--client-id", "qrpay-wallet",
                       "--password-stdin", stdin=SNS_PW + "\n", now=T + 60)
    assert rc == 2
    rc, out, _ = qrpay(db, "sns", "login", "--email", "hanako@example.jp", "--client-id", "fortune-quiz",
                       "--password-stdin", stdin="wrong-password\n", now=T + 60)
    assert rc == 1 and out["error"]["code"] == "sns_login_failed"
