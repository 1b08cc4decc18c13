"""seed-demo: the JSON shape QA scripts rely on, and data that obeys every rule of the core."""
import pytest

from shared import ledger, totp
from shared.catalog import valid_ean13, valid_registration_no
from shared.demo_data import seed_demo
from shared.errors import Conflict


@pytest.fixture
def seeded(core):
    return seed_demo(core)


def test_shape(seeded):
    assert set(seeded) >= {"store", "terminals", "staff", "customers", "items"}
    assert seeded["store"]["name_ja"] == "qrpay デモストア 渋谷店"
    assert seeded["store"]["name_en"] == "qrpay Demo Store Shibuya"
    assert valid_registration_no(seeded["store"]["registration_no"])
    assert [t["id"] for t in seeded["terminals"]] == ["T1", "T2"]
    assert sorted(s["role"] for s in seeded["staff"]) == ["clerk", "clerk", "supervisor"]
    for s in seeded["staff"]:
        assert set(s) >= {"id", "name", "role", "pin"} and isinstance(s["id"], int)
    assert len(seeded["customers"]) == 3
    for c in seeded["customers"]:
        assert set(c) >= {"email", "password", "totp_secret", "balance"} and c["balance"] > 0
    items = seeded["items"]
    assert 28 <= len(items) <= 40
    for i in items:
        assert set(i) >= {"jan", "name_ja", "name_en", "price", "tax_rate"}
        assert valid_ean13(i["jan"]) and isinstance(i["price"], int) and i["price"] > 0
    assert {i["tax_rate"] for i in items} == {8, 10}
    names = {i["name_ja"] for i in items}
    assert {"おにぎり 鮭", "緑茶 500ml", "幕の内弁当", "電池 単3 4本", "ビニール傘"} <= names
    assert len({i["jan"] for i in items}) == len(items)


def test_the_data_works(core, seeded):
    assert len(core.catalog.items()) == len(seeded["items"])
    for s in seeded["staff"]:
        assert core.staff.verify(s["id"], s["pin"]).name == s["name"]
    sup = next(s for s in seeded["staff"] if s["role"] == "supervisor")
    assert core.staff.require_supervisor(sup["id"], sup["pin"])
    for c in seeded["customers"]:
        assert core.identity.password_problems(c["password"], c["email"]) == []
        assert len(c["password"]) >= 15
        assert core.identity.customer_by_email(c["email"]).totp_enrolled
        assert core.wallet.balance(c["customer_id"]) == c["balance"]
        # signing in straight after seeding works (the enrolment did not use up the current step)
        s = core.identity.sign_in(c["email"], c["password"], totp=totp.totp_code(c["totp_secret"], core.now()))
        assert s.token
    with core.db.read() as conn:
        assert ledger.check(conn) == []
    assert core.audit_verify().ok


def test_secrets_differ_each_time(tmp_path, clock):
    from shared.core import Core
    outs = []
    for n in range(2):
        c = Core.open(tmp_path / f"{n}.sqlite3", clock=clock)
        outs.append(seed_demo(c))
        c.close()
    assert outs[0]["customers"][0]["password"] != outs[1]["customers"][0]["password"]
    assert outs[0]["customers"][0]["totp_secret"] != outs[1]["customers"][0]["totp_secret"]


def test_seeding_twice_is_refused(core, seeded):
    with pytest.raises(Conflict) as e:
        seed_demo(core)
    assert e.value.code == "already_seeded"
    assert len(core.catalog.items()) == len(seeded["items"])


def test_the_accounts_are_saved_beside_the_database_for_the_owner_only(core, seeded):
    """The presenter can see them again at any time: the file beside the database (mode 0600)
    holds exactly what seeding printed, and seeding again says where it is."""
    import os
    import stat

    from shared.demo_data import credentials_path, load_credentials

    path = credentials_path(core.db.path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    saved = load_credentials(core.db.path)
    assert [(s["id"], s["pin"]) for s in saved["staff"]] == [(s["id"], s["pin"]) for s in seeded["staff"]]
    assert [(c["email"], c["password"]) for c in saved["customers"]] == \
        [(c["email"], c["password"]) for c in seeded["customers"]]
    assert "totp_secret" not in json_text(path)
    with pytest.raises(Conflict) as e:
        seed_demo(core)
    assert str(path) in e.value.message


def json_text(path) -> str:
    return path.read_text(encoding="utf-8")


def test_qrpay_demo_prints_the_accounts_every_time(tmp_path, capsys):
    from shared.cli.main import main

    db = tmp_path / "demo.sqlite3"
    assert main(["--db", str(db), "demo", "--no-windows"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "demo", "--show-credentials"]) == 0     # the second time too
    out = capsys.readouterr().out
    from shared.demo_data import load_credentials
    creds = load_credentials(db)
    assert all(s["pin"] in out for s in creds["staff"]) and all(c["password"] in out for c in creds["customers"])
    assert main(["--db", str(tmp_path / "never-seeded.sqlite3"), "demo", "--show-credentials"]) != 0
