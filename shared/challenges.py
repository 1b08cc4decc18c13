"""Challenges: attacks a trainee makes by hand, with the real apps and `qrpay`, detected from the
audit log and the ledger (OWASP Juice Shop's idea; never a tick box).

    from shared import challenges
    states = challenges.status(core)          # detects new solves, returns every challenge's state
    challenges.reset(core)                    # only what happens from now on counts
    challenges.export_json(core)              # the progress, for a trainer's records

Each `Challenge` has a stable id, a difficulty (1–3), two levels of hints, the defence that stops
it (a shared.defences name), and an explanation of what went wrong at 7pay that is shown once it
is solved; texts are English and Japanese (`shared.texts.Text`). Its `detect(conn, baseline)`
reads the store and returns the evidence (ids of audit rows or redemptions, never a secret) or
None. Only rows newer than the baseline count: a reset moves it to the newest row.

Every challenge here can be solved only while its defence is off (the 2019 preset, or a custom set
from `qrpay policy defence NAME off`); the tests solve each the way a trainee would and check that
the same steps under hardened solve nothing. `external-id-takeover` watches for the audit event
`external_id_signin` with `verified: false` (the core accepted an external identity it did not
verify); the external-ID sign-in writes it.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.errors import InputError
from shared.storage import challenges_store, settings_store
from shared.texts import Text

if TYPE_CHECKING:
    from shared.core import Core

_BASELINE_KEY = "challenges_baseline"
EXPORT_FORMAT = 1
# Defences a challenge may name before they are registered (none now).
PENDING_DEFENCES: frozenset[str] = frozenset()

Evidence = dict[str, Any]
Detector = Callable[[sqlite3.Connection, dict[str, int]], "Evidence | None"]


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    title: Text
    goal: Text
    difficulty: int                 # 1 easy … 3 hard
    hints: tuple[Text, Text]        # a nudge, then the way
    defence: str                    # the shared.defences name that stops it
    explanation: Text               # what went wrong at 7pay; shown once solved
    detect: Detector = field(repr=False)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {"id": self.id, "title": self.title.get(lang), "goal": self.goal.get(lang),
                "difficulty": self.difficulty, "defence": self.defence,
                "hints": [h.get(lang) for h in self.hints]}


@dataclass(frozen=True, slots=True)
class ChallengeState:
    challenge: Challenge
    solved_at: float | None
    evidence: Evidence | None

    @property
    def solved(self) -> bool:
        return self.solved_at is not None

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        out = self.challenge.to_json(lang)
        out.update(solved=self.solved, solved_at=to_iso(self.solved_at) if self.solved_at is not None else None,
                   evidence=self.evidence,
                   explanation=self.challenge.explanation.get(lang) if self.solved else None)
        return out


# -- detectors ---------------------------------------------------------------------------------------
def _rows(conn: sqlite3.Connection, base: dict[str, int], *events: AuditEvent) -> list[dict[str, Any]]:
    return challenges_store.audit_rows(conn, tuple(e.value for e in events), after_id=base["audit_id"])


def _password_only_takeover(conn, base) -> Evidence | None:
    """A sign-in with the password alone on a device the account had never used."""
    rows = _rows(conn, base, AuditEvent.LOGIN_SUCCEEDED, AuditEvent.NEW_DEVICE)
    new_device_sessions = {r["details"].get("session_id") for r in rows if r["event"] == AuditEvent.NEW_DEVICE.value}
    for r in rows:
        if r["event"] == AuditEvent.LOGIN_SUCCEEDED.value and r["details"].get("factor") == "none" \
                and r["details"].get("session_id") in new_device_sessions:
            return {"audit_id": r["id"], "customer_id": r["customer_id"], "device": r["details"].get("device")}
    return None


def _reset_hijacked(conn, base) -> Evidence | None:
    """A reset code sent to another address than the account's, then the reset completed."""
    rows = _rows(conn, base, AuditEvent.RESET_REQUESTED, AuditEvent.RESET_COMPLETED)
    redirected: dict[int, int] = {}
    for r in rows:
        if r["event"] == AuditEvent.RESET_REQUESTED.value and r["details"].get("sent_to_address_of_record") is False:
            redirected.setdefault(r["customer_id"], r["id"])
        elif r["event"] == AuditEvent.RESET_COMPLETED.value and r["customer_id"] in redirected:
            return {"audit_ids": [redirected[r["customer_id"]], r["id"]], "customer_id": r["customer_id"]}
    return None


def _topup_takeover(conn, base) -> Evidence | None:
    """A top-up password set without a second factor, then a top-up authorised by that password."""
    rows = _rows(conn, base, AuditEvent.TOPUP_PASSWORD_SET, AuditEvent.TOPUP_PASSWORD_CHANGED, AuditEvent.TOPUP)
    set_without: dict[int, int] = {}
    for r in rows:
        if r["event"] != AuditEvent.TOPUP.value:
            if r["details"].get("second_factor") is False:
                set_without.setdefault(r["customer_id"], r["id"])
        elif r["customer_id"] in set_without and r["details"].get("authorised_by") == "topup_password":
            return {"audit_ids": [set_without[r["customer_id"]], r["id"]], "customer_id": r["customer_id"],
                    "amount": r["details"].get("amount")}
    return None


def _replayed(conn, base) -> Evidence | None:
    for r in challenges_store.codes_redeemed_twice(conn, after_id=base["redemption_id"]):
        return {"nonce": r["nonce"], "customer_id": r["customer_id"], "sales": r["sales"],
                "redemption_ids": [int(i) for i in str(r["ids"]).split(",")]}
    return None


def _refreshed(conn, base) -> Evidence | None:
    for r in challenges_store.redemptions_of_replaced_codes(conn, after_id=base["redemption_id"]):
        return {"redemption_id": r["redemption_id"], "nonce": r["nonce"], "newer_nonce": r["newer_nonce"],
                "customer_id": r["customer_id"]}
    return None


def _expired(conn, base) -> Evidence | None:
    from shared.codes import TTL_RANGE
    from shared.policy import HARDENED

    for r in challenges_store.redemptions_outside_window(conn, after_id=base["redemption_id"], max_age=TTL_RANGE[1],
                                                         max_early=HARDENED.code_skew_seconds):
        return {"redemption_id": r["redemption_id"], "nonce": r["nonce"], "customer_id": r["customer_id"],
                "age_seconds": round(float(r["age"]), 1)}
    return None


def _spree(conn, base) -> Evidence | None:
    """More payments from one wallet within the hardened velocity window than it allows."""
    from shared.policy import HARDENED

    window = HARDENED.payment_velocity_seconds
    by_customer: dict[int, list[dict[str, Any]]] = {}
    for r in _rows(conn, base, AuditEvent.PAYMENT):
        if r["customer_id"] is None:
            continue
        mine = by_customer.setdefault(r["customer_id"], [])
        mine.append(r)
        recent = [p for p in mine if r["at"] - window < p["at"] <= r["at"]]
        amount = sum(int(p["details"].get("amount", 0)) for p in recent)
        if len(recent) > HARDENED.payment_velocity_count or amount > HARDENED.payment_velocity_amount:
            return {"customer_id": r["customer_id"], "payments": len(recent), "amount": amount,
                    "audit_ids": [p["id"] for p in recent]}
    return None


def _external_id(conn, base) -> Evidence | None:
    """The core let someone in on an external identity it did not verify (signature, issuer,
    audience, nonce, expiry; linked by the provider's subject)."""
    for r in _rows(conn, base, AuditEvent.EXTERNAL_ID_SIGNIN):
        if r["details"].get("verified") is False:
            return {"audit_id": r["id"], "customer_id": r["customer_id"]}
    return None


# -- the registry -------------------------------------------------------------------------------------
_ALL: tuple[Challenge, ...] = (
    Challenge(
        "stuffing-takeover",
        Text("Take over an account with a leaked password", "漏えいしたパスワードでアカウントを乗っ取る"),
        Text("Sign in to a customer's account with their password alone, from a device the account has never used.",
             "パスワードだけで、そのアカウントが使ったことのない端末から顧客のアカウントにサインインする。"),
        1,
        (Text("Passwords leak from other services and people reuse them. The demo customers' passwords are in the "
              "credentials file beside the database.",
              "パスワードは他のサービスから漏えいし、使い回される。デモ顧客のパスワードはデータベースの隣の資格情報ファイルにある。"),
         Text("Under the 2019 preset (or with second-factor-sign-in off): `qrpay login --email ADDRESS --password-stdin "
              "--device my-phone` with the password on stdin and no --totp.",
              "2019 プリセット（または second-factor-sign-in をオフ）で、`qrpay login --email アドレス --password-stdin "
              "--device my-phone` を --totp なしで実行し、パスワードを標準入力に渡す。")),
        "second-factor-sign-in",
        Text("7pay asked for nothing but the password: a list of pairs leaked elsewhere was enough, and a new phone "
             "simply logged the old one out. Its managers could not say at the first press conference what two-step "
             "verification was; it had been planned and dropped to “lower the entrance”. 808 customers lost about "
             "¥38.6 million.",
             "7payはパスワードしか求めなかった。他所で漏えいした組の一覧だけで十分で、新しい端末でログインすると古い端末は"
             "単にログアウトされた。最初の記者会見で経営陣は二段階認証が何かを答えられなかった。計画されていたが"
             "「入口を低くする」ために外されていた。被害者は808人、約3,860万円。"),
        _password_only_takeover),
    Challenge(
        "reset-hijack",
        Text("Hijack a password reset", "パスワード再設定を乗っ取る"),
        Text("Have a customer's reset code sent to an address of yours, and use it to set a new password.",
             "顧客の再設定コードを自分のアドレスに送らせ、それで新しいパスワードを設定する。"),
        1,
        (Text("Look at the wallet's “Forgot password?” form, or `qrpay password reset-request --help`: where does "
              "the reset code go, and who chooses the address?",
              "ウォレットの「パスワードを忘れた」の画面か `qrpay password reset-request --help` を見る："
              "再設定コードはどこに送られるか。送り先を決めるのは誰か。"),
         Text("Under 2019: find a customer with `qrpay customer list`, have their code sent to you with "
              "`qrpay password reset-request --email VICTIM --send-to you@example.com`, read it with "
              "`qrpay mailbox --to you@example.com`, then set a new password (typed on the next line, or piped in) "
              "with `qrpay password reset-complete --email VICTIM --reset-code CODE --password-stdin`.",
              "2019年の設定で、`qrpay customer list` で顧客を探し、"
              "`qrpay password reset-request --email VICTIM --send-to you@example.com` でその顧客のコードを自分に送らせ、"
              "`qrpay mailbox --to you@example.com` で読み、"
              "`qrpay password reset-complete --email VICTIM --reset-code CODE --password-stdin` で新しいパスワード"
              "（次の行に入力するか、パイプで渡す）を設定する。VICTIM は顧客のメールアドレス、CODE は届いたコード。")),
        "reset-to-address-of-record",
        Text("7pay's reset form asked for the e-mail address, birthdate and phone number, then sent the reset link to a "
             "destination address typed into the same form. Accounts registered without a birthdate had a default "
             "(2019-01-01). A reset must go only to the address of record (NIST SP 800-63B §6.1.2.3).",
             "7payの再設定フォームはメールアドレス・生年月日・電話番号を尋ね、同じフォームに入力された送付先アドレスに再設定"
             "リンクを送った。生年月日なしで登録したアカウントには既定値（2019-01-01）があった。再設定は登録済みのアドレス"
             "にのみ送るべきである（NIST SP 800-63B §6.1.2.3）。"),
        _reset_hijacked),
    Challenge(
        "topup-takeover",
        Text("Charge a victim's card with your own top-up password", "自分で決めたチャージ用パスワードで被害者のカードからチャージする"),
        Text("In a session that is not yours, set a new top-up password without a second factor and top up with it.",
             "自分のものではないセッションで、二要素認証なしに新しいチャージ用パスワードを設定し、それでチャージする。"),
        2,
        (Text("The top-up password is a credential too. Who may change it?",
              "チャージ用パスワードも認証情報の一つ。誰が変更できるか。"),
         Text("Under 2019: sign in with a leaked password, `qrpay topup-password set --session TOKEN` (new password on "
              "stdin), then `qrpay topup --session TOKEN --amount 50000 --card 4242424242424242 --topup-password-stdin`.",
              "2019年の設定で、漏えいしたパスワードでサインインし、`qrpay topup-password set --session トークン`（新しいパスワードは"
              "標準入力）、続いて `qrpay topup --session トークン --amount 50000 --card 4242424242424242 "
              "--topup-password-stdin` を実行する。")),
        "topup-credential-second-factor",
        Text("7pay's separate top-up “authentication password” could be changed from inside the app by whoever was "
             "signed in. One victim saw three large top-ups within a minute and no alert fired; top-ups were stopped "
             "on 4 July.",
             "7payのチャージ用の「認証パスワード」は、サインインしている者なら誰でもアプリ内で変更できた。ある被害者は1分以内に"
             "3回の高額チャージを受けたが警報は出なかった。チャージは7月4日に停止された。"),
        _topup_takeover),
    Challenge(
        "replay-used-code",
        Text("Pay twice with one code", "一つのコードで2回支払う"),
        Text("Use a payment code that has already paid a sale to pay another one.",
             "すでに支払いに使われた支払いコードで、別の支払いをする。"),
        1,
        (Text("A screenshot of a code is as good as the code while it lives.",
              "コードのスクリーンショットは、有効な間はコードそのものと同じ。"),
         Text("Under 2019: `qrpay code issue --session TOKEN`, pay with it at one till (`qrpay pay ... --code TEXT`), "
              "then present the same text again with another sale id.",
              "2019年の設定で `qrpay code issue --session トークン` を実行し、あるレジで支払い（`qrpay pay ... --code テキスト`）、"
              "別の売上 ID で同じテキストをもう一度提示する。")),
        "single-use-code",
        Text("A code-payment code is a bearer credential: whoever shows it pays with the owner's money. The fraud in "
             "2019 turned stolen wallets into cigarettes and prepaid cards at tills; a code accepted only once, inside "
             "the sale's transaction, limits what a copy can do.",
             "コード決済のコードは持参人払いの認証情報であり、提示した者が本人のお金で支払える。2019年の不正では盗まれた"
             "ウォレットがレジでたばこやプリペイドカードに換えられた。売上と同じトランザクション内で一度だけ受け付ける"
             "コードなら、複製でできることは限られる。"),
        _replayed),
    Challenge(
        "refreshed-code-used",
        Text("Pay with a code the owner has refreshed", "本人が更新したあとの古いコードで支払う"),
        Text("Pay with a code after its owner has shown a newer one.", "本人が新しいコードを表示したあとに、古いコードで支払う。"),
        2,
        (Text("When the wallet shows a new code, what happens to the old one?",
              "ウォレットが新しいコードを表示したとき、古いコードはどうなるか。"),
         Text("Under 2019 (or with one-live-code off): issue a code, keep its text, issue another, then pay with the "
              "first.", "2019（または one-live-code をオフ）でコードを発行してテキストを控え、もう一つ発行してから最初のコードで支払う。")),
        "one-live-code",
        Text("7pay's payment module was bolted onto a group-wide system under time pressure. Codes that stay valid "
             "after a refresh multiply what a thief can use; one live code per customer (the newest) leaves one.",
             "7payの決済機能は時間に追われてグループ全体のシステムに後付けされた。更新後も有効なコードは盗んだ者が使える"
             "ものを増やす。顧客ごとに有効なコードを一つ（最新のもの）に限れば一つしか残らない。"),
        _refreshed),
    Challenge(
        "expired-code-used",
        Text("Pay with an old code", "古いコードで支払う"),
        Text("Pay with a code more than five minutes old, or one made on a phone whose clock runs ahead.",
             "発行から5分以上たったコード、または時計が進んだ端末で作ったコードで支払う。"),
        2,
        (Text("How long does a code live? The clock is shared: `qrpay clock advance`.",
              "コードの有効期間はどれだけか。時計は共有されている：`qrpay clock advance`。"),
         Text("Under 2019 (or with code-lifetime off): issue a code, `qrpay clock advance 600`, then pay with it.",
              "2019（または code-lifetime をオフ）でコードを発行し、`qrpay clock advance 600` の後にそれで支払う。")),
        "code-lifetime",
        Text("Real wallets refresh their code about every 60 seconds. A day-long code turns any photo or screenshot "
             "into money for a day.",
             "実際のウォレットはおよそ60秒ごとにコードを更新する。1日有効なコードは、どんな写真やスクリーンショットも1日の間"
             "お金に変えてしまう。"),
        _expired),
    Challenge(
        "resale-spree",
        Text("Go on a resale spree", "転売目的の連続購入をする"),
        Text("From one wallet, pay more than ¥30,000 or more than five times within ten minutes.",
             "一つのウォレットから、10分以内に3万円を超えて、または5回を超えて支払う。"),
        2,
        (Text("Fraudsters buy what resells: cigarettes, prepaid cards. Does anything watch the pace?",
              "不正利用者は転売できるもの（たばこ、プリペイドカード）を買う。支払いのペースを見ているものはあるか。"),
         Text("Under 2019 (or with payment-velocity off): pay six times from one wallet at the till within ten minutes.",
              "2019（または payment-velocity をオフ）で、一つのウォレットから10分以内にレジで6回支払う。")),
        "payment-velocity",
        Text("METI's complaint was that 7pay broke the code-payment guideline on transaction verification and fraud "
             "monitoring: no velocity rule, no alert, and top-ups of up to ¥300,000 a day.",
             "経済産業省の指摘は、7payが取引の検証と不正監視の点でコード決済のガイドラインに反していたことだった："
             "頻度の規則も警報もなく、チャージは1日30万円まで可能だった。"),
        _spree),
    Challenge(
        "external-id-takeover",
        Text("Sign in as someone else with an external ID", "外部IDで他人としてサインインする"),
        Text("Get into a customer's account through “Sign in with SNS ID” with an identity the core did not verify.",
             "「SNS IDでサインイン」から、コアが検証しなかった身元で顧客のアカウントに入る。"),
        3,
        (Text("What does the app trust: the provider's signed ID token, or what the client says?",
              "アプリは何を信じているか：プロバイダが署名した ID トークンか、クライアントの申告か。"),
         Text("Under 2019: send another user's external id as-is, or an ID token issued to another app (token "
              "substitution).",
              "2019年の設定で、他人の外部 ID をそのまま送る。あるいは別のアプリ向けに発行された ID トークンを使う（トークンの差し替え）。")),
        "id-token-verification",
        Text("7pay let members sign in with external IDs (social accounts) through the group's shared ID system and "
             "switched that off on 11 July. An ID token must be checked (signature, issuer, audience, nonce, expiry: "
             "OpenID Connect Core §3.1.3.7) and accounts linked by the provider's subject, never by e-mail alone.",
             "7payはグループ共通のIDシステムを通じて外部ID（SNSアカウント）でのサインインを認めており、7月11日にこれを停止した。"
             "ID トークンは検証し（署名・発行者・受信者・nonce・有効期限：OpenID Connect Core §3.1.3.7）、アカウントは"
             "メールアドレスだけでなくプロバイダの subject で紐づけなければならない。"),
        _external_id),
)

CHALLENGES: dict[str, Challenge] = {c.id: c for c in _ALL}


def challenge_named(challenge_id: object) -> Challenge:
    try:
        return CHALLENGES[challenge_id]  # type: ignore[index]
    except (KeyError, TypeError):
        raise InputError(f"Unknown challenge {str(challenge_id)[:40]!r}; the challenges are: "
                         f"{', '.join(CHALLENGES)}.", code="unknown_challenge") from None


# -- progress ----------------------------------------------------------------------------------------
def _baseline(conn: sqlite3.Connection) -> dict[str, int]:
    raw = settings_store.get(conn, _BASELINE_KEY)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        value = {}
    return {"audit_id": int(value.get("audit_id", 0)), "redemption_id": int(value.get("redemption_id", 0))}


def _new_solves(conn: sqlite3.Connection) -> dict[str, Evidence]:
    base = _baseline(conn)
    done = challenges_store.progress(conn)
    found = {}
    for c in _ALL:
        if c.id not in done:
            evidence = c.detect(conn, base)
            if evidence is not None:
                found[c.id] = evidence
    return found


def status(core: "Core") -> list[ChallengeState]:
    """Every challenge with its state, after detecting any new solve (recorded with the time now).

    The score board asks every two seconds while the wallet and the till write: the look is a
    read; only a new solve takes the write lock, and it looks again inside the write (a reset or
    another board may have come in between)."""
    with core.db.read() as conn:
        fresh = _new_solves(conn)
        done = challenges_store.progress(conn)
    if fresh:
        with core.db.write() as conn:
            now = core.now()
            for cid, evidence in _new_solves(conn).items():
                challenges_store.mark_solved(conn, cid, at=now, evidence=evidence)
            done = challenges_store.progress(conn)
    return [ChallengeState(c, *(done[c.id] if c.id in done else (None, None))) for c in _ALL]


def reset(core: "Core") -> int:
    """Forget every solve; only what happens from now on counts. Returns how many were forgotten."""
    with core.db.write() as conn:
        n = challenges_store.clear(conn)
        settings_store.put(conn, _BASELINE_KEY, json.dumps(challenges_store.high_water(conn)))
    return n


def states_of(core) -> list[ChallengeState]:
    """The challenges' states of an in-process Core (from its database) or of a RemoteCore (over the API, where
    the server detects new solves: a RemoteCore has no database to read)."""
    return core.challenge_states() if hasattr(core, "challenge_states") else status(core)


def forget_solves(core) -> int:
    """`reset` on an in-process Core or, through the API, on a RemoteCore's world (admin)."""
    return core.reset_challenges() if hasattr(core, "reset_challenges") else reset(core)


def export_json(core: "Core", lang: str = "en") -> dict[str, Any]:
    states = states_of(core)
    where = f"{core.url} world {core.world}" if hasattr(core, "challenge_states") else str(core.db.path)
    return {"format": EXPORT_FORMAT, "database": where, "exported_at": to_iso(core.now()),
            "solved": sum(s.solved for s in states), "total": len(states),
            "challenges": [s.to_json(lang) for s in states]}
