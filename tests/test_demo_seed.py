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
