"""Japanese for every wallet string (source → translation), poured into wallet_app_ja.ts by
`python -m wallet_app.i18n_src.fill` after pyside6-lupdate; Qt Linguist can edit the .ts too."""
JA = {
    # Activity
    "Top-up": "チャージ", "Payment": "支払い", "Refund": "返金", "Correction": "訂正", "Other": "その他",
    "Nothing yet.": "まだ履歴はありません。",
    # Authenticator setup
    "1. Open an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, … or this kiosk's "
    "Authenticator window) and scan this code:":
        "1. 認証アプリ（Google Authenticator、Microsoft Authenticator、1Password など、またはこの端末の"
        "「認証アプリ」ウィンドウ）を開き、このコードを読み取ってください：",
    "Cannot scan? Type this key into the app instead (time-based, 6 digits):":
        "読み取れない場合は、このキーをアプリに入力してください（時間ベース・6桁）：",
    "Copy key": "キーをコピー",
    "2. Type the 6-digit code the app shows now:": "2. アプリに表示されている6桁のコードを入力してください：",
    # Authenticator window
    "Authenticator — the customer's second device": "認証アプリ — お客様の2台目の端末",
    "This window is the customer's phone authenticator app (a second device). Codes change every 30 seconds.":
        "このウィンドウはお客様のスマートフォンの認証アプリ（2台目の端末）です。コードは30秒ごとに変わります。",
    "{s} s": "{s} 秒", "(new, being set up)": "（新しいアプリ・設定中）",
    "No accounts yet. Create one in the wallet.": "アカウントはまだありません。ウォレットで作成してください。",
    # Forgot password
    "Type the e-mail address of your account. We send a reset code to it.":
        "アカウントのメールアドレスを入力してください。再設定コードをお送りします。",
    "Send the code to another address (optional)": "別のアドレスにコードを送る（任意）",
    "Send me a reset code": "再設定コードを送る", "Open Mailbox": "メールボックスを開く",
    "Reset code from the e-mail": "メールに記載の再設定コード", "8 digits": "8桁",
    "Authenticator code (or a recovery code)": "認証コード（またはリカバリーコード）",
    "6-digit code or recovery code": "6桁のコードまたはリカバリーコード", "New password": "新しいパスワード",
    "Set the new password": "新しいパスワードを設定", "Forgot password": "パスワードをお忘れの場合",
    "If {email} has an account, a reset code is on its way to the address of record. Check your Mailbox.":
        "{email} のアカウントがあれば、登録済みのアドレスに再設定コードを送りました。メールボックスを確認してください。",
    "Your password was reset. Sign in with the new one.":
        "パスワードを再設定しました。新しいパスワードでログインしてください。",
    # History
    "Choose a payment to see its receipt.": "支払いを選ぶとレシートを表示します。", "History": "履歴",
    "Top-ups have no receipt; the card statement shows them.": "チャージにはレシートがありません。カードの明細をご確認ください。",
    "Receipt {no}": "レシート {no}",
    # Home
    "Balance": "残高", "Pay": "支払う", "Top up": "チャージ", "Security": "セキュリティ",
    "Recent activity": "最近の利用", "Sign out": "ログアウト", "Home": "ホーム", "Hello, {name}": "{name} さん、こんにちは",
    # Mailbox
    "Check for new mail": "新着メールを確認", "Mailbox": "メールボックス",
    "Type your e-mail address on the sign-in or reset screen first.":
        "先にログイン画面または再設定画面でメールアドレスを入力してください。",
    "Inbox of {address}": "{address} の受信箱", "No messages.": "メッセージはありません。",
    # Pay
    "To show a payment code, confirm it is you: enter the 6-digit code from your authenticator app "
    "(or a recovery code).":
        "支払いコードを表示するには本人確認が必要です。認証アプリの6桁のコード（またはリカバリーコード）を入力してください。",
    "Show my payment code": "支払いコードを表示", "Show this to the clerk. It works once.":
        "店員さんに見せてください。1回だけ使えます。",
    "Refresh now": "今すぐ更新", "Done": "完了",
    "Type the 6-digit code from your authenticator app.": "認証アプリの6桁のコードを入力してください。",
    "Hidden while the wallet is not in front.\nClick here to show it.":
        "ウォレットが前面にないため非表示です。\nここをクリックすると表示します。",
    "Refused at the till: {reason}": "レジで拒否されました：{reason}",
    "The code expired; here is a new one.": "コードの有効期限が切れたため、新しいコードを表示しました。",
    "A newer code was shown on another screen; this one no longer works.":
        "別の画面で新しいコードが表示されたため、このコードは使えません。",
    "This code was cancelled.": "このコードは無効になりました。",
    "Press Refresh now for a new code.": "「今すぐ更新」を押すと新しいコードを表示します。",
    "Payment complete": "支払い完了", "Paid {amount}": "{amount} 支払いました", "at {store}": "{store} にて",
    "Receipt no. {no}": "レシート番号 {no}",
    # Security
    "Authenticator code": "認証コード",
    "Every change below asks for a fresh code from your authenticator app.":
        "以下の変更には、認証アプリの新しいコードが必要です。",
    "Change password": "パスワードを変更", "Authenticator app": "認証アプリ",
    "Moving to a new phone? Set up the new app here; the old one stops working when you confirm.":
        "機種変更の場合は、ここで新しいアプリを設定してください。確認すると古いアプリは使えなくなります。",
    "Set up a new authenticator app": "新しい認証アプリを設定", "Confirm the new app": "新しいアプリを確認",
    "Recovery codes": "リカバリーコード", "New codes replace all the old ones.": "新しいコードを作ると古いコードはすべて無効になります。",
    "Make new recovery codes": "新しいリカバリーコードを作成", "Signed-in devices": "ログイン中の端末",
    "Sign out this device": "この端末をログアウト", "Sign out everywhere": "すべての端末でログアウト",
    "Every notice and code sent to your e-mail address.": "あなたのメールアドレスに届いたお知らせとコードのすべて。",
    "Your password was changed. Your other devices were signed out.":
        "パスワードを変更しました。ほかの端末はログアウトされました。",
    "Your new authenticator app is set up; the old one no longer works.":
        "新しい認証アプリを設定しました。古いアプリは使えません。",
    "New recovery codes are ready; the old ones no longer work. Save these now.":
        "新しいリカバリーコードを作成しました。古いコードは使えません。今すぐ保存してください。",
    "{device} — signed in {when}, last used {seen}": "{device} — ログイン {when}、最終利用 {seen}",
    "(this phone)": "（この端末）", "Choose a device in the list first.": "先に一覧から端末を選んでください。",
    "That device was signed out.": "その端末をログアウトしました。",
    "You were signed out on every device, including this one.": "この端末を含むすべての端末でログアウトしました。",
    # Sign in
    "E-mail address": "メールアドレス", "Password": "パスワード", "Sign in": "ログイン",
    "Forgot your password?": "パスワードをお忘れですか？",
    "Enter the 6-digit code your authenticator app shows now. Lost your phone? Type one of your recovery codes "
    "instead.":
        "認証アプリに表示されている6桁のコードを入力してください。スマートフォンをなくした場合は、リカバリーコードを入力してください。",
    "Confirm": "確認", "Two-step check": "2段階認証", "Signing in…": "ログイン中…",
    "Finish setting up your authenticator app: enter a code from it.":
        "認証アプリの設定を完了してください：アプリのコードを入力します。",
    "You can try again now.": "もう一度お試しいただけます。",
    "Too many failed sign-ins: this account is locked. Try again in {time}, or reset your password.":
        "ログインの失敗が多すぎるため、このアカウントはロックされています。{time} 後に再度お試しいただくか、パスワードを再設定してください。",
    "Too many attempts. Try again in {time}.": "試行回数が多すぎます。{time} 後にもう一度お試しください。",
    "Wrong details. Try again in {time}.": "入力内容が正しくありません。{time} 後にもう一度お試しください。",
    # Sign up
    "Your name": "お名前", "e.g. Hanako Yamada": "例：山田 花子", "Password again": "パスワード（確認）",
    "Create account": "アカウントを作成", "Confirm code": "コードを確認",
    "Save these recovery codes somewhere safe. Each one works once, instead of an authenticator code, if you lose "
    "your phone. They are shown only now.":
        "このリカバリーコードを安全な場所に保存してください。スマートフォンをなくしたとき、認証コードの代わりに各コード1回ずつ使えます。表示されるのは今だけです。",
    "I have saved them — sign in": "保存しました — ログインへ", "Create an account": "アカウントを作成",
    "Set up your authenticator app": "認証アプリを設定", "Your recovery codes": "リカバリーコード",
    "The two passwords are different.": "2つのパスワードが一致しません。", "Creating…": "作成中…",
    "Your authenticator app is set up.": "認証アプリの設定が完了しました。",
    # Top up
    "Card number (simulated)": "カード番号（シミュレーション）",
    "Test cards: 4242 4242 4242 4242 (Visa) and 3530 1113 3330 0000 (JCB) are accepted; 4000 0000 0000 0002 is "
    "declined.":
        "テスト用カード：4242 4242 4242 4242（Visa）と 3530 1113 3330 0000（JCB）は利用でき、4000 0000 0000 0002 は拒否されます。",
    "Amount": "金額", "Other amount:": "その他の金額：",
    "Authenticator code (every top-up asks for one)": "認証コード（チャージのたびに必要です）",
    "Top-up password": "チャージ用パスワード", "Set this as my top-up password": "これをチャージ用パスワードに設定",
    "Your limits": "ご利用の上限", "Top up {amount}": "{amount} をチャージ",
    "Up to {amount} per top-up": "1回あたり最大 {amount}",
    "Today: {left} left of {limit}": "本日：{limit} のうち残り {left}",
    "Last 30 days: {left} left of {limit}": "過去30日：{limit} のうち残り {left}",
    "You can top up {amount} right now.": "今チャージできるのは {amount} までです。",
    "At most {n} top-ups within {s} seconds.": "{s} 秒以内のチャージは {n} 回まで。",
    "Choose an amount or type one in whole yen.": "金額を選ぶか、円単位で入力してください。",
    "Added {amount} from {brand} •••• {last4}. Your balance is now {balance}.":
        "{brand} •••• {last4} から {amount} をチャージしました。残高は {balance} です。",
    "Your top-up password is set.": "チャージ用パスワードを設定しました。",
    # Window
    "qrpay wallet": "qrpay ウォレット", "&Phone": "スマホ(&P)", "&Authenticator app (second device)":
        "認証アプリ（2台目の端末）(&A)", "&Mailbox": "メールボックス(&M)", "&Sign out": "ログアウト(&S)",
    "&Quit": "終了(&Q)", "Welcome": "ようこそ",
    "Pay at the till with a code on your phone. Your account is protected by a password and an authenticator app.":
        "スマホのコードでレジ支払い。アカウントはパスワードと認証アプリで守られています。",
    # Messages
    "Please check what you typed.": "入力内容を確認してください。", "That could not be found.": "見つかりませんでした。",
    "The e-mail address or password is wrong.": "メールアドレスまたはパスワードが正しくありません。",
    "The reset code is wrong or has expired. Ask for a new one.":
        "再設定コードが正しくないか、期限切れです。新しいコードを請求してください。",
    "Enter the 6-digit code from your authenticator app.": "認証アプリの6桁のコードを入力してください。",
    "That code is not right. Check your phone's clock and use the newest code.":
        "コードが正しくありません。スマートフォンの時刻を確認し、最新のコードを使ってください。",
    "That code was already used. Wait for the next code.": "そのコードは使用済みです。次のコードをお待ちください。",
    "Choose another password.": "別のパスワードを選んでください。",
    "Your session has ended. Sign in again.": "セッションが終了しました。もう一度ログインしてください。",
    "Confirm it is you: enter a code from your authenticator app.": "本人確認のため、認証アプリのコードを入力してください。",
    "That is not allowed.": "その操作はできません。", "That conflicts with what is already stored.": "登録済みの内容と矛盾しています。",
    "That is over your limit.": "上限を超えています。", "Your balance is not enough.": "残高が足りません。",
    "That card number is not valid.": "カード番号が正しくありません。",
    "Only Visa, Mastercard, American Express and JCB cards can be used.":
        "使えるのは Visa、Mastercard、American Express、JCB のカードのみです。",
    "The card was declined by its issuer.": "カード会社によりカードが拒否されました。",
    "Enter your top-up password.": "チャージ用パスワードを入力してください。",
    "This wallet is frozen. Contact the service desk.": "このウォレットは凍結されています。サポート窓口にご連絡ください。",
    "The app's data file cannot be used.": "アプリのデータファイルを使用できません。",
    "The till could not read this as a qrpay code.": "レジはこれを qrpay のコードとして読み取れませんでした。",
    "The code was damaged.": "コードが破損していました。", "The code's signature did not check out.": "コードの署名が正しくありません。",
    "The code expired.": "コードの有効期限が切れました。", "The code is not valid yet (check the clock).":
        "コードはまだ有効ではありません（時刻を確認してください）。",
    "A newer code replaced this one.": "新しいコードに置き換えられました。", "This code was already used.": "このコードは使用済みです。",
    "Type a password.": "パスワードを入力してください。", "It contains your e-mail address.": "メールアドレスが含まれています。",
    "This password is in lists of common passwords.": "よく使われるパスワードの一覧に載っています。",
    "It contains your e-mail address or the name of this service.": "メールアドレスまたはサービス名が含まれています。",
    "It repeats characters or words (like aaaa or abcabc).": "同じ文字や単語の繰り返しです（aaaa、abcabc など）。",
    "It is a simple sequence (like abcd or 1234).": "単純な並びです（abcd、1234 など）。",
    "It is a keyboard pattern (like qwerty).": "キーボードの並びです（qwerty など）。",
    "It is a date or a year, which is easy to guess.": "日付や年で、推測されやすいです。",
    "It is a common word or name; add more words or characters.": "よくある単語や名前です。単語や文字を増やしてください。",
    "It is too easy to guess; make it longer, for example a few unrelated words.":
        "推測されやすすぎます。関係のない単語をいくつか並べるなどして長くしてください。",
    "Use at least {n} characters.": "{n} 文字以上にしてください。", "Use at most {n} characters.": "{n} 文字以下にしてください。",
    "Choose another password:": "別のパスワードを選んでください：",
    "That is over your limit: you can use {left} more now.": "上限を超えています：今使えるのはあと {left} です。",
    "Too many attempts. Please wait before trying again.": "試行回数が多すぎます。しばらく待ってからお試しください。",
    "Too many failed sign-ins: the account is locked for now. You can also reset your password.":
        "ログインの失敗が多すぎるため、アカウントは現在ロックされています。パスワードの再設定もできます。",
    # Screen
    "6-digit code": "6桁のコード", "Back": "戻る",
    "Use a long password you do not use anywhere else (a few unrelated words work well).":
        "ほかで使っていない長いパスワードにしてください（関係のない単語をいくつか並べると効果的です）。",
    "This password can be used.": "このパスワードは使えます。", "Copy": "コピー", "Save to file…": "ファイルに保存…",
    "qrpay-sim recovery codes: each works once, instead of an authenticator code.":
        "qrpay-sim リカバリーコード：認証コードの代わりに各コード1回ずつ使えます。",
    "Copied.": "コピーしました。", "Save recovery codes": "リカバリーコードを保存", "Text files (*.txt)": "テキストファイル (*.txt)",
    "Saved to {path}": "{path} に保存しました",
    # ui_common (the badge and the crash dialog; both apps load ui_common_ja.qm)
    "Something went wrong": "問題が発生しました",
    "An unexpected error happened. Nothing was charged twice; the details are in the log. You can keep using the "
    "app.": "予期しないエラーが発生しました。二重に請求されることはありません。詳細はログにあります。アプリはそのまま使えます。",
    "2019 settings — insecure, for training": "2019年の設定 — 安全ではありません（研修用）",
    "Hardened": "強化設定",
}
