"""What the identity modules tell people: the replies to a refused sign-in, reset or second
factor (the GUIs translate by error code), and the notices sent to an account's owner.

`notify_owner` sends to the address of record; `notify_once` sends unless the same notice went
out within NOTICE_WINDOW_SECONDS (no flooding). Every notice is written in English and Japanese
(`NOTICES`, `shared.texts.Text` with {named} fields, filled by `notice(key, **fields)` next to the
event that sends it); the mailbox keeps both and the wallet shows the one of its language.
"""
from __future__ import annotations

import sqlite3

from typing import Any

from shared import mailbox
from shared.clock import jst_text
from shared.errors import NotFound
from shared.identity_base import HOUR
from shared.mailbox import MessageKind
from shared.storage import identity_store as store
from shared.texts import Text

NOTICE_WINDOW_SECONDS = HOUR  # one "someone knows your password" notice per owner per hour

_WRONG_LOGIN = "The e-mail address or password is wrong."
_FACTOR_NEEDED = "Enter your password and the 6-digit code from your authenticator app (or a recovery code)."
_WRONG_RESET = "The reset code is wrong or has expired. Ask for a new one."
_RESET_FACTOR_NEEDED = "Enter the reset code and a code from your authenticator app (or a recovery code)."
_TOTP_WRONG = "That code is not right. Check that your phone's clock is correct and use the newest code."


_KNOWN = Text("Someone tried to use your qrpay-sim account", "qrpay-sim のアカウントが使われそうになりました")
_IF_NOT_YOU_SUPPORT = Text("If this was not you, contact support at once.",
                           "心当たりがなければ、すぐにサポートに連絡してください。")


def _t(en: str, ja: str, tail: Text | None = None) -> Text:
    return Text(en + (" " + tail.en if tail else ""), ja + (tail.ja if tail else ""))


# key -> (subject, body); the fields are named in braces and filled by `notice`.
NOTICES: dict[str, tuple[Text, Text]] = {
    "new_device": (
        Text("New sign-in on a device not seen before", "新しい端末からサインインがありました"),
        Text("Your qrpay-sim account was signed in on device '{device}' at {time}. Your other devices stay signed "
             "in. If this was not you, sign out everywhere and reset your password.",
             "{time} に端末「{device}」から qrpay-sim のアカウントにサインインがありました。ほかの端末はサインイン"
             "したままです。心当たりがなければ、すべての端末からサインアウトし、パスワードを再設定してください。")),
    "recovery_code_used": (
        Text("A recovery code was used to sign in", "リカバリーコードでサインインがありました"),
        Text("Someone signed in to your qrpay-sim account on device '{device}' at {time} with a recovery code. "
             "Recovery codes left: {left}. If this was not you, reset your password now.",
             "{time} に端末「{device}」からリカバリーコードで qrpay-sim のアカウントにサインインがありました。"
             "残りのリカバリーコードは {left} 個です。心当たりがなければ、今すぐパスワードを再設定してください。")),
    "password_known_no_factor": (
        _KNOWN,
        Text("Your password was entered correctly at {time} from '{source}', but no second factor was given. If "
             "this was not you, your password is known to someone: change it now. (You get this notice at most "
             "once an hour.)",
             "{time} に「{source}」からあなたのパスワードが正しく入力されましたが、二要素認証のコードはありません"
             "でした。心当たりがなければ、パスワードを誰かに知られています。今すぐ変更してください（この通知は"
             "1時間に1回までです）。")),
    "password_known_wrong_factor": (
        _KNOWN,
        Text("Your password was entered correctly at {time} from '{source}', but the second factor was wrong. If "
             "this was not you, your password is known to someone: change it now. (You get this notice at most "
             "once an hour.)",
             "{time} に「{source}」からあなたのパスワードが正しく入力されましたが、二要素認証のコードが誤っていま"
             "した。心当たりがなければ、パスワードを誰かに知られています。今すぐ変更してください（この通知は"
             "1時間に1回までです）。")),
    "password_known_reused_factor": (
        _KNOWN,
        Text("Your password was entered correctly at {time} from '{source}', but the second factor was wrong (a "
             "code that had already been used). If this was not you, your password is known to someone: change it "
             "now. (You get this notice at most once an hour.)",
             "{time} に「{source}」からあなたのパスワードが正しく入力されましたが、二要素認証のコードが誤っていま"
             "した（使用済みのコード）。心当たりがなければ、パスワードを誰かに知られています。今すぐ変更して"
             "ください（この通知は1時間に1回までです）。")),
    "step_up_wrong_factor": (
        _KNOWN,
        Text("Someone signed in to your qrpay-sim account on device '{device}' entered a wrong second factor at "
             "{time}. If this was not you, sign out everywhere and change your password now.",
             "{time} に、端末「{device}」で qrpay-sim のアカウントにサインインしている人が誤った二要素認証のコード"
             "を入力しました。心当たりがなければ、すべての端末からサインアウトし、今すぐパスワードを変更して"
             "ください。")),
    "step_up_reused_factor": (
        _KNOWN,
        Text("Someone signed in to your qrpay-sim account on device '{device}' entered a wrong second factor at "
             "{time} (a code that had already been used). If this was not you, sign out everywhere and change your "
             "password now.",
             "{time} に、端末「{device}」で qrpay-sim のアカウントにサインインしている人が誤った二要素認証のコード"
             "（使用済みのコード）を入力しました。心当たりがなければ、すべての端末からサインアウトし、今すぐ"
             "パスワードを変更してください。")),
    "register_existing": (
        Text("Someone tried to open an account with your address", "あなたのアドレスでアカウントを作ろうとした人がいます"),
        Text("At {time} someone tried to open a new qrpay-sim account with this e-mail address, which already has "
             "one. Nothing changed. If this was not you, no action is needed; if it keeps happening, change your "
             "password.",
             "{time} に、すでにアカウントのあるこのメールアドレスで qrpay-sim の新しいアカウントを作ろうとした人が"
             "います。何も変わっていません。心当たりがなくても対応は不要ですが、繰り返される場合はパスワードを"
             "変更してください。")),
    "account_locked": (
        Text("Your account was locked", "アカウントがロックされました"),
        Text("After {n} failed attempts in a row, your qrpay-sim account is locked until {until}. If this was not "
             "you, someone may know your e-mail address; consider changing your password. A reset, or a "
             "supervisor, can unlock it sooner.",
             "{n} 回続けて失敗したため、qrpay-sim のアカウントは {until} までロックされています。心当たりがなければ、"
             "誰かがあなたのメールアドレスを知っているかもしれません。パスワードの変更を検討してください。"
             "パスワードの再設定か店舗の責任者なら、早くロックを解除できます。")),
    "account_unlocked": (
        Text("Your account was unlocked", "アカウントのロックが解除されました"),
        Text("A store supervisor unlocked your qrpay-sim account at {time}. If you did not ask for this, reset your "
             "password.",
             "{time} に店舗の責任者が qrpay-sim のアカウントのロックを解除しました。依頼した覚えがなければ、"
             "パスワードを再設定してください。")),
    "reset_code": (
        Text("Your qrpay-sim password reset code", "qrpay-sim のパスワード再設定コード"),
        Text("Your password reset code is {code}. It works once, within {lifetime_en}. If you did not ask for it, "
             "ignore this message: your password has not changed.",
             "パスワード再設定コードは {code} です。有効期間は {lifetime_ja}で、1回だけ使えます。依頼した覚えがなければ、この"
             "メールは無視してください。パスワードは変わっていません。")),
    "password_reset": (
        Text("Your password was reset", "パスワードが再設定されました"),
        _t("The password of your qrpay-sim account was reset at {time}. Every device was signed out and unused "
           "payment codes were cancelled.",
           "{time} に qrpay-sim のアカウントのパスワードが再設定されました。すべての端末がサインアウトされ、未使用の"
           "支払いコードは取り消されました。", _IF_NOT_YOU_SUPPORT)),
    "reset_code_wrong_factor": (
        Text("Someone used your reset code with a wrong second factor",
             "再設定コードが誤った二要素認証のコードとともに使われました"),
        Text("At {time} your password reset code was entered with a wrong authenticator code. If this was not you, "
             "someone can read your e-mail: secure it, then reset your password.",
             "{time} に、あなたのパスワード再設定コードが誤った認証アプリのコードとともに入力されました。心当たりが"
             "なければ、誰かがあなたのメールを読めます。メールの安全を確保してから、パスワードを再設定して"
             "ください。")),
    "password_changed": (
        Text("Your password was changed", "パスワードが変更されました"),
        Text("The password of your qrpay-sim account was changed at {time} on device '{device}'. Other devices were "
             "signed out. If this was not you, reset your password now.",
             "{time} に端末「{device}」で qrpay-sim のアカウントのパスワードが変更されました。ほかの端末はサイン"
             "アウトされました。心当たりがなければ、今すぐパスワードを再設定してください。")),
    "email_changed_old": (
        Text("Your e-mail address was changed", "メールアドレスが変更されました"),
        _t("The e-mail address of your qrpay-sim account was changed to {new} at {time}.",
           "{time} に qrpay-sim のアカウントのメールアドレスが {new} に変更されました。", _IF_NOT_YOU_SUPPORT)),
    "email_changed_new": (
        Text("This is now your qrpay-sim address", "このアドレスが qrpay-sim の登録アドレスになりました"),
        Text("Notices for your qrpay-sim account now come to this address (from {time}).",
             "{time} から、qrpay-sim のアカウントのお知らせはこのアドレスに届きます。")),
    "authenticator_changed": (
        Text("Your authenticator app was changed", "認証アプリが変更されました"),
        _t("A new authenticator app was set up for your qrpay-sim account at {time} on device '{device}'. Codes "
           "from the old one no longer work.",
           "{time} に端末「{device}」で qrpay-sim のアカウントに新しい認証アプリが設定されました。古い認証アプリの"
           "コードはもう使えません。", _IF_NOT_YOU_SUPPORT)),
    "recovery_codes_regenerated": (
        Text("New recovery codes", "新しいリカバリーコード"),
        _t("New recovery codes were made for your qrpay-sim account at {time}; the old ones no longer work.",
           "{time} に qrpay-sim のアカウントの新しいリカバリーコードが作られました。古いコードはもう使えません。",
           _IF_NOT_YOU_SUPPORT)),
    "payment": (
        Text("qrpay: you paid {amount} at {store_en}", "qrpay：{store_ja}で{amount}のお支払い"),
        Text("You paid {amount} at {store_ja} ({store_en}) on {time}, receipt {receipt}.\nIf this was not you, "
             "freeze your wallet in the app and contact us at once.",
             "{time} に{store_ja}で{amount}をお支払いいただきました（レシート {receipt}）。\n心当たりがなければ、"
             "アプリでウォレットを凍結し、すぐにご連絡ください。")),
    "payment_velocity": (
        Text("Unusual payments stopped on your wallet", "ウォレットの不審な支払いを止めました"),
        Text("Several payments in a few minutes were made with your wallet, so the next one (terminal {terminal}) "
             "was refused. If this was not you, change your password and contact the store; a supervisor can "
             "freeze the wallet.",
             "数分のうちにあなたのウォレットで複数の支払いがあったため、次の支払い（端末 {terminal}）を拒否しました。"
             "心当たりがなければ、パスワードを変更して店舗に連絡してください。責任者がウォレットを凍結できます。")),
    "refund": (
        Text("qrpay: refund of {amount} from {store_en}", "qrpay：{store_ja}から{amount}の返金"),
        Text("{amount} was refunded to your wallet by {store_ja} ({store_en}) on {time}, for receipt {receipt}.",
             "{time} に{store_ja}からウォレットに{amount}が返金されました（レシート {receipt}）。")),
    "topup": (
        Text("Top-up of {amount}", "{amount}のチャージ"),
        _t("{amount} was added to your qrpay-sim wallet from your {brand} card ending {last4} at {time}. Your "
           "balance is now {balance}. If this was not you, contact support at once: your wallet can be frozen.",
           "{time} に末尾 {last4} の {brand} カードから qrpay-sim のウォレットに{amount}をチャージしました。残高は"
           "{balance}です。心当たりがなければ、すぐにサポートに連絡してください。ウォレットを凍結できます。")),
    "topup_velocity": (
        Text("Top-up refused: too many in a short time", "チャージを拒否しました：短時間に多すぎます"),
        Text("A top-up of {amount} was refused at {time} because several top-ups were made within a minute. If this "
             "was not you, change your password and contact support.",
             "1分以内に複数回のチャージがあったため、{time} の{amount}のチャージを拒否しました。心当たりがなければ、"
             "パスワードを変更してサポートに連絡してください。")),
    "topup_password_changed": (
        Text("Your top-up password was changed", "チャージ用パスワードが変更されました"),
        _t("The top-up password of your qrpay-sim wallet was changed at {time} on device '{device}'.",
           "{time} に端末「{device}」で qrpay-sim のウォレットのチャージ用パスワードが変更されました。",
           _IF_NOT_YOU_SUPPORT)),
    "topup_password_set": (
        Text("Your top-up password was changed", "チャージ用パスワードが設定されました"),
        _t("The top-up password of your qrpay-sim wallet was set at {time} on device '{device}'.",
           "{time} に端末「{device}」で qrpay-sim のウォレットのチャージ用パスワードが設定されました。",
           _IF_NOT_YOU_SUPPORT)),
    "wallet_frozen": (
        Text("Your wallet was frozen", "ウォレットが凍結されました"),
        Text("Support froze your qrpay-sim wallet at {time}. Payments and top-ups are stopped and your payment codes "
             "no longer work. Your balance of {balance} is safe. Contact support to unfreeze it.",
             "{time} にサポートが qrpay-sim のウォレットを凍結しました。支払いとチャージは止まり、支払いコードは"
             "使えません。残高{balance}は守られています。凍結の解除はサポートにご連絡ください。")),
    "wallet_frozen_reason": (
        Text("Your wallet was frozen", "ウォレットが凍結されました"),
        Text("Support froze your qrpay-sim wallet at {time} (reason: {reason}). Payments and top-ups are stopped "
             "and your payment codes no longer work. Your balance of {balance} is safe. Contact support to "
             "unfreeze it.",
             "{time} にサポートが qrpay-sim のウォレットを凍結しました（理由：{reason}）。支払いとチャージは止まり、"
             "支払いコードは使えません。残高{balance}は守られています。凍結の解除はサポートにご連絡ください。")),
    "wallet_unfrozen": (
        Text("Your wallet was unfrozen", "ウォレットの凍結が解除されました"),
        Text("Support unfroze your qrpay-sim wallet at {time}. You can pay and top up again. Balance: {balance}.",
             "{time} にサポートが qrpay-sim のウォレットの凍結を解除しました。再び支払いとチャージができます。"
             "残高：{balance}。")),
    "sns_signin": (
        Text("New sign-in with your SNS ID", "SNS ID で新しいサインインがありました"),
        Text("Your qrpay-sim account was signed in with your SNS ID on device '{device}' at {time}. If this was not "
             "you, sign out everywhere and check your SNS account.",
             "{time} に端末「{device}」から SNS ID で qrpay-sim のアカウントにサインインがありました。心当たりが"
             "なければ、すべての端末からサインアウトし、SNS アカウントを確認してください。")),
    "sns_linked": (
        Text("An SNS ID was linked to your account", "アカウントに SNS ID が連携されました"),
        _t("An SNS account was linked to your qrpay-sim account at {time} on device '{device}'. It can now sign in "
           "to your wallet.",
           "{time} に端末「{device}」で qrpay-sim のアカウントに SNS アカウントが連携されました。この SNS アカウントで"
           "ウォレットにサインインできます。", _IF_NOT_YOU_SUPPORT)),
}


def notice(key: str, /, *, at: float | None = None, until_at: float | None = None, **fields: Any) -> dict[str, Text]:
    """{"subject": Text, "body": Text} of notice `key`, its fields filled in both languages (to
    splat into `notify_owner`, `notify_once` or `mailbox.send`). `at` / `until_at`: the moments
    behind {time} / {until}, which the Japanese text gives in Japan time whatever the English
    (some English notices keep their ISO UTC stamp)."""
    subject, body = NOTICES[key]
    ja = dict(fields)
    if at is not None:
        ja["time"] = jst_text(at)
    if until_at is not None:
        ja["until"] = jst_text(until_at)
    return {"subject": Text(subject.en.format(**fields), subject.ja.format(**ja)),
            "body": Text(body.en.format(**fields), body.ja.format(**ja))}


def notify_owner(conn: sqlite3.Connection, customer_id: int, *, subject: "str | Text", body: "str | Text", at: float,
                 kind: MessageKind = MessageKind.NOTICE) -> int:
    row = store.customer_by_id(conn, customer_id)
    if row is None:
        raise NotFound("No such customer.")
    return mailbox.send(conn, to=row["email"], subject=subject, body=body, at=at, kind=kind)


def notify_once(conn: sqlite3.Connection, customer_id: int, *, subject: "str | Text", body: "str | Text", at: float,
                kind: MessageKind = MessageKind.NOTICE) -> None:
    """A notice, unless the same one went to the owner within the last hour (no flooding; "the
    same" is the same English subject)."""
    row = store.customer_by_id(conn, customer_id)
    same = subject.en if isinstance(subject, Text) else subject
    if row is None or store.recent_mail(conn, row["email"], same, at - NOTICE_WINDOW_SECONDS, at):
        return
    notify_owner(conn, customer_id, subject=subject, body=body, at=at, kind=kind)
