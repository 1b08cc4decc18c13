"""The catalog: EAN-13 check digits on insert and look-up, the store's registration number."""
import pytest

from shared.catalog import (corporate_check_digit, ean13_check_digit, make_ean13, normalize_jan,
                            registration_number_for, valid_ean13, valid_registration_no)
from shared.errors import Conflict, InputError, NotFound


@pytest.mark.parametrize("code", ["4901777018884", "4902102072618", "4006381333931", "9784101092058",
                                  "4901200001018", "0000000000000"])
def test_valid_ean13(code):
    assert valid_ean13(code)


@pytest.mark.parametrize("code", ["4901777018885", "490177701888", "49017770188840", "490177701888X",
                                  "４９０１７７７０１８８８４", "", None, 4901777018884, " 4901777018884"])
def test_invalid_ean13(code):
    assert not valid_ean13(code)


def test_every_single_digit_change_is_caught():
    good = "4901200001018"
    for i in range(13):
        for d in "0123456789":
            if d != good[i]:
                assert not valid_ean13(good[:i] + d + good[i + 1:]), (i, d)


def test_check_digit_and_normalisation():
    assert ean13_check_digit("400638133393") == 1
    assert make_ean13("490120000101") == "4901200001018"
    assert normalize_jan(" ４９０１２０００ 01018 ") == "4901200001018"
    with pytest.raises(InputError):
        normalize_jan("4901200001019")


def test_registration_number():
    # 国税庁's published example: corporate number 8700110005901 (check digit 8).
    assert corporate_check_digit("700110005901") == 8
    assert registration_number_for("700110005901") == "T8700110005901"
    assert valid_registration_no("T8700110005901")
    for bad in ["8700110005901", "T870011000590", "t8700110005901", "T87001100059011", None]:
        assert not valid_registration_no(bad)


@pytest.fixture
def store(core):
    s = core.catalog.add_store(name_ja="テスト店", name_en="Test Store", registration_no="T8700110005901",
                               address="東京都")
    core.catalog.add_terminal("T1", store_id=s.id)
    return s


def test_items_are_checked_on_insert_and_lookup(core, store):
    item = core.catalog.add_item(jan="4901200001018", name_ja="おにぎり 鮭", name_en="Onigiri", price=150, tax_rate=8)
    assert core.catalog.item("4901200001018") == item
    assert core.catalog.items() == [item]
    assert core.catalog.search("おにぎり") == [item]
    assert core.catalog.search("onigi") == [item]
    assert core.catalog.search("490120") == [item]
    assert core.catalog.search("%") == []
    with pytest.raises(InputError):
        core.catalog.add_item(jan="4901200001019", name_ja="x", name_en="x", price=100, tax_rate=8)
    with pytest.raises(InputError):
        core.catalog.item("4901200001019")      # a typo is "not a valid JAN", not "not found"
    with pytest.raises(NotFound):
        core.catalog.item("4006381333931")
    with pytest.raises(Conflict):
        core.catalog.add_item(jan="4901200001018", name_ja="x", name_en="x", price=100, tax_rate=8)
    for bad in [dict(price=0), dict(price=100.0), dict(tax_rate=5), dict(name_ja=" ")]:
        kw = dict(jan="4006381333931", name_ja="x", name_en="x", price=100, tax_rate=10) | bad
        with pytest.raises((InputError, TypeError)):
            core.catalog.add_item(**kw)


def test_store_and_terminals(core, store):
    assert core.catalog.store() == store
    assert store.account == f"store:{store.id}"
    assert [t.id for t in core.catalog.terminals()] == ["T1"]
    with pytest.raises(Conflict):
        core.catalog.add_terminal("T1", store_id=store.id)
    with pytest.raises(InputError):
        core.catalog.add_terminal("X9", store_id=store.id)
    with pytest.raises(InputError):
        core.catalog.add_store(name_ja="a", name_en="a", registration_no="1234567890123", address="a")
    with pytest.raises(NotFound):
        core.catalog.terminal("T9")


def test_no_store_yet(core):
    with pytest.raises(NotFound):
        core.catalog.store()
