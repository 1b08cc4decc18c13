<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AlertsPanel</name>
    <message>
        <location filename="../../pos_app/alerts_panel.py" line="+30"/>
        <source>Time (JST)</source>
        <translation>日時（JST）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What happened</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Freeze wallet</source>
        <translation>ウォレットを凍結</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>1 alert</source>
        <translation>アラート 1 件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{n} alerts</source>
        <translation>アラート {n} 件</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Freeze the wallet of customer #{customer}: payments and top-ups stop, and the customer is told.</source>
        <translation>お客様 #{customer} のウォレットを凍結します。支払いとチャージが止まり、お客様に通知されます。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Wallet of customer #{customer} frozen.</source>
        <translation>お客様 #{customer} のウォレットを凍結しました。</translation>
    </message>
</context>
<context>
    <name>CartLineRow</name>
    <message>
        <location filename="../../pos_app/cart_panel.py" line="+42"/>
        <location line="+1"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>CartPanel</name>
    <message>
        <location line="+39"/>
        <source>Cart</source>
        <translation>カート</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Tap an item or scan its barcode.</source>
        <translation>商品をタップするか、バーコードをスキャンしてください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Discard cart</source>
        <translation>カートを破棄</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>{rate}% taxable {taxable} (tax {tax})</source>
        <translation>{rate}%対象 {taxable}（内消費税 {tax}）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>※ reduced rate (8%)</source>
        <translation>※は軽減税率（8%）対象</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pay by QR {amount}</source>
        <translation>QRで支払い {amount}</translation>
    </message>
</context>
<context>
    <name>CatalogPanel</name>
    <message>
        <location filename="../../pos_app/catalog_panel.py" line="+49"/>
        <source>Search by name or JAN…</source>
        <translation>商品名・JANで検索…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No item matches.</source>
        <translation>該当する商品はありません。</translation>
    </message>
</context>
<context>
    <name>ClerkSignIn</name>
    <message>
        <location filename="../../pos_app/clerk_signin.py" line="+44"/>
        <source>Open the till</source>
        <translation>レジを開ける</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>e.g. 1</source>
        <translation>例: 1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sign in and open shift</source>
        <translation>サインインして開局</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Staff number</source>
        <translation>スタッフ番号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cash float (¥)</source>
        <translation>釣銭準備金（円）</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Type your staff number.</source>
        <translation>スタッフ番号を入力してください。</translation>
    </message>
</context>
<context>
    <name>DemoAccountsDialog</name>
    <message>
        <location filename="../../pos_app/demo_accounts.py" line="+13"/>
        <source>Demo accounts</source>
        <translation>デモ用アカウント</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Staff (sign in at the till)</source>
        <translation>スタッフ（レジでサインイン）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>番号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Customers (sign in on the wallet; codes in the Authenticator)</source>
        <translation>お客様（ウォレットでログイン。​コードは認証アプリに表示）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>supervisor</source>
        <translation>責任者</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>clerk</source>
        <translation>担当</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <location filename="../../pos_app/reports_view.py" line="+43"/>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Receipt</source>
        <translation>レシート</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Items</source>
        <translation>点数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entry</source>
        <translation>入力方法</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Reprint (Save PDF)</source>
        <translation>再発行（PDF保存）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refund…</source>
        <translation>返品…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Business day</source>
        <translation>営業日</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>screen</source>
        <translation>画面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keyed by hand</source>
        <translation>手入力</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Saved {path}</source>
        <translation>保存しました: {path}</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../pos_app/messages.py" line="+29"/>
        <source>Already used</source>
        <translation>使用済みのコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the customer to refresh the code in the app and scan the new one.</source>
        <translation>アプリでコードを更新してもらい、新しいコードを読み取ってください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expired</source>
        <translation>有効期限切れ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The code is too old. Ask the customer to refresh the code and scan again.</source>
        <translation>コードの有効期限が切れています。コードを更新してもらい、もう一度読み取ってください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not a qrpay code</source>
        <translation>qrpay のコードではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This QR code is not a payment code. Ask the customer to open the Pay screen of the qrpay app.</source>
        <translation>この QR コードは支払いコードではありません。qrpay アプリの「支払う」画面を開いてもらってください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Damaged code</source>
        <translation>コードを読み取れません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The code could not be read completely. Ask the customer to show it again, or type the 20-digit number.</source>
        <translation>コードを完全に読み取れませんでした。もう一度見せてもらうか、20桁の番号を入力してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signature invalid — possible forgery</source>
        <translation>署名が不正です — 偽造の可能性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Do not accept this code. Call a supervisor.</source>
        <translation>このコードは受け付けないでください。責任者を呼んでください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Insufficient balance</source>
        <translation>残高不足</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The wallet does not hold enough. Ask the customer to top up, or to pay another way.</source>
        <translation>残高が足りません。チャージしてもらうか、別のお支払い方法をお願いしてください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Over the payment limit</source>
        <translation>支払い上限を超えています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This payment is above the wallet&apos;s limit. Ask the customer to pay another way.</source>
        <translation>この金額はウォレットの上限を超えています。別のお支払い方法をお願いしてください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wallet frozen</source>
        <translation>ウォレット凍結中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This wallet cannot pay. Refer the customer to the service desk.</source>
        <translation>このウォレットでは支払えません。サポート窓口をご案内ください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Old code</source>
        <translation>古いコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A newer code was shown since. Ask the customer to show the code on screen now.</source>
        <translation>その後に新しいコードが表示されています。いま画面に出ているコードを見せてもらってください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Code dated in the future</source>
        <translation>未来の日時のコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The phone&apos;s or the till&apos;s clock is wrong. Ask the customer to refresh the code; if it happens again, call a supervisor.</source>
        <translation>スマートフォンかレジの時計がずれています。コードを更新してもらい、再発する場合は責任者を呼んでください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Code withdrawn</source>
        <translation>無効化されたコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The account&apos;s sign-in details changed. Ask the customer for a new code.</source>
        <translation>アカウントのログイン情報が変更されました。新しいコードを表示してもらってください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Till closed for today</source>
        <translation>本日のレジは締め済みです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Z report for today was printed. Use another till.</source>
        <translation>本日の Z レポートは発行済みです。別のレジを使ってください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Camera not available</source>
        <translation>カメラを使用できません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retry, choose another source, or type the code.</source>
        <translation>再試行するか、別の入力元を選ぶか、コードを入力してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wrong staff number or PIN</source>
        <translation>スタッフ番号または PIN が違います</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+21"/>
        <source>Check the number and try again.</source>
        <translation>番号を確認して、もう一度お試しください。</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Locked</source>
        <translation>ロック中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many wrong PINs. Ask a supervisor.</source>
        <translation>PIN の誤りが多すぎます。責任者に連絡してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Supervisor needed</source>
        <translation>責任者の承認が必要です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A supervisor must approve this.</source>
        <translation>この操作には責任者の承認が必要です。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Payment not confirmed</source>
        <translation>支払いを確認できませんでした</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan the code again. The customer is never charged twice for this sale.</source>
        <translation>もう一度コードを読み取ってください。この取引で二重に請求されることはありません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The till cannot reach its database</source>
        <translation>レジがデータベースに接続できません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try again. The customer is never charged twice for this sale.</source>
        <translation>もう一度お試しください。この取引で二重に請求されることはありません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Already refunded</source>
        <translation>返品済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This receipt was refunded in full.</source>
        <translation>このレシートは全額返品済みです。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>More than was sold</source>
        <translation>販売数を超えています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund at most what is left on the receipt.</source>
        <translation>レシートに残っている数量までしか返品できません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not accepted</source>
        <translation>受け付けできません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try again, or call a supervisor.</source>
        <translation>もう一度お試しいただくか、責任者を呼んでください。</translation>
    </message>
</context>
<context>
    <name>PhoneWalletDialog</name>
    <message>
        <location filename="../../pos_app/phone_wallet_dialog.py" line="+21"/>
        <source>Phone wallet</source>
        <translation>スマホのウォレット</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open the wallet on your phone</source>
        <translation>スマホでウォレットを開く</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>QR code of the phone wallet&apos;s address</source>
        <translation>スマホ用ウォレットのアドレスのQRコード</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>1. Join the phone to this laptop&apos;s Wi-Fi.
2. Point the phone&apos;s camera at this code (or type the address).
3. Sign in (or sign up), tap Pay and show the phone&apos;s code to this till.</source>
        <translation>1. スマホをこのパソコンと同じWi-Fiにつなぎます。
2. スマホのカメラでこのコードを読み取ります（またはアドレスを入力します）。
3. ログイン（または新規登録）して「支払う」をタップし、表示されたコードをこのレジに見せます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Anyone on this network can open this address while the demo runs.</source>
        <translation>デモの実行中は、このネットワーク上の誰でもこのアドレスを開けます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The phone will warn that the certificate is not trusted: it is this laptop&apos;s own, made by qrpay serve. Continue only on your own network.</source>
        <translation>スマホに「証明書が信頼できない」と警告が出ます。これは qrpay serve がこのパソコン用に作った証明書です。自分で管理するネットワークでのみ続行してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>PosWindow</name>
    <message>
        <location filename="../../pos_app/main_window.py" line="+86"/>
        <source>qrpay till — {terminal}</source>
        <translation>qrpay レジ — {terminal}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Supervisor</source>
        <translation>責任者</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close shift</source>
        <translation>締めてサインアウト</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Presenter: demo accounts, phone wallet, bring back the wallet, reset</source>
        <translation>説明者用：デモ用アカウント、スマホのウォレット、ウォレットの再表示、リセット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Presenter</source>
        <translation>説明者用メニュー</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>Automatic: webcam, else the screen</source>
        <translation>自動：カメラ、なければ画面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Webcam 1</source>
        <translation>カメラ 1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Webcam 2</source>
        <translation>カメラ 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Screen: the wallet window</source>
        <translation>画面：ウォレットのウィンドウ</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No store set up</source>
        <translation>店舗が未設定です</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>supervisor</source>
        <translation>責任者</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>clerk</source>
        <translation>担当</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>2019 settings — insecure, for training. Codes can be reused and sign-in has no second factor.</source>
        <translation>2019年設定 — 安全ではありません（研修用）。コードは再利用でき、ログインに二要素認証がありません。</translation>
    </message>
    <message>
        <location line="+131"/>
        <source>Saved {path}</source>
        <translation>保存しました: {path}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the supervisor area</source>
        <translation>責任者メニューを開く</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Demo accounts…</source>
        <translation>デモ用アカウント…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Phone wallet…</source>
        <translation>スマホのウォレット…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bring back the wallet</source>
        <translation>ウォレットを再表示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset demo…</source>
        <translation>デモをリセット…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Reset the demo? Every sale, sign-in and balance goes back to the start, and new passwords are made.</source>
        <translation>デモをリセットしますか？​売上・ログイン・残高はすべて最初の状態に戻り、​新しいパスワードが作られます。</translation>
    </message>
</context>
<context>
    <name>RefundPanel</name>
    <message>
        <location filename="../../pos_app/refund_panel.py" line="+86"/>
        <source>Receipt number, e.g. T1-000001</source>
        <translation>レシート番号（例: T1-000001）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Find receipt</source>
        <translation>レシートを検索</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Type the receipt number printed on the customer&apos;s receipt.</source>
        <translation>お客様のレシートに印字されたレシート番号を入力してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Receipt {receipt} — {time} — paid {paid}, refunded so far {refunded}</source>
        <translation>レシート {receipt} — {time} — 支払い {paid}、返品済み {refunded}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Refund all {amount}</source>
        <translation>全額返品 {amount}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refund selected {amount}</source>
        <translation>選択分を返品 {amount}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Refund {amount} to the customer&apos;s wallet (receipt {receipt})</source>
        <translation>{amount} をお客様のウォレットに返金します（レシート {receipt}）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Refunded {amount} to the customer&apos;s wallet.</source>
        <translation>{amount} をお客様のウォレットに返金しました。</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <location filename="../../pos_app/reports_view.py" line="+20"/>
        <source>X report (running)</source>
        <translation>X レポート（点検）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Z report (close the day)</source>
        <translation>Z レポート（精算）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save PDF</source>
        <translation>PDF保存</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Business day</source>
        <translation>営業日</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>This day is already closed; this is the stored Z report.</source>
        <translation>この営業日は精算済みです。保存済みの Z レポートを表示しています。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close terminal {terminal} for {day}? No more sales or refunds can be booked on it for that day.</source>
        <translation>レジ {terminal} の {day} を精算しますか？ この日はこのレジで販売・返品ができなくなります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Close terminal {terminal} for {day} (Z report)</source>
        <translation>レジ {terminal} の {day} を締める（Z レポート）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Day closed.</source>
        <translation>精算しました。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Saved {path}</source>
        <translation>保存しました: {path}</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <location filename="../../pos_app/result_panel.py" line="+85"/>
        <source>Approved {amount}</source>
        <translation>承認 {amount}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt {receipt}</source>
        <translation>レシート {receipt}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hand the customer the receipt.</source>
        <translation>お客様にレシートをお渡しください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New sale</source>
        <translation>次のお会計</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Print / Save PDF</source>
        <translation>印刷 / PDF保存</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Refused</source>
        <translation>拒否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to scanner</source>
        <translation>スキャンに戻る</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel payment</source>
        <translation>支払いを中止</translation>
    </message>
</context>
<context>
    <name>ScannerPanel</name>
    <message>
        <location filename="../../pos_app/scanner_panel.py" line="+110"/>
        <source>Retry</source>
        <translation>再試行</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Camera number, video file, image pattern, or &quot;screen&quot;</source>
        <translation>カメラ番号、動画ファイル、画像パターン、または &quot;screen&quot;</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Source:</source>
        <translation>入力元:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter code by hand</source>
        <translation>コードを手入力</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to cart</source>
        <translation>カートに戻る</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>20-digit number under the customer&apos;s code</source>
        <translation>コードの下にある20桁の番号</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Submit code</source>
        <translation>コードを送信</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Scan the customer&apos;s code</source>
        <translation>お客様のコードを読み取ってください</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Starting the camera…</source>
        <translation>カメラを起動しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+29"/>
        <source>Looking for a code…</source>
        <translation>コードを探しています…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Verifying…</source>
        <translation>確認中…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Looking at the screen…</source>
        <translation>画面を見ています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Looking for the wallet&apos;s code on the screen…</source>
        <translation>画面上でウォレットのコードを探しています…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No picture</source>
        <translation>映像がありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera not available — retry, choose another source, or type the code</source>
        <translation>カメラを使用できません — 再試行、別の入力元を選択、またはコードを手入力してください</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Type all 20 digits shown under the customer&apos;s code.</source>
        <translation>コードの下に表示された20桁をすべて入力してください。</translation>
    </message>
</context>
<context>
    <name>SupervisorArea</name>
    <message>
        <location filename="../../pos_app/supervisor_area.py" line="+34"/>
        <source>Leave supervisor area</source>
        <translation>責任者メニューを閉じる</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Refunds</source>
        <translation>返品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Journal</source>
        <translation>取引履歴</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>X / Z reports</source>
        <translation>X / Z レポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alerts</source>
        <translation>アラート</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Supervisor area — {name}</source>
        <translation>責任者メニュー — {name}</translation>
    </message>
</context>
<context>
    <name>TillAutoplay</name>
    <message>
        <location filename="../../pos_app/autoplay.py" line="+52"/>
        <source>Autoplay stopped: the till is yours.</source>
        <translation>自動デモを止めました。​レジを操作できます。</translation>
    </message>
</context>
</TS>
