"""Every word the web wallet shows, in English and Japanese: one catalogue, keyed by a stable id.

Refusals come from the core as codes (password problems as codes with their numbers); `error_text` turns them
into the same sentences the desktop wallet shows (wallet_app/messages.py, its Japanese in
ui_common/i18n/wallet_app_ja.ts): tests/web/test_web_texts.py holds the two to the same words.
"""
from __future__ import annotations

from string import Formatter
from typing import Any, Mapping

from shared.errors import QrpayError
from shared.money import format_yen
from shared.passwords import PasswordProblemCode, reported_problem
from shared.texts import LANGS, Text

__all__ = ["LANGS", "TEXTS", "ERRORS", "PASSWORD_PROBLEMS", "t", "error_text", "password_problem_text", "placeholders"]

TEXTS: dict[str, Text] = {
    # -- the frame ---------------------------------------------------------------------------------
    "app.name": Text("qrpay wallet", "qrpay ウォレット"),
    "app.tagline": Text("Pay at the till with a code on your phone. Your account is protected by a password and "
                        "an authenticator app.",
                        "スマホのコードでレジ支払い。アカウントはパスワードと認証アプリで守られています。"),
    "lang.switch": Text("日本語", "English"),
    "lang.switch_label": Text("Language", "言語"),
    "policy.hardened": Text("Hardened", "強化設定"),
    "policy.insecure": Text("2019 settings — insecure, for training", "2019年の設定 — 安全ではありません（訓練用）"),
    "policy.custom": Text("Some defences off — for training", "一部の防御がオフ — 訓練用"),
    "nav.home": Text("Home", "ホーム"),
    "nav.history": Text("History", "履歴"),
    "nav.security": Text("Security", "安全設定"),
    "nav.mailbox": Text("Mail", "メール"),
    "nav.back": Text("Back", "戻る"),
    # -- welcome -----------------------------------------------------------------------------------
    "welcome.signin": Text("Sign in", "ログイン"),
    "welcome.signup": Text("Create an account", "アカウントを作成"),
    # -- sign-in -----------------------------------------------------------------------------------
    "signin.title": Text("Sign in", "ログイン"),
    "signin.intro": Text("Enter your e-mail address, password and the code from your authenticator app.",
                         "メールアドレス、パスワード、認証アプリのコードを入力してください。"),
    "signin.intro_2019": Text("Enter your e-mail address and password.",
                              "メールアドレスとパスワードを入力してください。"),
    "field.email": Text("E-mail address", "メールアドレス"),
    "field.password": Text("Password", "パスワード"),
    "field.password_again": Text("Password again", "パスワード（確認）"),
    "field.name": Text("Your name", "お名前"),
    "field.name_hint": Text("e.g. Hanako Yamada", "例：山田 花子"),
    "field.code": Text("Authenticator code", "認証コード"),
    "field.code_hint": Text("6-digit code", "6桁のコード"),
    "field.code_or_recovery": Text("Code or recovery code", "コード／リカバリーコード"),
    "signin.code_help": Text("Enter the 6-digit code your authenticator app shows now. Lost your phone? Type one "
                             "of your recovery codes instead.",
                             "認証アプリに表示されている6桁のコードを入力してください。スマートフォンをなくした場合は、"
                             "リカバリーコードを入力してください。"),
    "signin.submit": Text("Sign in", "ログイン"),
    "signin.no_account": Text("No account yet?", "アカウントをお持ちでない方"),
    "signin.wrong": Text("The e-mail, password or code is wrong.", "メールアドレス、パスワード、コードのいずれかが違います。"),
    "signin.wrong_wait": Text("The e-mail, password or code is wrong. Try again in {time}.",
                              "メールアドレス、パスワード、コードのいずれかが違います。{time}後に再試行できます。"),
    "signin.wrong_details_wait": Text("Wrong details. Try again in {time}.", "入力内容が違います。{time}後に再試行できます。"),
    "signin.throttled": Text("Too many attempts. Try again in {time}.", "試行回数が多すぎます。{time}後に再試行できます。"),
    "signin.locked": Text("Too many failed sign-ins: this account is locked. Try again in {time}, or reset your "
                          "password.",
                          "ログインの失敗が多すぎるため、このアカウントはロックされています。{time} 後に再度お試しいただくか、"
                          "パスワードを再設定してください。"),
    "signin.try_again": Text("You can try again now.", "再試行できます。"),
    "signin.finish_enrolment": Text("Finish setting up your authenticator app: enter a code from it.",
                                    "認証アプリの設定を完了してください：アプリのコードを入力します。"),
    "signin.ended": Text("Your session has ended. Sign in again.", "セッションが終了しました。再度ログインしてください。"),
    "signin.signed_out": Text("You are signed out.", "ログアウトしました。"),
    "signin.enrolled": Text("Your authenticator app is set up. Sign in with your password and a new code.",
                            "認証アプリの設定が完了しました。パスワードと新しいコードでログインしてください。"),
    # -- sign-up -----------------------------------------------------------------------------------
    "signup.title": Text("Create an account", "アカウントを作成"),
    "signup.submit": Text("Create account", "アカウントを作成"),
    "signup.password_rules": Text("At least {n} characters. A few unrelated words are easy to remember and hard to "
                                  "guess.",
                                  "{n} 文字以上。関係のない単語をいくつか並べると、覚えやすく推測されにくくなります。"),
    "signup.mismatch": Text("The two passwords are different.", "2つのパスワードが一致しません。"),
    "signup.email_taken": Text("This e-mail address cannot be used for a new account. If it is yours, sign in or "
                               "reset your password.",
                               "このメールアドレスでは新しいアカウントを作成できません。ご自身のアドレスの場合は、ログインするか"
                               "パスワードを再設定してください。"),
    "signup.have_account": Text("Already have an account?", "アカウントをお持ちの方"),
    "enrol.title": Text("Set up your authenticator app", "認証アプリを設定"),
    "enrol.on_phone": Text("On this phone: open your authenticator app with this button.",
                           "このスマートフォンで：ボタンを押すと認証アプリが開きます。"),
    "enrol.open_app": Text("Open the authenticator app", "認証アプリを開く"),
    "enrol.scan": Text("On a computer: scan this code with the authenticator app on your phone.",
                       "パソコンで表示している場合：スマートフォンの認証アプリでこのコードを読み取ってください。"),
    "enrol.type_key": Text("Cannot scan? Type this key into the app instead (time-based, 6 digits):",
                           "読み取れない場合は、このキーをアプリに入力してください（時間ベース・6桁）："),
    "enrol.account": Text("Account: {email}", "アカウント：{email}"),
    "enrol.code": Text("Type the 6-digit code the app shows now:", "アプリに表示されている6桁のコードを入力してください："),
    "enrol.submit": Text("Confirm code", "コードを確認"),
    "recovery.title": Text("Your recovery codes", "リカバリーコード"),
    "recovery.help": Text("Save these recovery codes somewhere safe. Each one works once, instead of an "
                          "authenticator code, if you lose your phone. They are shown only now.",
                          "このリカバリーコードを安全な場所に保存してください。スマートフォンをなくしたとき、認証コードの代わりに"
                          "各コード1回ずつ使えます。表示されるのは今だけです。"),
    "recovery.done": Text("Saved — sign in", "保存した — ログインへ"),
    # -- home --------------------------------------------------------------------------------------
    "home.balance_of": Text("{name}'s balance", "{name} さんの残高"),
    "home.pay": Text("Pay", "支払う"),
    "home.topup": Text("Top up", "チャージ"),
    "home.history": Text("History", "履歴"),
    "home.security": Text("Security", "安全設定"),
    "home.recent": Text("Recent activity", "最近の利用"),
    "home.see_all": Text("See all", "すべて見る"),
    "home.sign_out": Text("Sign out", "ログアウト"),
    "home.frozen": Text("This wallet is frozen. Contact the service desk.",
                        "このウォレットは凍結されています。サポート窓口にご連絡ください。"),
    # -- history -----------------------------------------------------------------------------------
    "history.title": Text("History", "履歴"),
    "history.empty": Text("Nothing yet.", "まだ履歴はありません。"),
    "history.receipt": Text("Receipt {no}", "レシート {no}"),
    "kind.topup": Text("Top-up", "チャージ"),
    "kind.payment": Text("Payment", "支払い"),
    "kind.refund": Text("Refund", "返金"),
    "kind.reversal": Text("Correction", "訂正"),
    "kind.opening": Text("Opening balance", "初期残高"),
    "kind.other": Text("Other", "その他"),
    "kind.refund_from": Text("Refund from {store}", "{store}からの返金"),
    "list.comma": Text(", ", "、"),
    # -- security ----------------------------------------------------------------------------------
    "security.title": Text("Security", "安全設定"),
    "security.web_device": Text("Web browser", "Webブラウザ"),
    "security.devices": Text("Signed-in devices", "ログイン中の端末"),
    "security.this_device": Text("(this phone)", "（この端末）"),
    "security.signed_in_at": Text("Signed in {when}", "ログイン {when}"),
    "security.last_used": Text("Last used {when}", "最終利用 {when}"),
    "security.revoke": Text("Sign out this device", "この端末をログアウト"),
    "security.revoked": Text("That device was signed out.", "その端末をログアウトしました。"),
    "security.sign_out_all": Text("Sign out all", "すべてログアウト"),
    "security.sign_out_all_help": Text("Lost a phone, or signed in somewhere you should not have? This signs out "
                                       "every device, this one too.",
                                       "端末をなくしたときや、心当たりのない端末があるときに。この端末を含むすべての端末で"
                                       "ログアウトします。"),
    "security.all_out": Text("You were signed out on every device, including this one.",
                             "この端末を含むすべての端末でログアウトしました。"),
    "security.web_limits_title": Text("What a web page cannot do", "Webページにできないこと"),
    "security.web_limits": Text("The phone app blocks screenshots and screen recording of your code; a web page "
                                "cannot. This page hides the code when you switch away from it, and the code works "
                                "only once and for a short time.",
                                "スマホアプリは支払いコードのスクリーンショットや画面録画を防げますが、Webページにはできません。"
                                "このページは、ほかの画面に切り替えるとコードを隠します。コードは1回だけ、短い時間しか使えません。"),
    "security.mailbox_help": Text("Every notice and code sent to your e-mail address.",
                                  "あなたのメールアドレスに届いたお知らせとコードのすべて。"),
    "security.open_mailbox": Text("Open Mailbox", "メールボックスを開く"),
    # -- mailbox -----------------------------------------------------------------------------------
    "mailbox.title": Text("Mailbox", "メールボックス"),
    "mailbox.of": Text("Inbox of {address}", "{address} の受信箱"),
    "mailbox.empty": Text("No messages.", "メッセージはありません。"),
    "mailbox.simulated": Text("A simulated mailbox: the messages this service sent to the address.",
                              "シミュレーションのメールボックスです。このサービスがアドレスに送ったメッセージを表示します。"),
    # -- top-up (the desktop's words: wallet_app/topup_screen.py) ------------------------------------
    "topup.title": Text("Top up", "チャージ"),
    "topup.amount": Text("Amount", "金額"),
    "topup.other": Text("Other amount:", "その他の金額："),
    "topup.card": Text("Card number (simulated)", "カード番号（シミュレーション）"),
    "topup.test_cards": Text("Test cards: 4242 4242 4242 4242 (Visa) and 3530 1113 3330 0000 (JCB) are accepted; "
                             "4000 0000 0000 0002 is declined.",
                             "テスト用カード：4242 4242 4242 4242（Visa）と 3530 1113 3330 0000（JCB）は利用でき、"
                             "4000 0000 0000 0002 は拒否されます。"),
    "topup.code": Text("Authenticator code (every top-up asks for one)", "認証コード（チャージのたびに必要です）"),
    "topup.password": Text("Top-up password", "チャージ用パスワード"),
    "topup.set_password": Text("Your top-up password", "チャージ用パスワード"),
    "topup.save_password": Text("Save top-up password", "パスワードを保存"),
    "topup.password_set": Text("Your top-up password is set.", "チャージ用パスワードを設定しました。"),
    "topup.submit": Text("Top up", "チャージ"),
    "topup.limits": Text("Your limits", "ご利用の上限"),
    "topup.per_topup": Text("Up to {amount} per top-up", "1回あたり最大 {amount}"),
    "topup.today": Text("Today: {left} left of {limit}", "本日：{limit} のうち残り {left}"),
    "topup.month": Text("Last 30 days: {left} left of {limit}", "過去30日：{limit} のうち残り {left}"),
    "topup.max_now": Text("You can top up {amount} right now.", "今チャージできるのは {amount} までです。"),
    "topup.velocity": Text("At most {n} top-ups within {s} seconds.", "{s} 秒以内のチャージは {n} 回まで。"),
    "topup.choose_amount": Text("Choose an amount or type one in whole yen.", "金額を選ぶか、円単位で入力してください。"),
    "topup.done": Text("Added {amount} from {brand} •••• {last4}. Your balance is now {balance}.",
                       "{brand} •••• {last4} から {amount} をチャージしました。残高は {balance} です。"),
    # -- pay (the desktop's words: wallet_app/pay_screen.py) -------------------------------------------
    "pay.title": Text("Pay", "支払う"),
    "pay.step_up": Text("To show a payment code, confirm it is you: enter the 6-digit code from your authenticator "
                        "app (or a recovery code).",
                        "支払いコードを表示するには本人確認が必要です。認証アプリの6桁のコード（またはリカバリーコード）を"
                        "入力してください。"),
    "pay.type_code": Text("Type the 6-digit code from your authenticator app.", "認証アプリの6桁のコードを入力してください。"),
    "pay.show_code": Text("Show my payment code", "支払いコードを表示"),
    "pay.numeric_label": Text("The code's number, for typing at the till", "レジで入力するためのコード番号"),
    "pay.show_clerk": Text("Show the clerk. Works once.", "店員さんへ。1回限り有効。"),
    "pay.refresh": Text("Refresh", "更新"),
    "pay.hidden": Text("The code is hidden while you are away from this page.",
                       "このページから離れている間、コードを隠しています。"),
    "pay.tap_to_show": Text("Tap to show it", "タップして表示"),
    "pay.noscript": Text("Without JavaScript this page cannot refresh the code or show the till's answer: reload it "
                         "for a new code.",
                         "JavaScript が無効なため、コードの更新やレジの結果の表示ができません。新しいコードはページを再読み込み"
                         "してください。"),
    "pay.web_limits": Text("A phone app can block screenshots and screen recording of this code (Android's "
                           "FLAG_SECURE); a web page cannot. This page hides the code when you switch away, and the "
                           "code works once, for a minute.",
                           "スマホアプリはこのコードのスクリーンショットや画面録画を防げます（Android の FLAG_SECURE）が、"
                           "Webページにはできません。このページはほかの画面に切り替えるとコードを隠します。コードは1回だけ、"
                           "1分間有効です。"),
    "pay.paid": Text("Paid", "支払い完了"),
    "pay.at_store": Text("at {store}", "{store} にて"),
    "pay.paid_at": Text("Paid {amount} at {store}", "{store} で {amount} を支払いました"),
    "pay.receipt": Text("Receipt no. {no}", "レシート番号 {no}"),
    "pay.done": Text("Done", "完了"),
    "pay.expired": Text("The code expired; here is a new one.", "コードの有効期限が切れたため、新しいコードを表示しました。"),
    "pay.refused": Text("Refused at the till: {reason} Tap Refresh for a new code.",
                        "レジで拒否されました：{reason}「更新」を押すと新しいコードを表示します。"),
    "pay.superseded": Text("A newer code was shown on another screen; this one no longer works. Tap Refresh for a "
                           "new code.",
                           "別の画面で新しいコードが表示されたため、このコードは使えません。「更新」を押すと新しいコードを"
                           "表示します。"),
    "pay.revoked": Text("This code was cancelled. Tap Refresh for a new code.",
                        "このコードは無効になりました。「更新」を押すと新しいコードを表示します。"),
    # -- errors ------------------------------------------------------------------------------------
    "csrf.title": Text("This form has expired", "このフォームは期限切れです"),
    "csrf.message": Text("Nothing was changed. Open the page again and send the form from there.",
                         "何も変更されていません。ページを開き直してから、もう一度送信してください。"),
    "form.title": Text("The form could not be read", "フォームを読み取れませんでした"),
    "form.message": Text("Nothing was changed. Open the page again and fill in the form.",
                         "何も変更されていません。ページを開き直して、フォームに入力してください。"),
    "form.check": Text("Please check what you typed.", "入力内容を確認してください。"),
    "notfound.title": Text("Page not found", "ページが見つかりません"),
    "notfound.message": Text("That could not be found.", "見つかりませんでした。"),
    "notfound.world": Text("There is no such classroom world on this server.",
                           "このサーバーにはその演習用ワールドがありません。"),
    "error.title": Text("That did not work", "うまくいきませんでした"),
    "error.bug": Text("Something went wrong on the server. Nothing more was done; please try again.",
                      "サーバーで問題が起きました。処理は行われていません。もう一度お試しください。"),
    "error.home": Text("Back to the start", "最初の画面へ"),
}

# The core's refusal codes → what the customer reads (the desktop wallet's words, wallet_app/messages.py).
ERRORS: dict[str, Text] = {
    "bad_input": Text("Please check what you typed.", "入力内容を確認してください。"),
    "not_found": Text("That could not be found.", "見つかりませんでした。"),
    "invalid_credentials": Text("The e-mail address or password is wrong.",
                                "メールアドレスまたはパスワードが正しくありません。"),
    "reset_code_invalid": Text("The reset code is wrong or has expired. Ask for a new one.",
                               "再設定コードが正しくないか、期限切れです。新しいコードを請求してください。"),
    "totp_required": Text("Enter the 6-digit code from your authenticator app.", "認証アプリの6桁のコードを入力してください。"),
    "totp_invalid": Text("That code is not right. Check your phone's clock and use the newest code.",
                         "コードが正しくありません。スマートフォンの時刻を確認し、最新のコードを使ってください。"),
    "totp_reused": Text("That code was already used. Wait for the next code.", "そのコードは使用済みです。次のコードをお待ちください。"),
    "weak_password": Text("Choose another password.", "別のパスワードを選んでください。"),
    "session_invalid": Text("Your session has ended. Sign in again.", "セッションが終了しました。再度ログインしてください。"),
    "step_up_required": Text("Confirm it is you: enter a code from your authenticator app.",
                             "本人確認のため、認証アプリのコードを入力してください。"),
    "permission_denied": Text("That is not allowed.", "その操作はできません。"),
    "conflict": Text("That conflicts with what is already stored.", "登録済みの内容と矛盾しています。"),
    "limit_exceeded": Text("That is over your limit.", "上限を超えています。"),
    "insufficient_funds": Text("Your balance is not enough.", "残高が足りません。"),
    "card_invalid": Text("That card number is not valid.", "カード番号が正しくありません。"),
    "card_unsupported": Text("Only Visa, Mastercard, American Express and JCB cards can be used.",
                             "使えるのは Visa、Mastercard、American Express、JCB のカードのみです。"),
    "card_declined": Text("The card was declined by its issuer.", "カード会社によりカードが拒否されました。"),
    "topup_password_required": Text("Enter your top-up password.", "チャージ用パスワードを入力してください。"),
    "account_locked": Text("This wallet is frozen. Contact the service desk.",
                           "このウォレットは凍結されています。サポート窓口にご連絡ください。"),
    "storage_error": Text("The app's data file cannot be used.", "アプリのデータファイルを使用できません。"),
    "not_ours": Text("The till could not read this as a qrpay code.", "レジはこれを qrpay のコードとして読み取れませんでした。"),
    "malformed": Text("The code was damaged.", "コードが破損していました。"),
    "bad_signature": Text("The code's signature did not check out.", "コードの署名が正しくありません。"),
    "expired": Text("The code expired.", "コードの有効期限が切れました。"),
    "not_yet_valid": Text("The code is not valid yet (check the clock).", "コードはまだ有効ではありません（時刻を確認してください）。"),
    "superseded": Text("A newer code replaced this one.", "新しいコードに置き換えられました。"),
    "replayed": Text("This code was already used.", "このコードは使用済みです。"),
    "revoked": Text("This code was cancelled.", "このコードは無効になりました。"),
    # sentences error_text builds
    "weak_password:": Text("Choose another password:", "別のパスワードを選んでください："),
    "limit_exceeded:left": Text("That is over your limit: you can use {left} more now.",
                                "上限を超えています：今使えるのはあと {left} です。"),
    "throttled": Text("Too many attempts. Please wait before trying again.", "試行回数が多すぎます。しばらく待ってからお試しください。"),
    "locked:until": Text("Too many failed sign-ins: the account is locked for now. You can also reset your password.",
                         "ログインの失敗が多すぎるため、アカウントは現在ロックされています。パスワードの再設定もできます。"),
    "unknown": Text("That did not work ({code}).", "うまくいきませんでした（{code}）。"),
    # the web layer's own (not the desktop's)
    "rate_limited": Text("Too many requests from here. Please wait a minute and try again.",
                         "このネットワークからのリクエストが多すぎます。1分ほど待ってからお試しください。"),
    "no_such_world": Text("There is no such classroom world on this server.", "このサーバーにはその演習用ワールドがありません。"),
}

PASSWORD_PROBLEMS: dict[PasswordProblemCode, Text] = {
    PasswordProblemCode.TOO_SHORT: Text("Use at least {n} characters.", "{n} 文字以上にしてください。"),
    PasswordProblemCode.TOO_LONG: Text("Use at most {n} characters.", "{n} 文字以下にしてください。"),
    PasswordProblemCode.MISSING: Text("Type a password.", "パスワードを入力してください。"),
    PasswordProblemCode.CONTAINS_EMAIL: Text("It contains your e-mail address.", "メールアドレスが含まれています。"),
    PasswordProblemCode.COMMON: Text("This password is in lists of common passwords.", "よく使われるパスワードの一覧に載っています。"),
    PasswordProblemCode.PERSONAL: Text("It contains your e-mail address or the name of this service.",
                                       "メールアドレスまたはサービス名が含まれています。"),
    PasswordProblemCode.REPEAT: Text("It repeats characters or words (like aaaa or abcabc).",
                                     "同じ文字や単語の繰り返しです（aaaa、abcabc など）。"),
    PasswordProblemCode.SEQUENCE: Text("It is a simple sequence (like abcd or 1234).", "単純な並びです（abcd、1234 など）。"),
    PasswordProblemCode.KEYBOARD: Text("It is a keyboard pattern (like qwerty).", "キーボードの並びです（qwerty など）。"),
    PasswordProblemCode.DATE: Text("It is a date or a year, which is easy to guess.", "日付や年で、推測されやすいです。"),
    PasswordProblemCode.COMMON_WORD: Text("It is a common word or name; add more words or characters.",
                                          "よくある単語や名前です。単語や文字を増やしてください。"),
    PasswordProblemCode.GUESSABLE: Text("It is too easy to guess; make it longer, for example a few unrelated words.",
                                        "推測されやすすぎます。関係のない単語をいくつか並べるなどして長くしてください。"),
}


def t(key: str, lang: str, /, **params: Any) -> str:
    """The text `key` in `lang`, its {placeholders} filled (KeyError for a key the catalogue lacks: a bug)."""
    return TEXTS[key].format(lang, **params) if params else TEXTS[key].get(lang)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def password_problem_text(code: str, params: Mapping[str, object] | None, lang: str) -> str:
    problem, numbers = reported_problem(code, params)
    return PASSWORD_PROBLEMS[problem].format(lang, **numbers) if numbers else PASSWORD_PROBLEMS[problem].get(lang)


def error_text(exc: QrpayError, lang: str) -> str:
    """What the customer reads for a refusal, as the desktop wallet words it (messages.error_text)."""
    code, en = exc.code, lang == "en"
    if code == "weak_password":
        problems = [p for p in exc.details.get("problems") or [] if isinstance(p, dict)]
        if problems:
            sep = " " if en else ""
            return ERRORS["weak_password:"].get(lang) + " " + sep.join(
                password_problem_text(str(p.get("code")), p, lang) for p in problems)
    if code == "limit_exceeded":
        left = exc.details.get("left")
        if isinstance(left, int) and not isinstance(left, bool):
            return ERRORS["limit_exceeded:left"].format(lang, left=format_yen(left))
        return exc.message if en and exc.message else ERRORS["limit_exceeded"].get(lang)
    if code == "locked":
        return ERRORS["locked:until" if exc.details.get("until") is not None else "account_locked"].get(lang)
    if code in ("card_declined", "conflict", "not_found", "bad_input", "permission_denied") and en and exc.message:
        return exc.message  # the core's own English sentence is more specific
    if code in ERRORS and ":" not in code and code != "unknown":
        return ERRORS[code].get(lang)
    if code.startswith("db_") or code in ("disk_full", "not_a_database", "newer_schema"):
        return ERRORS["storage_error"].get(lang)
    if en and exc.message:
        return exc.message
    return ERRORS["unknown"].format(lang, code=code or "?")
