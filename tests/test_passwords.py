"""NIST 800-63B password rules (with reasons in words) and Argon2id storage."""
import secrets

import pytest
from argon2 import PasswordHasher, Type

from shared import passwords
from shared.passwords import PasswordProblem
from shared.passwords import PasswordProblemCode as Code
from shared.errors import WeakPassword

STRONG = "correct horse battery staple"


def test_short_password_says_how_long():
    assert "Use at least 8 characters." in passwords.problems("Zq8#p", min_length=8)


def test_common_password_says_it_is_common():
    for pw in ("password", "password1234", "iloveyou2", "qwertyuiop"):
        assert "This password is in lists of common passwords." in passwords.problems(pw), pw


def test_password_containing_the_email_or_its_local_part_is_refused():
    email = "weak@example.test"
    # zxcvbn 4.5 scores this 4 of 4 even with the e-mail in user_inputs: the e-mail check must be our own.
    assert "It contains your e-mail address." in passwords.problems("weak@example.test-is-my-pass", email=email)
    assert "It contains your e-mail address." in passwords.problems("xyzWEAKplumbing42!", email=email)
    assert passwords.problems("xyzWEAKplumbing42!", email="someone.else@example.test") == []


def test_repeats_and_sequences_get_their_own_reason():
    assert any("repeats" in r for r in passwords.problems("aaaaaaaaaaaa"))
    assert passwords.problems("abcdefghijkl")  # refused, whatever the wording


def test_no_composition_rules_long_lowercase_passphrase_is_fine():
    assert passwords.problems(STRONG) == []


@pytest.mark.parametrize("length", [64, 100, 256])
def test_long_passwords_are_accepted(length):
    pw = secrets.token_urlsafe(length)[:length]
    assert len(pw) == length
    assert passwords.problems(pw) == []


def test_more_than_256_characters_is_refused_with_a_reason():
    assert passwords.problems("x" * 257) == [f"Use at most {passwords.MAX_LENGTH} characters."]


def test_policy_2019_only_checks_length():
    assert passwords.problems("password", min_length=6, reject_weak=False) == []
    assert passwords.problems("pass", min_length=6, reject_weak=False) == ["Use at least 6 characters."]


def test_no_truncation_every_character_counts():
    pw = secrets.token_urlsafe(150)[:150]
    h = passwords.hash_secret(pw)
    assert passwords.verify_secret(h, pw)
    assert not passwords.verify_secret(h, pw[:72])  # bcrypt would have said yes here
    assert not passwords.verify_secret(h, pw[:-1])
    assert not passwords.verify_secret(h, pw + "x")


def test_unicode_is_normalised_before_hashing():
    h = passwords.hash_secret("ｐａｓｓ　ｗｏｒｄ　ＡＢＣ")  # full-width, as a Japanese IME may type it
    assert passwords.verify_secret(h, "pass word ABC")


def test_hashes_are_argon2id_salted_and_never_contain_the_password():
    a, b = passwords.hash_secret(STRONG), passwords.hash_secret(STRONG)
    assert a.startswith("$argon2id$") and a != b
    assert STRONG not in a


def test_garbage_stored_hash_is_a_mismatch_not_a_crash():
    assert passwords.verify_secret("not-a-hash", STRONG) is False
    assert passwords.needs_rehash("not-a-hash") is True


def test_default_parameters_are_at_least_owasp_grade():
    d = passwords.DEFAULT_HASHER
    assert d.type is Type.ID
    # OWASP Password Storage cheat sheet minimum: m=19 MiB, t=2, p=1
    assert d.memory_cost >= 19 * 1024 and d.time_cost >= 2


def test_needs_rehash_when_parameters_change(monkeypatch):
    old = passwords.hash_secret(STRONG)
    assert not passwords.needs_rehash(old)
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert passwords.needs_rehash(old)
    assert passwords.verify_secret(old, STRONG)  # old hashes still verify


def test_identity_refuses_weak_passwords_with_every_reason(core):
    with pytest.raises(WeakPassword) as e:
        core.identity.register("kenji@example.jp", "Kenji", "kenji123")
    assert e.value.code == "weak_password"
    assert "It contains your e-mail address." in e.value.details["reasons"]
    assert {"code": "contains_email"} in e.value.details["problems"]
    assert len(e.value.details["problems"]) == len(e.value.details["reasons"])
    first = core.identity.password_problems("Zq8#p", "a@b.jp")[0]
    assert first == PasswordProblem(Code.TOO_SHORT, {"min": 8}) and first.message == "Use at least 8 characters."


@pytest.mark.parametrize("password, email, code", [
    (None, None, Code.MISSING), (b"bytes", None, Code.MISSING), ("Zq8#p", None, Code.TOO_SHORT),
    ("x" * (passwords.MAX_LENGTH + 1), None, Code.TOO_LONG),
    ("kenji-secret-words", "kenji@example.jp", Code.CONTAINS_EMAIL),
    ("password1234", None, Code.COMMON), ("aaaaaaaaaaaa", None, Code.REPEAT), ("abcdefghijkl", None, Code.SEQUENCE),
    ("zxcvbnm,./", None, Code.KEYBOARD), ("1987-03-12", None, Code.DATE),
])
def test_each_problem_is_a_code_with_its_numbers(password, email, code):
    """The GUI translates codes: every problem arrives as a code (with `min`/`max` where it has a
    number), and its English words come from the code, never the other way round."""
    found = passwords.check(password, email=email, min_length=8)
    assert code in [p.code for p in found], found
    for p in found:
        assert isinstance(p.code, Code) and p.message and "{" not in p.message
        assert p.to_json()["code"] == p.code.value
    assert passwords.problems(password, email=email, min_length=8) == [p.message for p in found]


def test_the_length_problems_carry_the_policy_numbers():
    assert passwords.check("short", min_length=12)[0].params == {"min": 12}
    assert passwords.check("short", min_length=12)[0].message == "Use at least 12 characters."
    too_long = passwords.check("x" * 300)
    assert [p.to_json() for p in too_long] == [{"code": "too_long", "max": passwords.MAX_LENGTH}]


def test_identity_password_rules_follow_the_policy(core):
    assert core.identity.password_problems("password") != []
    core.set_policy("2019")
    assert core.identity.password_problems("password") == []
