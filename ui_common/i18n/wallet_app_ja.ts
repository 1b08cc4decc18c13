<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>Activity</name>
    <message>
        <location filename="../../wallet_app/activity_list.py" line="+36"/>
        <source>Top-up</source>
        <translation>チャージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment</source>
        <translation>支払い</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund</source>
        <translation>返金</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Correction</source>
        <translation>訂正</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opening balance</source>
        <translation>初期残高</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other</source>
        <translation>その他</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Refund from {store}</source>
        <translation>{store}からの返金</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Receipt {no}</source>
        <translation>レシート {no}</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Nothing yet.</source>
        <translation>まだ履歴はありません。</translation>
    </message>
</context>
<context>
    <name>AuthenticatorSetup</name>
    <message>
        <location filename="../../wallet_app/authenticator_setup.py" line="+29"/>
        <source>1. Open an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, … or this kiosk&apos;s Authenticator window) and scan this code:</source>
        <translation>1. 認証アプリ（Google Authenticator、Microsoft Authenticator、1Password など、またはこの端末の「認証アプリ」ウィンドウ）を開き、このコードを読み取ってください：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot scan? Type this key into the app instead (time-based, 6 digits):</source>
        <translation>読み取れない場合は、このキーをアプリに入力してください（時間ベース・6桁）：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Copy key</source>
        <translation>キーをコピー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>2. Type the 6-digit code the app shows now:</source>
        <translation>2. アプリに表示されている6桁のコードを入力してください：</translation>
    </message>
</context>
<context>
    <name>AuthenticatorWindow</name>
    <message>
        <location filename="../../wallet_app/authenticator_window.py" line="+28"/>
        <source>Authenticator — the customer&apos;s second device</source>
        <translation>認証アプリ — お客様の2台目の端末</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This window is the customer&apos;s phone authenticator app (a second device). Codes change every 30 seconds.</source>
        <translation>このウィンドウはお客様のスマートフォンの認証アプリ（2台目の端末）です。コードは30秒ごとに変わります。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>(new, being set up)</source>
        <translation>（新しいアプリ・設定中）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No accounts yet. Create one in the wallet.</source>
        <translation>アカウントはまだありません。ウォレットで作成してください。</translation>
    </message>
</context>
<context>
    <name>ForgotPasswordScreen</name>
    <message>
        <location filename="../../wallet_app/forgot_password.py" line="+18"/>
        <source>Type the e-mail address of your account. We send a reset code to it.</source>
        <translation>アカウントのメールアドレスを入力してください。再設定コードをお送りします。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send the code to another address (optional)</source>
        <translation>別のアドレスにコードを送る（任意）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Send a reset code</source>
        <translation>再設定コードを送る</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open Mailbox</source>
        <translation>メールボックスを開く</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset code from the e-mail</source>
        <translation>メールに記載の再設定コード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>8 digits</source>
        <translation>8桁</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator code (or a recovery code)</source>
        <translation>認証コード（またはリカバリーコード）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Code or recovery code</source>
        <translation>コード／リカバリーコード</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save new password</source>
        <translation>新しいパスワードを保存</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>New password</source>
        <translation>新しいパスワード</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Forgot password</source>
        <translation>パスワードをお忘れの場合</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>If {email} has an account, a reset code is on its way to the address of record. Check your Mailbox.</source>
        <translation>{email} のアカウントがあれば、登録済みのアドレスに再設定コードを送りました。メールボックスを確認してください。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Your password was reset. Sign in with the new one.</source>
        <translation>パスワードを再設定しました。新しいパスワードでログインしてください。</translation>
    </message>
</context>
<context>
    <name>HistoryScreen</name>
    <message>
        <location filename="../../wallet_app/history_screen.py" line="+20"/>
        <source>Choose a payment to see its receipt.</source>
        <translation>支払いを選ぶとレシートを表示します。</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+14"/>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only payments and refunds have receipts.</source>
        <translation>レシートがあるのは支払いと返金だけです。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Receipt {no}</source>
        <translation>レシート {no}</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../../wallet_app/home_screen.py" line="+27"/>
        <source>Balance</source>
        <translation>残高</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Pay</source>
        <translation>支払う</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top up</source>
        <translation>チャージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security</source>
        <translation>安全設定</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recent activity</source>
        <translation>最近の利用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign out</source>
        <translation>ログアウト</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>{name}&apos;s balance</source>
        <translation>{name} さんの残高</translation>
    </message>
</context>
<context>
    <name>MailboxScreen</name>
    <message>
        <location filename="../../wallet_app/mailbox_screen.py" line="+34"/>
        <source>Check for new mail</source>
        <translation>新着メールを確認</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Mailbox</source>
        <translation>メールボックス</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Type your e-mail address on the sign-in or reset screen first.</source>
        <translation>先にログイン画面または再設定画面でメールアドレスを入力してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Inbox of {address}</source>
        <translation>{address} の受信箱</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No messages.</source>
        <translation>メッセージはありません。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../wallet_app/messages.py" line="+24"/>
        <source>Please check what you typed.</source>
        <translation>入力内容を確認してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That could not be found.</source>
        <translation>見つかりませんでした。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The e-mail address or password is wrong.</source>
        <translation>メールアドレスまたはパスワードが正しくありません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The reset code is wrong or has expired. Ask for a new one.</source>
        <translation>再設定コードが正しくないか、期限切れです。新しいコードを請求してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the 6-digit code from your authenticator app.</source>
        <translation>認証アプリの6桁のコードを入力してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That code is not right. Check your phone&apos;s clock and use the newest code.</source>
        <translation>コードが正しくありません。スマートフォンの時刻を確認し、最新のコードを使ってください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That code was already used. Wait for the next code.</source>
        <translation>そのコードは使用済みです。次のコードをお待ちください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose another password.</source>
        <translation>別のパスワードを選んでください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your session has ended. Sign in again.</source>
        <translation>セッションが終了しました。再度ログインしてください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm it is you: enter a code from your authenticator app.</source>
        <translation>本人確認のため、認証アプリのコードを入力してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is not allowed.</source>
        <translation>その操作はできません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That conflicts with what is already stored.</source>
        <translation>登録済みの内容と矛盾しています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is over your limit.</source>
        <translation>上限を超えています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your balance is not enough.</source>
        <translation>残高が足りません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That card number is not valid.</source>
        <translation>カード番号が正しくありません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only Visa, Mastercard, American Express and JCB cards can be used.</source>
        <translation>使えるのは Visa、Mastercard、American Express、JCB のカードのみです。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The card was declined by its issuer.</source>
        <translation>カード会社によりカードが拒否されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter your top-up password.</source>
        <translation>チャージ用パスワードを入力してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This wallet is frozen. Contact the service desk.</source>
        <translation>このウォレットは凍結されています。サポート窓口にご連絡ください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The app&apos;s data file cannot be used.</source>
        <translation>アプリのデータファイルを使用できません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The till could not read this as a qrpay code.</source>
        <translation>レジはこれを qrpay のコードとして読み取れませんでした。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The code was damaged.</source>
        <translation>コードが破損していました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The code&apos;s signature did not check out.</source>
        <translation>コードの署名が正しくありません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The code expired.</source>
        <translation>コードの有効期限が切れました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The code is not valid yet (check the clock).</source>
        <translation>コードはまだ有効ではありません（時刻を確認してください）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A newer code replaced this one.</source>
        <translation>新しいコードに置き換えられました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This code was already used.</source>
        <translation>このコードは使用済みです。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This code was cancelled.</source>
        <translation>このコードは無効になりました。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Type a password.</source>
        <translation>パスワードを入力してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It contains your e-mail address.</source>
        <translation>メールアドレスが含まれています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This password is in lists of common passwords.</source>
        <translation>よく使われるパスワードの一覧に載っています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It contains your e-mail address or the name of this service.</source>
        <translation>メールアドレスまたはサービス名が含まれています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It repeats characters or words (like aaaa or abcabc).</source>
        <translation>同じ文字や単語の繰り返しです（aaaa、abcabc など）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It is a simple sequence (like abcd or 1234).</source>
        <translation>単純な並びです（abcd、1234 など）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It is a keyboard pattern (like qwerty).</source>
        <translation>キーボードの並びです（qwerty など）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It is a date or a year, which is easy to guess.</source>
        <translation>日付や年で、推測されやすいです。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It is a common word or name; add more words or characters.</source>
        <translation>よくある単語や名前です。単語や文字を増やしてください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It is too easy to guess; make it longer, for example a few unrelated words.</source>
        <translation>推測されやすすぎます。関係のない単語をいくつか並べるなどして長くしてください。</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Use at least {n} characters.</source>
        <translation>{n} 文字以上にしてください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use at most {n} characters.</source>
        <translation>{n} 文字以下にしてください。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Choose another password:</source>
        <translation>別のパスワードを選んでください：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>That is over your limit: you can use {left} more now.</source>
        <translation>上限を超えています：今使えるのはあと {left} です。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many attempts. Please wait before trying again.</source>
        <translation>試行回数が多すぎます。しばらく待ってからお試しください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many failed sign-ins: the account is locked for now. You can also reset your password.</source>
        <translation>ログインの失敗が多すぎるため、アカウントは現在ロックされています。パスワードの再設定もできます。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>That did not work ({code}).</source>
        <translation>うまくいきませんでした（{code}）。</translation>
    </message>
</context>
<context>
    <name>PayScreen</name>
    <message>
        <location filename="../../wallet_app/pay_screen.py" line="+43"/>
        <source>To show a payment code, confirm it is you: enter the 6-digit code from your authenticator app (or a recovery code).</source>
        <translation>支払いコードを表示するには本人確認が必要です。認証アプリの6桁のコード（またはリカバリーコード）を入力してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show my payment code</source>
        <translation>支払いコードを表示</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+4"/>
        <source>Pay</source>
        <translation>支払う</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Type the 6-digit code from your authenticator app.</source>
        <translation>認証アプリの6桁のコードを入力してください。</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Show the clerk. Works once.</source>
        <translation>店員さんへ。1回限り有効。</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>Hidden while the wallet is minimised or covered.</source>
        <translation>ウォレットが最小化されているか隠れているため、コードを隠しています。</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Refused at the till: {reason}</source>
        <translation>レジで拒否されました：{reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The code expired; here is a new one.</source>
        <translation>コードの有効期限が切れたため、新しいコードを表示しました。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A newer code was shown on another screen; this one no longer works.</source>
        <translation>別の画面で新しいコードが表示されたため、このコードは使えません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This code was cancelled.</source>
        <translation>このコードは無効になりました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press Refresh for a new code.</source>
        <translation>「更新」を押すと新しいコードを表示します。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Payment complete</source>
        <translation>支払い完了</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Paid</source>
        <translation>支払い完了</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>at {store}</source>
        <translation>{store} にて</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Receipt no. {no}</source>
        <translation>レシート番号 {no}</translation>
    </message>
</context>
<context>
    <name>Screen</name>
    <message>
        <location filename="../../wallet_app/screen_base.py" line="+75"/>
        <source>6-digit code</source>
        <translation>6桁のコード</translation>
    </message>
    <message>
        <location line="+74"/>
        <location line="+1"/>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>Use a long password you do not use anywhere else (a few unrelated words work well).</source>
        <translation>ほかで使っていない長いパスワードにしてください（関係のない単語をいくつか並べると効果的です）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This password can be used.</source>
        <translation>このパスワードは使えます。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save to file…</source>
        <translation>ファイルに保存…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>qrpay-sim recovery codes: each works once, instead of an authenticator code.</source>
        <translation>qrpay-sim リカバリーコード：認証コードの代わりに各コード1回ずつ使えます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copied.</source>
        <translation>コピーしました。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save recovery codes</source>
        <translation>リカバリーコードを保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text files (*.txt)</source>
        <translation>テキストファイル (*.txt)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved to {path}</source>
        <translation>{path} に保存しました</translation>
    </message>
</context>
<context>
    <name>SecurityScreen</name>
    <message>
        <location filename="../../wallet_app/security_screen.py" line="+27"/>
        <source>Authenticator code</source>
        <translation>認証コード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every change below asks for a fresh code from your authenticator app.</source>
        <translation>以下の変更には、認証アプリの新しいコードが必要です。</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+7"/>
        <source>Change password</source>
        <translation>パスワードを変更</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>New password</source>
        <translation>新しいパスワード</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Authenticator app</source>
        <translation>認証アプリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moving to a new phone? Set up the new app here; the old one stops working when you confirm.</source>
        <translation>機種変更の場合は、ここで新しいアプリを設定してください。確認すると古いアプリは使えなくなります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Confirm the new app</source>
        <translation>新しいアプリを確認</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recovery codes</source>
        <translation>リカバリーコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New codes replace all the old ones.</source>
        <translation>新しいコードを作ると古いコードはすべて無効になります。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Signed-in devices</source>
        <translation>ログイン中の端末</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sign out this device</source>
        <translation>この端末をログアウト</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Set up a new app</source>
        <translation>新しいアプリを設定</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>New recovery codes</source>
        <translation>新しいコードを発行</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Sign out all</source>
        <translation>すべてログアウト</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Mailbox</source>
        <translation>メールボックス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every notice and code sent to your e-mail address.</source>
        <translation>あなたのメールアドレスに届いたお知らせとコードのすべて。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Mailbox</source>
        <translation>メールボックスを開く</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Security</source>
        <translation>セキュリティ</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Your password was changed. Your other devices were signed out.</source>
        <translation>パスワードを変更しました。ほかの端末はログアウトされました。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Your new authenticator app is set up; the old one no longer works.</source>
        <translation>新しい認証アプリを設定しました。古いアプリは使えません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New recovery codes are ready; the old ones no longer work. Save these now.</source>
        <translation>新しいリカバリーコードを作成しました。古いコードは使えません。今すぐ保存してください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{device} — signed in {when}, last used {seen}</source>
        <translation>{device} — ログイン {when}、最終利用 {seen}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(this phone)</source>
        <translation>（この端末）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose a device in the list first.</source>
        <translation>先に一覧から端末を選んでください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>That device was signed out.</source>
        <translation>その端末をログアウトしました。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>You were signed out on every device, including this one.</source>
        <translation>この端末を含むすべての端末でログアウトしました。</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <location filename="../../wallet_app/signin_screen.py" line="+41"/>
        <source>E-mail address</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+65"/>
        <source>Authenticator code</source>
        <translation>認証コード</translation>
    </message>
    <message>
        <location line="-60"/>
        <location line="+64"/>
        <source>Use a recovery code</source>
        <translation>リカバリーコードを使う</translation>
    </message>
    <message>
        <location line="-59"/>
        <location line="+63"/>
        <location line="+70"/>
        <source>Sign in</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <location line="-131"/>
        <source>Forgot password?</source>
        <translation>パスワードを忘れた</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Enter the 6-digit code your authenticator app shows now. Lost your phone? Type one of your recovery codes instead.</source>
        <translation>認証アプリに表示されている6桁のコードを入力してください。スマートフォンをなくした場合は、リカバリーコードを入力してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Code or recovery code</source>
        <translation>コード／リカバリーコード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Confirm</source>
        <translation>確認</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+1"/>
        <source>Recovery code</source>
        <translation>リカバリーコード</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use the app&apos;s code</source>
        <translation>認証アプリのコードを使う</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>6-digit code</source>
        <translation>6桁のコード</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Two-step check</source>
        <translation>2段階認証</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Enter your e-mail address, password and the code from your authenticator app.</source>
        <translation>メールアドレス、パスワード、認証アプリのコードを入力してください。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Signing in…</source>
        <translation>ログイン中…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Finish setting up your authenticator app: enter a code from it.</source>
        <translation>認証アプリの設定を完了してください：アプリのコードを入力します。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The e-mail, password or code is wrong.</source>
        <translation>メールアドレス、パスワード、コードのいずれかが違います。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>You can try again now.</source>
        <translation>再試行できます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Too many failed sign-ins: this account is locked. Try again in {time}, or reset your password.</source>
        <translation>ログインの失敗が多すぎるため、このアカウントはロックされています。{time} 後に再度お試しいただくか、パスワードを再設定してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Too many attempts. Try again in {time}.</source>
        <translation>試行回数が多すぎます。{time}後に再試行できます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The e-mail, password or code is wrong. Try again in {time}.</source>
        <translation>メールアドレス、パスワード、コードのいずれかが違います。{time}後に再試行できます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wrong details. Try again in {time}.</source>
        <translation>入力内容が違います。{time}後に再試行できます。</translation>
    </message>
    <message>
        <location line="-216"/>
        <source>Sign in with SNS ID</source>
        <translation>SNS IDでログイン</translation>
    </message>
</context>
<context>
    <name>SignUpWizard</name>
    <message>
        <location filename="../../wallet_app/signup_wizard.py" line="+19"/>
        <source>E-mail address</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your name</source>
        <translation>お名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Hanako Yamada</source>
        <translation>例：山田 花子</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Password again</source>
        <translation>パスワード（確認）</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+55"/>
        <location line="+6"/>
        <source>Create account</source>
        <translation>アカウントを作成</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>Confirm code</source>
        <translation>コードを確認</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save these recovery codes somewhere safe. Each one works once, instead of an authenticator code, if you lose your phone. They are shown only now.</source>
        <translation>このリカバリーコードを安全な場所に保存してください。スマートフォンをなくしたとき、認証コードの代わりに各コード1回ずつ使えます。表示されるのは今だけです。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved — sign in</source>
        <translation>保存した — ログインへ</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create an account</source>
        <translation>アカウントを作成</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Set up your authenticator app</source>
        <translation>認証アプリを設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your recovery codes</source>
        <translation>リカバリーコード</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The two passwords are different.</source>
        <translation>2つのパスワードが一致しません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Creating…</source>
        <translation>作成中…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Your authenticator app is set up.</source>
        <translation>認証アプリの設定が完了しました。</translation>
    </message>
</context>
<context>
    <name>SnsConsentWindow</name>
    <message>
        <location filename="../../wallet_app/sns_consent_window.py" line="+59"/>
        <source>SNS — sign in with your SNS account</source>
        <translation>SNS — SNSアカウントでログイン</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SNS</source>
        <translation>SNS</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This page belongs to the SNS, not to the app.</source>
        <translation>このページはアプリではなくSNSのページです。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{app}” wants to sign you in with your SNS account.</source>
        <translation>「{app}」が​あなたのSNSアカウントで​ログインしようとしています。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SNS account (e-mail)</source>
        <translation>SNSアカウント（メールアドレス）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SNS password</source>
        <translation>SNSのパスワード</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The app will receive: your SNS user id, your name and your e-mail address.</source>
        <translation>アプリに渡る情報：​SNSユーザーID、​お名前、​メールアドレス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Then you go back to: {uri}</source>
        <translation>戻り先：{uri}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Allow</source>
        <translation>許可する</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Enter your SNS e-mail address and password.</source>
        <translation>SNSのメールアドレスとパスワードを入力してください。</translation>
    </message>
</context>
<context>
    <name>SnsLink</name>
    <message>
        <location line="+104"/>
        <source>SNS ID</source>
        <translation>SNS ID</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Link my SNS account</source>
        <translation>SNSと連携する</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Linked: you can sign in with your SNS ID.</source>
        <translation>連携済み：​SNS IDでログインできます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not linked. Linking needs the authenticator code above.</source>
        <translation>未連携です。​連携には上の認証コードが必要です。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Your SNS account is linked.</source>
        <translation>SNSアカウントを連携しました。</translation>
    </message>
</context>
<context>
    <name>SnsSignIn</name>
    <message>
        <location line="-237"/>
        <source>The SNS e-mail address or password is wrong.</source>
        <translation>SNSのメールアドレスまたはパスワードが違います。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This SNS account is not linked to a wallet. Sign in with your e-mail, password and code first.</source>
        <translation>このSNSアカウントはウォレットと連携されていません。​まずメールアドレス・パスワード・コードでログインしてください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The SNS sign-in took too long or was already used. Try again.</source>
        <translation>SNSログインの有効期限が切れたか、​すでに使われています。​もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The SNS sign-in could not be checked. Try again.</source>
        <translation>SNSログインを確認できませんでした。​もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+141"/>
        <source>SNS sign-in cancelled.</source>
        <translation>SNSログインをキャンセルしました。</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>This SNS account, or another one, is already linked. Nothing was changed.</source>
        <translation>このSNSアカウント、​または別のSNSアカウントが​すでに連携されています。​何も変更していません。</translation>
    </message>
</context>
<context>
    <name>TopUpScreen</name>
    <message>
        <location filename="../../wallet_app/topup_screen.py" line="+25"/>
        <source>Card number (simulated)</source>
        <translation>カード番号（シミュレーション）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Test cards: 4242 4242 4242 4242 (Visa) and 3530 1113 3330 0000 (JCB) are accepted; 4000 0000 0000 0002 is declined.</source>
        <translation>テスト用カード：4242 4242 4242 4242（Visa）と 3530 1113 3330 0000（JCB）は利用でき、4000 0000 0000 0002 は拒否されます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Other amount:</source>
        <translation>その他の金額：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Authenticator code (every top-up asks for one)</source>
        <translation>認証コード（チャージのたびに必要です）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Top-up password</source>
        <translation>チャージ用パスワード</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save top-up password</source>
        <translation>パスワードを保存</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your limits</source>
        <translation>ご利用の上限</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+27"/>
        <source>Top up</source>
        <translation>チャージ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Top up {amount}</source>
        <translation>{amount} をチャージ</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Up to {amount} per top-up</source>
        <translation>1回あたり最大 {amount}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today: {left} left of {limit}</source>
        <translation>本日：{limit} のうち残り {left}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last 30 days: {left} left of {limit}</source>
        <translation>過去30日：{limit} のうち残り {left}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You can top up {amount} right now.</source>
        <translation>今チャージできるのは {amount} までです。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At most {n} top-ups within {s} seconds.</source>
        <translation>{s} 秒以内のチャージは {n} 回まで。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Choose an amount or type one in whole yen.</source>
        <translation>金額を選ぶか、円単位で入力してください。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Added {amount} from {brand} •••• {last4}. Your balance is now {balance}.</source>
        <translation>{brand} •••• {last4} から {amount} をチャージしました。残高は {balance} です。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Your top-up password is set.</source>
        <translation>チャージ用パスワードを設定しました。</translation>
    </message>
</context>
<context>
    <name>WalletWindow</name>
    <message>
        <location filename="../../wallet_app/main_window.py" line="+61"/>
        <source>qrpay wallet</source>
        <translation>qrpay ウォレット</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+1"/>
        <source>Menu</source>
        <translation>メニュー</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>&amp;Authenticator app (second device)</source>
        <translation>認証アプリ（2台目の端末）(&amp;A)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Mailbox</source>
        <translation>メールボックス(&amp;M)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Sign out</source>
        <translation>ログアウト(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../../wallet_app/welcome_screen.py" line="+13"/>
        <source>Welcome</source>
        <translation>ようこそ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>qrpay wallet</source>
        <translation>qrpay ウォレット</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pay at the till with a code on your phone. Your account is protected by a password and an authenticator app.</source>
        <translation>スマホのコードでレジ支払い。アカウントはパスワードと認証アプリで守られています。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sign in</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create an account</source>
        <translation>アカウントを作成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forgot password?</source>
        <translation>パスワードを忘れた</translation>
    </message>
</context>
</TS>
