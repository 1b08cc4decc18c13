"""StaffService: PINs hashed, wrong PINs counted, five in a row lock for 15 minutes."""
import pytest

from shared.audit_events import AuditEvent
from shared.errors import InputError, InvalidCredentials, Locked, NotFound, PermissionDenied
from shared.staff import LOCK_SECONDS, StaffRole


def test_add_and_list(core):
    a = core.staff.add("Sato", "clerk", "4821")
    b = core.staff.add("Suzuki", "supervisor", "90817263")
    assert core.staff.list() == [a, b]
    assert a.role is StaffRole.CLERK and a.role == "clerk" and b.role == "supervisor"
    assert core.staff.get(b.id) == b
    with pytest.raises(NotFound):
        core.staff.get(999)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "１２３４", "", 1234])
def test_pin_must_be_4_to_8_ascii_digits(core, pin):
    with pytest.raises(InputError):
        core.staff.add("Sato", "clerk", pin)


def test_role_must_be_clerk_or_supervisor(core):
    with pytest.raises(InputError):
        core.staff.add("Sato", "manager", "4821")


def test_pin_is_stored_hashed(core):
    s = core.staff.add("Sato", "clerk", "4821")
    stored = core.db.connection.execute("SELECT pin_hash FROM staff WHERE id = ?", (s.id,)).fetchone()[0]
    assert stored.startswith("$argon2id$") and "4821" not in stored


def test_verify_and_lock_after_five_wrong_pins(core):
    s = core.staff.add("Sato", "clerk", "4821")
    assert core.staff.verify(s.id, "4821") == s
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            core.staff.verify(s.id, "0000")
    with pytest.raises(Locked) as lk:
        core.staff.verify(s.id, "0000")
    assert lk.value.details["until"] == core.now() + LOCK_SECONDS
    with pytest.raises(Locked):  # the right PIN is not even checked while locked
        core.staff.verify(s.id, "4821")
    assert len(core.audit_recent(event=AuditEvent.STAFF_LOGIN_FAILED)) == 5
    assert core.audit_recent(event=AuditEvent.STAFF_LOCKED)[0].severity == "alert"
    core.clock.advance(LOCK_SECONDS + 1)
    assert core.staff.verify(s.id, "4821") == s


def test_a_success_resets_the_count(core):
    s = core.staff.add("Sato", "clerk", "4821")
    for _ in range(3):
        for _ in range(4):
            with pytest.raises(InvalidCredentials):
                core.staff.verify(s.id, "0000")
        core.staff.verify(s.id, "4821")


def test_unknown_staff_gets_the_same_reply(core):
    s = core.staff.add("Sato", "clerk", "4821")
    with pytest.raises(InvalidCredentials) as a:
        core.staff.verify(s.id, "0000")
    with pytest.raises(InvalidCredentials) as b:
        core.staff.verify(12345, "0000")
    assert a.value.to_json() == b.value.to_json()


def test_require_supervisor(core):
    clerk = core.staff.add("Sato", "clerk", "4821")
    boss = core.staff.add("Suzuki", "supervisor", "7395")
    assert core.staff.require_supervisor(boss.id, "7395") == boss
    with pytest.raises(PermissionDenied):
        core.staff.require_supervisor(clerk.id, "4821")
    with pytest.raises(InvalidCredentials):
        core.staff.require_supervisor(boss.id, "4821")
