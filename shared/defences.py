"""The policy as a set of named defences, each switched on or off on its own (DVWA-style).

    from shared import defences
    defences.DEFENCES["second-factor-sign-in"].fields      # the Policy fields it governs
    policy = defences.policy_with_off({"code-lifetime"})    # hardened with one defence off
    summary = defences.describe(core.policy)                # PolicySummary(preset, off)

Every field of `Policy` that differs between the two presets is governed by at least one defence;
a field governed by several (a shared gate such as `throttle_logins` or `step_up_seconds`) takes
its hardened value while ANY of them is on. So "all on" is exactly `HARDENED` and "all off" is
exactly `POLICY_2019` (tests/test_defences.py): the presets are two points of the same space.

`where` names the functions that read the defence's fields ("module:Qualified.name"); a test
imports each, so the names cannot rot. Names are stable kebab-case ids (the CLI, stored custom
sets and challenges refer to them); titles and explanations are `Text` (English and Japanese).
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, fields, replace
from typing import Iterable

from shared.errors import InputError
from shared.policy import HARDENED, POLICY_2019, PRESETS, Policy
from shared.texts import Text

CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Defence:
    name: str                   # stable kebab-case id
    title: Text
    stops: Text                 # what it stops
    guideline: str              # the clause it answers (standard names are not translated)
    fields: tuple[str, ...]     # the Policy fields it governs
    where: tuple[str, ...]      # "module:Qualified.name" of the functions that enforce it

    @property
    def on_values(self) -> dict[str, object]:
        return {f: getattr(HARDENED, f) for f in self.fields}

    @property
    def off_values(self) -> dict[str, object]:
        return {f: getattr(POLICY_2019, f) for f in self.fields}

    def to_json(self, lang: str = "en", *, on: bool | None = None) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name}
        if on is not None:
            out["on"] = on
        out.update({"title": self.title.get(lang), "stops": self.stops.get(lang), "guideline": self.guideline,
                    "where": list(self.where),
                    "fields": {f: {"on": getattr(HARDENED, f), "off": getattr(POLICY_2019, f)} for f in self.fields}})
        return out


_ID = "shared.identity:IdentityService"

_ALL: tuple[Defence, ...] = (
    Defence(
        "second-factor-sign-in",
        Text("Second factor at sign-in", "サインイン時の二要素認証"),
        Text("A leaked or guessed password alone taking over an account from a new phone (credential stuffing).",
             "漏えい・推測されたパスワードだけで、別の端末からアカウントを乗っ取ること（リスト型攻撃）。"),
        "NIST SP 800-63B §4.2 (AAL2), §5.1.5.2; RFC 6238 (TOTP); OWASP ASVS 5.0 6.3; METI / Payments Japan "
        "code-payment guideline (device and identity binding)",
        ("require_totp_login",),
        (f"{_ID}.sign_in", f"{_ID}._complete_sign_in")),
    Defence(
        "same-reply",
        Text("Same reply for right and wrong passwords", "正しいパスワードでも誤りと同じ応答"),
        Text("A bot learning from the replies which leaked passwords are right (a list “cleaned” for this site and "
             "every other that reuses them): a right password with a wrong or missing code is answered like a wrong "
             "one; the owner is told.",
             "応答からどの漏えいパスワードが正しいかをボットが知ること（このサイトと使い回し先すべてで使える「検証済み」"
             "リストになる）：正しいパスワードでもコードが誤り・欠けていれば誤ったパスワードと同じ応答を返し、本人に知らせる。"),
        "OWASP Authentication Cheat Sheet (generic error messages); OWASP Credential Stuffing Prevention Cheat Sheet; "
        "OWASP ASVS 5.0 6.3",
        ("uniform_login_replies",),
        (f"{_ID}.sign_in", f"{_ID}.confirm_totp")),
    Defence(
        "id-token-verification",
        Text("ID-token verification", "IDトークンの検証"),
        Text("Signing in as someone else with an external (SNS) ID: a bare user id sent by the client, a token "
             "issued to another app (token substitution), a forged or expired token, or an account linked by "
             "e-mail alone. The signature, issuer, audience, nonce and expiry are checked and accounts are linked "
             "by the provider's subject.",
             "外部ID（SNS）で他人としてサインインすること：クライアントが送る利用者IDそのもの、別アプリ向けに発行された"
             "トークン（トークンのすり替え）、偽造・期限切れのトークン、メールアドレスだけでの連携。署名・発行者・"
             "受取人・nonce・有効期限を検査し、アカウントは提供者のsubjectで連携する。"),
        "OpenID Connect Core 1.0 §3.1.3.7; RFC 7636 (PKCE); RFC 9700; NIST SP 800-63C",
        ("verify_id_token", "link_external_by"),
        ("shared.external_id.relying_party:ExternalIdService.sign_in_with_external_id",
         "shared.external_id.relying_party:ExternalIdService._verified_claims")),
    Defence(
        "per-account-throttling",
        Text("Per-account throttling", "アカウントごとの試行制限"),
        Text("Guessing one account's password many times: growing delays, a lock after 10 failures, at most "
             "100 failures an hour.",
             "一つのアカウントのパスワードを何度も試すこと：失敗ごとに待ち時間が伸び、10回でロック、1時間に100回まで。"),
        "NIST SP 800-63B §5.2.2; OWASP ASVS 5.0 6.3.1",
        ("throttle_logins", "lock_after_failures", "lock_seconds", "max_lock_seconds", "delay_after_failures",
         "max_failures_per_hour"),
        ("shared.throttle:SignInThrottle._verdict", "shared.throttle:SignInThrottle.settle_failure")),
    Defence(
        "stuffing-detection",
        Text("Credential-stuffing detection", "リスト型攻撃の検知"),
        Text("A bot trying a leaked list across many accounts: failures on 30 accounts within 5 minutes raise an "
             "alert and slow every sign-in down, whatever source it claims.",
             "漏えいリストを多数のアカウントに試すボット：5分間に30アカウントで失敗すると警報を出し、送信元を問わず"
             "すべてのサインインを遅らせる。"),
        "OWASP Credential Stuffing Prevention Cheat Sheet; NIST SP 800-63B §5.2.2; OWASP ASVS 5.0 6.3.1",
        ("throttle_logins", "max_lock_seconds", "stuffing_window_seconds", "stuffing_threshold"),
        ("shared.throttle:SignInThrottle._detect_stuffing", "shared.throttle:SignInThrottle._verdict")),
    Defence(
        "owner-notices",
        Text("Notices to the owner", "本人への通知"),
        Text("A takeover going unnoticed: the owner is told of a sign-in on a new device at the address of record.",
             "乗っ取りに気づかないこと：新しい端末でのサインインを登録済みのアドレスに知らせる。"),
        "OWASP Authentication Cheat Sheet (notify the user of unusual sign-ins); OWASP ASVS 5.0 7.5.1",
        ("notify_new_device",),
        (f"{_ID}._complete_sign_in",)),
    Defence(
        "password-strength",
        Text("Password strength", "パスワードの強度"),
        Text("Short, common or breached passwords that a guess or a list finds first.",
             "推測やリストで最初に見つかる、短い・よくある・漏えい済みのパスワード。"),
        "NIST SP 800-63B §5.1.1.2; OWASP ASVS 5.0 6.2",
        ("min_password_length", "reject_weak_passwords"),
        (f"{_ID}.password_problems", "shared.passwords:check")),
    Defence(
        "session-timeouts",
        Text("Session timeouts", "セッションの有効期限"),
        Text("A phone left signed in for a month: sessions end after 30 idle minutes and 12 hours in all.",
             "1か月サインインしたままの端末：30分操作がないか、合計12時間でセッションを終える。"),
        "NIST SP 800-63B §4.2.3 (AAL2 reauthentication); OWASP ASVS 5.0 7.3",
        ("session_idle_seconds", "session_absolute_seconds"),
        ("shared.sessions:SessionKeeping.session",)),
    Defence(
        "step-up-before-code",
        Text("Step-up before showing a code", "コード表示前の再認証"),
        Text("Someone holding a signed-in phone showing payment codes: a code needs an authenticator check "
             "within the last 5 minutes.",
             "サインイン済みの端末を手にした他人が支払いコードを表示すること：直近5分以内の認証アプリでの確認が必要。"),
        "NIST SP 800-63B §4.2.3; OWASP ASVS 5.0 7.5.3",
        ("code_requires_step_up", "step_up_seconds"),
        ("shared.codes:CodeService.issue", "shared.sessions:SessionKeeping.has_recent_step_up")),
    Defence(
        "credential-change-step-up",
        Text("Second factor before a credential change", "認証情報の変更前の二要素確認"),
        Text("Whoever holds a session changing the password, e-mail or authenticator to lock the owner out.",
             "セッションを持つ者がパスワード・メールアドレス・認証アプリを変更し、本人を締め出すこと。"),
        "OWASP ASVS 5.0 7.5.1; NIST SP 800-63B §6.1.2",
        ("step_up_for_credential_change", "step_up_seconds"),
        ("shared.credentials:CredentialChanges._recent_step_up",)),
    Defence(
        "reset-to-address-of-record",
        Text("Reset only to the address of record", "登録済みアドレスにのみ再設定コードを送る"),
        Text("A password reset sent to an address typed into the form (7pay's reset hijack); the attempt "
             "raises an alert.",
             "フォームに入力された別のアドレスへのパスワード再設定（7payの再設定乗っ取り）。試みは警報になる。"),
        "NIST SP 800-63B §6.1.2.3; OWASP Forgot Password Cheat Sheet; OWASP ASVS 5.0 6.4",
        ("reset_honours_send_to",),
        ("shared.password_reset:PasswordReset.request_reset",)),
    Defence(
        "reset-second-factor",
        Text("Second factor to finish a reset", "再設定の完了に二要素認証"),
        Text("Finishing a reset with only the e-mailed code (a read mailbox is enough to take over).",
             "メールで届いたコードだけで再設定を完了すること（メールを読まれただけで乗っ取られる）。"),
        "NIST SP 800-63B §6.1.2.3; OWASP ASVS 5.0 6.4.3",
        ("reset_requires_second_factor",),
        ("shared.password_reset:PasswordReset.complete_reset",)),
    Defence(
        "reset-code-lifetime",
        Text("Reset code lifetime", "再設定コードの有効期間"),
        Text("A reset code found in a mailbox hours later: it works for 10 minutes, not a day.",
             "数時間後にメールボックスで見つかった再設定コード：有効なのは1日ではなく10分。"),
        "NIST SP 800-63B §6.1.2.3 (short-lived); OWASP Forgot Password Cheat Sheet",
        ("reset_code_seconds",),
        ("shared.password_reset:PasswordReset.request_reset",)),
    Defence(
        "code-lifetime",
        Text("Payment code lifetime", "支払いコードの有効期間"),
        Text("An old screenshot, or a code made on a phone whose clock was set ahead (pre-play): a code lives "
             "60 seconds and may be at most 30 seconds early.",
             "古いスクリーンショットや、時計を進めた端末で作ったコード（先取り）：コードの有効期間は60秒、"
             "時刻のずれは30秒まで。"),
        "EMVCo QR Consumer-Presented Mode (dynamic cryptogram); RFC 7519 §4.1.4 exp; Bai et al., USENIX "
        "Security 2017",
        ("code_ttl_seconds", "code_skew_seconds"),
        ("shared.codes:CodeService.verify_for_redeem", "shared.codes:CodeService.ttl_seconds")),
    Defence(
        "single-use-code",
        Text("One payment per code", "コード1回限りの利用"),
        Text("A used code shown again, or the same code raced at two tills: the nonce is redeemed once, inside "
             "the sale's transaction.",
             "使用済みコードの再提示や、同じコードを2台のレジで同時に使うこと：ノンスは売上と同じトランザクション内で"
             "一度だけ消費される。"),
        "RFC 7519 §4.1.7 jti; EMVCo QR CPM (application transaction counter); Payments Japan code-payment "
        "guideline",
        ("code_single_use",),
        ("shared.codes:CodeService.mark_redeemed", "shared.codes:CodeService.verify_for_redeem")),
    Defence(
        "one-live-code",
        Text("One live code per customer", "顧客ごとに有効なコードは一つ"),
        Text("A screenshot of the code before a refresh: showing a new code withdraws the previous one.",
             "更新前のコードのスクリーンショット：新しいコードを表示すると前のコードは無効になる。"),
        "EMVCo QR CPM (one dynamic code per presentation); Payments Japan code-payment guideline",
        ("code_supersedes_previous",),
        ("shared.codes:CodeService.issue",)),
    Defence(
        "topup-second-factor",
        Text("Second factor for each top-up", "チャージごとの二要素認証"),
        Text("Charging the owner's card from a taken-over session: every top-up needs an authenticator code.",
             "乗っ取ったセッションから本人のカードでチャージすること：チャージごとに認証アプリのコードが必要。"),
        "METI / Payments Japan code-payment guideline (identity binding); OWASP ASVS 5.0 6.3",
        ("topup_requires_totp",),
        ("shared.topups:TopUpService._authenticate",)),
    Defence(
        "topup-credential-second-factor",
        Text("Top-up credential behind the second factor", "チャージ用パスワードの変更に二要素認証"),
        Text("Whoever is signed in setting a new top-up password (7pay's flaw) and then charging the card.",
             "サインインしている者が新しいチャージ用パスワードを設定し（7payの欠陥）、カードでチャージすること。"),
        "OWASP ASVS 5.0 7.5.1; METI / Payments Japan code-payment guideline",
        ("topup_password_changeable_without_2fa", "step_up_seconds"),
        ("shared.topups:TopUpService.set_topup_password",)),
    Defence(
        "topup-limits",
        Text("Top-up limits", "チャージ上限"),
        Text("Large top-ups to a taken-over wallet: ¥20,000 a time and a day, ¥50,000 in 30 days (7pay allowed "
             "¥300,000 a day).",
             "乗っ取られたウォレットへの高額チャージ：1回・1日2万円、30日5万円まで（7payは1日30万円）。"),
        "Payments Japan code-payment guideline; PayPay's 2019 card top-up caps",
        ("topup_max_per_transaction", "topup_max_per_day", "topup_max_per_30_days"),
        ("shared.topups:_check_limits",)),
    Defence(
        "topup-velocity",
        Text("Top-up velocity alert", "チャージ頻度の監視"),
        Text("Several top-ups within a minute (what one 7pay victim saw, with no alert): refused, with an alert.",
             "1分以内の複数回のチャージ（7payの被害者が見たもの、警報なし）：拒否して警報を出す。"),
        "METI July 2019 (transaction verification and fraud monitoring); OWASP ASVS 4.0.3 11.1",
        ("topup_velocity_count", "topup_velocity_seconds"),
        ("shared.topups:_check_limits",)),
    Defence(
        "payment-limits",
        Text("Payment limits", "支払い上限"),
        Text("Draining a wallet in a few large payments: ¥50,000 a payment, ¥100,000 a day.",
             "少数の高額支払いでウォレットを空にすること：1回5万円、1日10万円まで。"),
        "Payments Japan code-payment guideline; OWASP ASVS 4.0.3 11.1",
        ("payment_max_per_transaction", "payment_max_per_day"),
        ("shared.sales:SalesService._check_money",)),
    Defence(
        "payment-velocity",
        Text("Payment velocity alert", "支払い頻度の監視"),
        Text("A resale spree (cigarettes, prepaid cards) within minutes: more than ¥30,000 or 5 payments in 10 "
             "minutes is refused, with an alert.",
             "数分間の転売目的の連続購入（たばこ、プリペイドカード）：10分間に3万円または5回を超える支払いを"
             "拒否して警報を出す。"),
        "METI July 2019 (transaction verification and fraud monitoring); Payments Japan code-payment guideline",
        ("payment_velocity_count", "payment_velocity_amount", "payment_velocity_seconds"),
        ("shared.sales:SalesService._check_money",)),
)

DEFENCES: dict[str, Defence] = {d.name: d for d in _ALL}
NAMES: tuple[str, ...] = tuple(DEFENCES)


@dataclass(frozen=True, slots=True)
class PolicySummary:
    """What a banner needs: the preset the policy is (None for a custom set) and the defences off."""

    preset: str | None
    off: tuple[Defence, ...]

    @property
    def off_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.off)


def defence_named(name: object) -> Defence:
    try:
        return DEFENCES[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise InputError(f"Unknown defence {str(name)[:40]!r}; the defences are: {', '.join(NAMES)}.",
                         code="unknown_defence", valid=list(NAMES)) from None


def _check_names(names: Iterable[object]) -> frozenset[str]:
    return frozenset(defence_named(n).name for n in names)


def policy_with_off(off: Iterable[str]) -> Policy:
    """Hardened with the defences in `off` switched off; the preset itself when the set is empty
    (hardened) or every defence (2019)."""
    off_set = _check_names(off)
    if not off_set:
        return HARDENED
    if off_set == frozenset(NAMES):
        return POLICY_2019
    values: dict[str, object] = {}
    for f in fields(Policy):
        governing = [d for d in _ALL if f.name in d.fields]
        if governing and all(d.name in off_set for d in governing):
            values[f.name] = getattr(POLICY_2019, f.name)
    return replace(HARDENED, name=CUSTOM, label="Custom: " + ", ".join(n for n in NAMES if n in off_set) + " off",
                   **values)


def is_on(policy: Policy, defence: Defence | str) -> bool:
    """Whether `defence` is on in `policy`: all of its fields hold their hardened values."""
    d = defence if isinstance(defence, Defence) else defence_named(defence)
    return all(getattr(policy, f) == getattr(HARDENED, f) for f in d.fields)


def off_set(policy: Policy) -> frozenset[str]:
    """The names of the defences switched off in `policy`."""
    if policy.name in PRESETS:
        return frozenset() if policy.name == HARDENED.name else frozenset(NAMES)
    return frozenset(d.name for d in _ALL if not is_on(policy, d))


def describe(policy: Policy) -> PolicySummary:
    """The preset `policy` is (None when custom) and the defences it has off, in registry order."""
    off = off_set(policy)
    return PolicySummary(policy.name if policy.name in PRESETS else None,
                         tuple(d for d in _ALL if d.name in off))


def resolve(policy: str | Policy | Iterable[str]) -> Policy:
    """A preset name, a Policy (returned as is) or a set of defence names to switch off."""
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, str):
        if policy in PRESETS:
            return PRESETS[policy]
        raise InputError(f"Unknown policy {policy[:20]!r}: choose hardened, 2019 or a set of defences to "
                         "switch off.")
    return policy_with_off(policy)


# -- storage (the settings rows `policy` and `defences_off`; written by Core.set_policy) ------------
def encode(policy: Policy) -> tuple[str, str | None]:
    """(`policy` setting, `defences_off` setting) for a policy: a preset name and None, or
    ("custom", a JSON list of the names off)."""
    if policy.name in PRESETS:
        if policy != PRESETS[policy.name]:
            raise InputError("A policy named like a preset must be that preset.")
        return policy.name, None
    off = off_set(policy)
    if policy_with_off(off) != policy:
        raise InputError("This policy is not a set of defences switched on or off.")
    return CUSTOM, json.dumps(sorted(off))


def decode(name: str | None, off_json: str | None) -> Policy:
    """The policy the settings rows hold. A custom set naming a defence this version does not know
    (written by a newer one) fails closed: an unknown name is ignored, i.e. that defence stays ON."""
    if name == CUSTOM:
        try:
            names = json.loads(off_json or "[]")
        except ValueError:
            names = []
        known = [n for n in names if isinstance(n, str) and n in DEFENCES] if isinstance(names, list) else []
        return policy_with_off(known)
    return resolve(name or HARDENED.name)


def check_where() -> list[str]:
    """Every `where` that does not name an importable function in the module and class it is
    written in (empty when all resolve)."""
    problems = []
    for d in _ALL:
        for spec in d.where:
            module, _, qual = spec.partition(":")
            try:
                obj: object = importlib.import_module(module)
                for part in qual.split("."):
                    obj = getattr(obj, part)
            except (ImportError, AttributeError) as e:
                problems.append(f"{d.name}: {spec} ({e})")
                continue
            if not callable(obj):
                problems.append(f"{d.name}: {spec} is not a function")
            elif (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)) != (module, qual):
                # an inherited or re-exported name: `where` must name the place the code is written
                problems.append(f"{d.name}: {spec} is defined as {getattr(obj, '__module__', '?')}:"
                                f"{getattr(obj, '__qualname__', '?')}")
    return problems
