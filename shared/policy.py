"""The security policy: one frozen record, two presets, stored per database.

`hardened` (the default) is what a code-payment wallet should ship with. `2019` reproduces the
settings 7pay launched with in July 2019, so trainers can show each attack succeed; it is never
a default. Between the two, `shared.defences` switches named defences one by one (a policy named
"custom"). Each defence reads its field here at exactly one place in the core.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from shared.errors import InputError


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    label: str

    # Sign-in (NIST 800-63B §5.2.2, OWASP credential stuffing cheat sheet)
    require_totp_login: bool
    uniform_login_replies: bool       # a right password with a wrong/missing factor gets the wrong-password reply
    throttle_logins: bool
    lock_after_failures: int          # consecutive failures that lock the account
    lock_seconds: int                 # how long the lock lasts
    max_lock_seconds: int             # no delay or lock ever lasts longer, whatever the clock does
    delay_after_failures: int         # failures before growing delays start
    max_failures_per_hour: int        # NIST: never more than 100 an hour
    stuffing_window_seconds: int      # global/per-source failure counter window
    stuffing_threshold: int           # failures across accounts in the window that raise an alert
    notify_new_device: bool

    # Passwords (NIST 800-63B §5.1.1.2)
    min_password_length: int
    reject_weak_passwords: bool

    # Sessions (NIST 800-63B §4.2.3)
    session_idle_seconds: int
    session_absolute_seconds: int
    step_up_seconds: int              # how recent a second-factor check must be
    step_up_for_credential_change: bool

    # Password reset (NIST 800-63B §6.1.2.3, OWASP Forgot Password)
    reset_honours_send_to: bool       # 2019: the link went to any address typed into the form
    reset_requires_second_factor: bool
    reset_code_seconds: int

    # Payment codes (EMVCo CPM, RFC 7519 jti)
    code_requires_step_up: bool
    code_ttl_seconds: int
    code_single_use: bool
    code_supersedes_previous: bool
    code_skew_seconds: int            # tolerance for codes issued "in the future"

    # Top-ups (PayPay's 2019 caps; 7pay allowed 300,000 yen/day)
    topup_requires_totp: bool
    topup_password_changeable_without_2fa: bool
    topup_max_per_transaction: int
    topup_max_per_day: int
    topup_max_per_30_days: int
    topup_velocity_count: int         # more than this many top-ups ...
    topup_velocity_seconds: int       # ... within this window is refused with an alert

    # Payments (Payments Japan guideline; ASVS 11.1)
    payment_max_per_transaction: int
    payment_max_per_day: int
    payment_velocity_count: int
    payment_velocity_amount: int
    payment_velocity_seconds: int

    # Sign-in with an external ID (OpenID Connect Core 1.0 §3.1.3.7; RFC 9700; NIST SP 800-63C)
    verify_id_token: bool             # 2019: the app trusted the user id or token its client sent
    link_external_by: str             # "sub": the provider's (iss, sub); "email": 2019, the e-mail alone

    @property
    def is_insecure(self) -> bool:
        """Anything but hardened: the 2019 preset or a custom set with a defence off (training only)."""
        return self.name != "hardened"


HARDENED = Policy(
    name="hardened",
    label="Hardened",
    require_totp_login=True,
    uniform_login_replies=True,
    throttle_logins=True,
    lock_after_failures=10,
    lock_seconds=15 * 60,
    max_lock_seconds=60 * 60,
    delay_after_failures=3,
    max_failures_per_hour=100,
    stuffing_window_seconds=5 * 60,
    stuffing_threshold=30,
    notify_new_device=True,
    min_password_length=8,
    reject_weak_passwords=True,
    session_idle_seconds=30 * 60,
    session_absolute_seconds=12 * 3600,
    step_up_seconds=5 * 60,
    step_up_for_credential_change=True,
    reset_honours_send_to=False,
    reset_requires_second_factor=True,
    reset_code_seconds=10 * 60,
    code_requires_step_up=True,
    code_ttl_seconds=60,
    code_single_use=True,
    code_supersedes_previous=True,
    code_skew_seconds=30,
    topup_requires_totp=True,
    topup_password_changeable_without_2fa=False,
    topup_max_per_transaction=20_000,
    topup_max_per_day=20_000,
    topup_max_per_30_days=50_000,
    topup_velocity_count=3,
    topup_velocity_seconds=60,
    payment_max_per_transaction=50_000,
    payment_max_per_day=100_000,
    payment_velocity_count=5,
    payment_velocity_amount=30_000,
    payment_velocity_seconds=10 * 60,
    verify_id_token=True,
    link_external_by="sub",
)

POLICY_2019 = Policy(
    name="2019",
    label="2019 settings — insecure, for training",
    require_totp_login=False,
    uniform_login_replies=False,
    throttle_logins=False,
    lock_after_failures=0,
    lock_seconds=0,
    max_lock_seconds=0,
    delay_after_failures=0,
    max_failures_per_hour=0,
    stuffing_window_seconds=0,
    stuffing_threshold=0,
    notify_new_device=False,
    min_password_length=6,
    reject_weak_passwords=False,
    session_idle_seconds=30 * 24 * 3600,
    session_absolute_seconds=365 * 24 * 3600,
    step_up_seconds=0,
    step_up_for_credential_change=False,
    reset_honours_send_to=True,
    reset_requires_second_factor=False,
    reset_code_seconds=24 * 3600,
    code_requires_step_up=False,
    code_ttl_seconds=24 * 3600,
    code_single_use=False,
    code_supersedes_previous=False,
    code_skew_seconds=24 * 3600,
    topup_requires_totp=False,
    topup_password_changeable_without_2fa=True,
    topup_max_per_transaction=300_000,
    topup_max_per_day=300_000,
    topup_max_per_30_days=9_000_000,
    topup_velocity_count=0,
    topup_velocity_seconds=0,
    payment_max_per_transaction=300_000,
    payment_max_per_day=1_000_000,
    payment_velocity_count=0,
    payment_velocity_amount=0,
    payment_velocity_seconds=0,
    verify_id_token=False,
    link_external_by="email",
)

PRESETS: dict[str, Policy] = {p.name: p for p in (HARDENED, POLICY_2019)}
DEFAULT_POLICY = HARDENED.name


def policy_named(name: str) -> Policy:
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise InputError(f"Unknown policy {str(name)[:20]!r}: choose hardened or 2019.") from None


def policy_fields(policy: Policy) -> dict[str, object]:
    return {f.name: getattr(policy, f.name) for f in fields(policy)}
