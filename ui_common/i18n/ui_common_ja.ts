<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>Alerts</name>
    <message>
        <location filename="../audit_event_texts.py" line="+16"/>
        <source>Customer account created</source>
        <translation>お客様アカウントを作成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-up tried with an address that has an account</source>
        <translation>登録済みのアドレスで新規登録を試行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator app set up</source>
        <translation>認証アプリを設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong code while setting up the authenticator</source>
        <translation>認証アプリ設定時のコードが不正</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer signed in</source>
        <translation>お客様がログイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in failed</source>
        <translation>ログイン失敗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Right password without the second factor</source>
        <translation>パスワードは正しいが二段階認証なし</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator code used twice</source>
        <translation>認証コードの再使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in from a new device</source>
        <translation>新しい端末からのログイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer account locked</source>
        <translation>お客様アカウントをロック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Credential-stuffing attack suspected</source>
        <translation>リスト型攻撃の疑い</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer account unlocked by a supervisor</source>
        <translation>責任者がお客様アカウントのロックを解除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session expired</source>
        <translation>セッションの期限切れ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session signed out</source>
        <translation>セッションをログアウト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity confirmed with the second factor</source>
        <translation>二段階認証で本人確認</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity confirmation failed</source>
        <translation>本人確認に失敗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in with an SNS ID</source>
        <translation>SNS IDでログイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in with an SNS ID refused</source>
        <translation>SNS IDでのログインを拒否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SNS ID linked to the account</source>
        <translation>SNS IDをアカウントに連携</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password reset requested</source>
        <translation>パスワード再設定の要求</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password reset to an address not on record attempted</source>
        <translation>登録外のアドレスへのパスワード再設定を試行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many password reset requests</source>
        <translation>パスワード再設定の要求が多すぎます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password reset completed</source>
        <translation>パスワード再設定が完了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong password reset code</source>
        <translation>パスワード再設定コードの誤り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password changed</source>
        <translation>パスワードを変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address changed</source>
        <translation>メールアドレスを変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator change started</source>
        <translation>認証アプリの変更を開始</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator app changed</source>
        <translation>認証アプリを変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New recovery codes issued</source>
        <translation>リカバリーコードを再発行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wallet frozen</source>
        <translation>ウォレットを凍結</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wallet unfrozen</source>
        <translation>ウォレットの凍結を解除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wallet topped up</source>
        <translation>ウォレットにチャージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-up card declined</source>
        <translation>チャージのカードが拒否されました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many top-ups in a short time</source>
        <translation>短時間にチャージが多すぎます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-up password set</source>
        <translation>チャージ用パスワードを設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-up password changed</source>
        <translation>チャージ用パスワードを変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong top-up password</source>
        <translation>チャージ用パスワードの誤り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-up password locked after wrong tries</source>
        <translation>誤入力によりチャージ用パスワードをロック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-up retried with other details</source>
        <translation>内容の異なるチャージの再送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment</source>
        <translation>支払い</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many payments in a short time</source>
        <translation>短時間に支払いが多すぎます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale number reused for another payment</source>
        <translation>取引番号を別の支払いに再使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund</source>
        <translation>返金</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund number reused for another refund</source>
        <translation>返金番号を別の返金に再使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment code signing key created</source>
        <translation>支払いコードの署名鍵を作成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment code issued</source>
        <translation>支払いコードを発行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment code lifetime changed</source>
        <translation>支払いコードの有効時間を変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment codes withdrawn</source>
        <translation>支払いコードを無効化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scanned code is not a qrpay code</source>
        <translation>読み取ったコードはqrpayのコードではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Damaged payment code</source>
        <translation>破損した支払いコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forged payment code (bad signature)</source>
        <translation>偽造された支払いコード（署名不正）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expired payment code presented</source>
        <translation>期限切れの支払いコードを提示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment code not valid yet (clock skew)</source>
        <translation>まだ有効でない支払いコード（時計のずれ）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replaced payment code presented</source>
        <translation>置き換え済みの支払いコードを提示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment code used twice (replay)</source>
        <translation>支払いコードの二重使用（リプレイ）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Frozen wallet tried to pay</source>
        <translation>凍結中のウォレットで支払い試行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment refused: balance too low</source>
        <translation>残高不足で支払いを拒否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment refused: over the limit</source>
        <translation>上限超過で支払いを拒否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payment code refused</source>
        <translation>支払いコードを拒否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Staff member added</source>
        <translation>スタッフを追加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong staff PIN</source>
        <translation>スタッフPINの誤り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Staff PIN locked after wrong PINs</source>
        <translation>PIN誤入力によりスタッフをロック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Z report (day closed)</source>
        <translation>Zレポート（日次締め）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security settings changed</source>
        <translation>セキュリティ設定の変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulated clock changed</source>
        <translation>シミュレーション時計を変更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Demo data created</source>
        <translation>デモデータを作成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Existing audit log adopted and signed</source>
        <translation>既存の監査ログを引き継いで署名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audit log re-signed after a failed check</source>
        <translation>検証失敗後に監査ログを再署名</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>locked until</source>
        <translation>ロック解除予定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failures in a row</source>
        <translation>連続失敗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>from</source>
        <translation>接続元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accounts failing</source>
        <translation>失敗したアカウント数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed sign-ins</source>
        <translation>サインイン失敗数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>main sources</source>
        <translation>主な接続元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>within</source>
        <translation>期間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recent top-ups</source>
        <translation>直近のチャージ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>till</source>
        <translation>レジ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>staff no.</source>
        <translation>スタッフ番号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>address has an account</source>
        <translation>登録済みのアドレス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>asked to send to</source>
        <translation>送り先の指定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sent to the address on record</source>
        <translation>登録アドレスに送信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>device</source>
        <translation>端末</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>provider</source>
        <translation>提供元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>presented</source>
        <translation>提示されたもの</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>differs in</source>
        <translation>異なる項目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sale</source>
        <translation>売上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>before</source>
        <translation>変更前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>after</source>
        <translation>変更後</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expires</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>receipt</source>
        <translation>レシート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>count</source>
        <translation>件数</translation>
    </message>
</context>
<context>
    <name>ConnectionStatus</name>
    <message>
        <location filename="../connection_status.py" line="+46"/>
        <source>World {world} · server {server}</source>
        <translation>ワールド {world}・サーバー {server}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Server unreachable, retrying… ({server})</source>
        <translation>サーバー未接続・再接続中… ({server})</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <location filename="../app.py" line="+68"/>
        <source>Something went wrong</source>
        <translation>問題が発生しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An unexpected error happened. Nothing was charged twice; the details are in the log. You can keep using the app.</source>
        <translation>予期しないエラーが発生しました。二重に請求されることはありません。詳細はログにあります。アプリはそのまま使えます。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../dialogs.py" line="+11"/>
        <source>Please confirm</source>
        <translation>確認</translation>
    </message>
</context>
<context>
    <name>KioskExitGuard</name>
    <message>
        <location filename="../kiosk.py" line="+70"/>
        <source>Leave kiosk mode</source>
        <translation>キオスクモードを終了</translation>
    </message>
</context>
<context>
    <name>LeaveKioskButton</name>
    <message>
        <location line="+27"/>
        <source>Leave kiosk</source>
        <translation>キオスク終了</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A supervisor&apos;s number and PIN close the kiosk</source>
        <translation>責任者の番号とPINでキオスクを終了します</translation>
    </message>
</context>
<context>
    <name>PolicyBadge</name>
    <message>
        <location filename="../widgets.py" line="+84"/>
        <source>2019 settings — insecure, for training</source>
        <translation>2019年の設定（危険・研修用）</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Hardened</source>
        <translation>強化設定</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Custom: {n} defences off</source>
        <translation>カスタム設定：{n} 個の防御がオフ</translation>
    </message>
</context>
<context>
    <name>SupervisorPinDialog</name>
    <message>
        <location filename="../supervisor_pin.py" line="+33"/>
        <source>Supervisor approval</source>
        <translation>責任者の承認</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Supervisor only</source>
        <translation>責任者専用</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Supervisor number</source>
        <translation>責任者番号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Approve</source>
        <translation>承認</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Type the supervisor number and PIN.</source>
        <translation>責任者番号と PIN を入力してください。</translation>
    </message>
</context>
<context>
    <name>Tour</name>
    <message>
        <location filename="../tour_panel.py" line="+68"/>
        <source>7pay, step by step</source>
        <translation>7pay 事件を一歩ずつ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attack, step by step</source>
        <translation>攻撃の手順</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replay step</source>
        <translation>この場面をもう一度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run the attack</source>
        <translation>攻撃を実行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} of {total}</source>
        <translation>{n} / 全{total}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2019 settings (insecure)</source>
        <translation>2019年の設定（危険）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hardened settings</source>
        <translation>強化設定</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Attack succeeded: {amount} spent by the attacker. Alerts: {alerts}.</source>
        <translation>攻撃は成功：攻撃者が{amount}を使いました。アラート{alerts}件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attack stopped: {amount} lost. Alerts: {alerts}.</source>
        <translation>攻撃を阻止：被害額{amount}。アラート{alerts}件。</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Setting up the victim&apos;s wallet…</source>
        <translation>被害者のウォレットを準備しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The victim signs in on her phone…</source>
        <translation>被害者が自分のスマホでログインしています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attack is running…</source>
        <translation>攻撃を実行しています…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This step could not run: {error}</source>
        <translation>この場面を実行できませんでした：{error}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A window did not follow the tour: {problems}</source>
        <translation>ツアーに従わなかったウィンドウがあります：{problems}</translation>
    </message>
    <message>
        <location filename="../tour_button.py" line="+14"/>
        <source>Tour: 7pay, step by step</source>
        <translation>ツアー：7pay 事件を一歩ずつ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The 7pay timeline day by day, each attack run live in the till and the wallet (qrpay demo --tour)</source>
        <translation>7pay 事件を日付順にたどり、各攻撃をレジとウォレットで実際に再現します（qrpay demo --tour）</translation>
    </message>
    <message>
        <location filename="../tour_steps.py" line="+31"/>
        <source>Launch: a wallet behind a password alone</source>
        <translation>サービス開始：パスワードだけで守られたウォレット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>7pay, the smartphone wallet of a large Japanese convenience-store group, launched inside the stores&apos; existing app, rushed out for the October consumption-tax rise and a rival&apos;s same-day launch. A password alone let a new phone into an account, top-ups of up to ¥300,000 a day were allowed, and nothing watched for unusual activity.</source>
        <translation>大手コンビニグループのスマホ決済 7pay が、既存の店舗アプリの一機能として始まりました。10月の消費税増税と、競合の同日開始に間に合わせるための急ごしらえでした。パスワードだけで新しいスマホからアカウントに入れ、チャージは1日30万円まで可能で、不審な動きを見張る仕組みはありませんでした。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Both windows now run the 2019 settings (the striped badge). The phone beside the till is a customer, 山田 花子, signed in with her password only.</source>
        <translation>レジとウォレットは今、2019年の設定（縞模様の表示）で動いています。レジの隣のスマホは客の山田 花子さんで、パスワードだけでログインしています。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fraud found: credential stuffing</source>
        <translation>不正利用の発覚：リスト型アカウントハッキング</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two days after launch, customers saw purchases they never made: cigarettes and prepaid cards, goods that resell for cash. The company&apos;s review named “list-type account hacking”: e-mail and password pairs leaked from other services, replayed against the sign-in. A reused password was all that protected an account.</source>
        <translation>開始の2日後、身に覚えのない購入に客が気づきました。たばこやプリペイドカードなど、換金しやすい商品です。会社の調査は原因を「リスト型アカウントハッキング」、つまり他のサービスから漏れたメールアドレスとパスワードの組をログインに次々と試す攻撃と見ました。使い回したパスワードしかアカウントを守っていませんでした。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Live: a bot replays a leaked list, and 山田 花子 reused her password. Watch her balance on the phone, then her history and her mailbox.</source>
        <translation>実演：ボットが漏えいリストを試します。山田 花子さんはパスワードを使い回していました。スマホの残高、続いて履歴とメールボックスをご覧ください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same list against the hardened settings: the right password is not enough without the authenticator&apos;s code, the reply does not tell the bot the password was right, and the wave of failures raises an alert at the till.</source>
        <translation>同じリストを強化設定に試します。認証アプリのコードがなければ正しいパスワードでも入れず、返答からパスワードが正しいかどうかも分からず、失敗の急増はレジにアラートとして届きます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The press conference: “two-step verification?”</source>
        <translation>記者会見：「二段階認証？」</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-ups and sign-ups were stopped. At the press conference management could not say what two-step verification (二段階認証) was; it had been planned and dropped to “lower the entrance”. The separate top-up password could be changed from inside the app, and one victim saw three large top-ups within one minute. No alert fired.</source>
        <translation>チャージと新規登録が止められました。記者会見で経営陣は二段階認証が何かを答えられませんでした。計画はあったものの「入口のハードルを下げる」ために見送られていました。チャージ用の別のパスワードはアプリの中から変更でき、ある被害者は1分間に3回の高額チャージを見ましたが、アラートは出ませんでした。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Live: with the leaked password alone the attacker signs in, changes the top-up password, charges her card three times in a minute and spends it all.</source>
        <translation>実演：攻撃者は漏れたパスワードだけでログインし、チャージ用パスワードを変え、1分間に3回カードからチャージして、すべて使い切ります。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hardened: signing in, topping up and changing the top-up password each need a fresh code from the authenticator app. The attacker gets none of them.</source>
        <translation>強化設定：ログイン、チャージ、チャージ用パスワードの変更には、その都度認証アプリのコードが要ります。攻撃者はどれもできません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>External-ID sign-in switched off</source>
        <translation>外部IDでのログインを停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>7pay switched off sign-in with external IDs (social accounts), which had widened the attack surface of the group&apos;s shared ID system. A safe external sign-in checks the ID token&apos;s signature, issuer, audience, nonce and expiry (OpenID Connect Core 1.0 §3.1.3.7) and links accounts by the provider&apos;s subject, never by an e-mail address alone.</source>
        <translation>7pay は外部ID（ソーシャルアカウント）でのログインを止めました。外部IDはグループ共通のID基盤への攻撃の入口を広げていました。安全な外部IDログインは、IDトークンの署名・発行者・宛先・ノンス・有効期限を確かめ（OpenID Connect Core 1.0 §3.1.3.7）、アカウントはメールアドレスだけでなく提供元の利用者識別子で結び付けます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Live: the app trusts what the client says about the external account, and the attacker is in.</source>
        <translation>実演：アプリは外部アカウントについて端末側の申告をそのまま信じ、攻撃者が入り込みます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hardened: the token is verified, and the authenticator&apos;s code is still asked for before a payment code is shown.</source>
        <translation>強化設定：トークンを検証し、支払いコードを表示する前にはやはり認証アプリのコードを求めます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The live part of this step comes with the external-ID scenario (external-id-takeover), which this build does not have yet.</source>
        <translation>この場面の実演は外部IDのシナリオ（external-id-takeover）が入ってから動きます。この版にはまだありません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every password reset</source>
        <translation>パスワードの一斉再設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every member&apos;s password was force-reset. The reset form had asked for e-mail, birthdate and phone, then sent the reset link to a destination address typed into the form; accounts registered without a birthdate had a default one (2019-01-01).</source>
        <translation>全会員のパスワードが強制的に再設定されました。再設定の画面はメールアドレス・生年月日・電話番号を尋ねたうえで、画面に入力された送り先アドレスへ再設定リンクを送っていました。生年月日なしで登録したアカウントには既定の生年月日（2019-01-01）が入っていました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Live: knowing only her e-mail address, the attacker has her reset code sent to his own mailbox, sets a new password and spends. Her wallet is signed out, and her mailbox says her password was reset.</source>
        <translation>実演：攻撃者は彼女のメールアドレスだけを知っており、再設定コードを自分のメールボックスに送らせ、新しいパスワードを設定して買い物をします。彼女のウォレットはログアウトされ、メールボックスにはパスワード再設定の知らせが届きます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hardened: the code goes only to the address of record, the redirect raises an alert, and finishing a reset still needs the authenticator app.</source>
        <translation>強化設定：コードは登録済みのアドレスにしか送られず、別の宛先を指定するとアラートが出ます。再設定を終えるにも認証アプリが必要です。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shutdown announced</source>
        <translation>サービス終了の発表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The group announced that 7pay would close on 30 September 2019. In all, 808 customers were victims and about ¥38.6 million was taken in one month; all of it was refunded. The regulator (METI) found that 7pay broke the industry guideline for code payments on two points: binding the user&apos;s device and identity (in effect, a second factor) and fraud monitoring.</source>
        <translation>グループは 7pay を2019年9月30日に終了すると発表しました。被害者は合計808人、1か月で約3,860万円が不正に使われ、全額が補償されました。経済産業省（METI）は、7pay がコード決済の業界ガイドラインに2点で反していたと指摘しました。利用者の端末と本人の結び付け（実質的な二要素認証）と、不正利用の監視です。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Every attack in this tour was stopped by a defence 7pay lacked. The till&apos;s Alerts tab lists what the hardened settings caught.</source>
        <translation>このツアーの攻撃はすべて、7pay になかった防御が止めました。強化設定が捉えたものはレジの「アラート」タブに並んでいます。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sources: the company&apos;s announcements and press conferences (July–August 2019) and METI (July 2019), as reported at the time; see docs/TOUR.md.</source>
        <translation>出典：当時報じられた会社の発表と記者会見（2019年7〜8月）、経済産業省（METI、2019年7月）。詳しくは docs/TOUR.md。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Attacker</source>
        <translation>攻撃者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Victim</source>
        <translation>被害者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Till</source>
        <translation>レジ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System</source>
        <translation>システム</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The attack begins.</source>
        <translation>攻撃が始まります。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customers and a store are set up.</source>
        <translation>客と店舗を用意します。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A list of e-mail and password pairs leaked from another service is loaded.</source>
        <translation>他のサービスから漏れたメールアドレスとパスワードの組のリストを読み込みます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The bot works through the leaked list…</source>
        <translation>ボットが漏えいリストを順に試しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in to the victim&apos;s account with the leaked password.</source>
        <translation>漏れたパスワードで被害者のアカウントにログインしました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in refused.</source>
        <translation>ログインは拒否されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The victim uses the wallet on her own phone.</source>
        <translation>被害者は自分のスマホでウォレットを使っています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Picks up the victim&apos;s phone, still signed in.</source>
        <translation>ログインしたままの被害者のスマホを手に取ります。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changes the top-up password: no second factor is asked for.</source>
        <translation>チャージ用パスワードを変更します。二要素目は求められません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Changing the top-up password needs the authenticator: refused.</source>
        <translation>チャージ用パスワードの変更には認証アプリが必要なため、拒否されました。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A top-up is charged to the victim&apos;s card.</source>
        <translation>被害者のカードからチャージされました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The top-up is refused.</source>
        <translation>チャージは拒否されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A payment code is shown.</source>
        <translation>支払いコードが表示されます。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No payment code without the authenticator&apos;s code.</source>
        <translation>認証アプリのコードがなければ支払いコードは出ません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resale goods are bought with the victim&apos;s wallet at a till.</source>
        <translation>被害者のウォレットで、換金しやすい商品がレジで買われました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The till refuses the payment.</source>
        <translation>レジが支払いを拒否しました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An alert is raised for the store&apos;s staff.</source>
        <translation>店舗のスタッフにアラートが出ました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Asks for the victim&apos;s password reset, sent to an address of the attacker&apos;s choice.</source>
        <translation>被害者のパスワード再設定を、攻撃者が選んだ宛先に送るよう求めます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reset code arrives in the attacker&apos;s mailbox.</source>
        <translation>再設定コードが攻撃者のメールボックスに届きました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No reset code arrives at the attacker&apos;s address.</source>
        <translation>攻撃者の宛先には再設定コードが届きません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sets a new password: the victim is locked out.</source>
        <translation>新しいパスワードを設定し、被害者は締め出されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The reset cannot be finished without the authenticator.</source>
        <translation>認証アプリがなければ再設定を完了できません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The victim links her social-network account to the wallet.</source>
        <translation>被害者が自分のSNSアカウントをウォレットに連携します。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>She signs in to a quiz app with the same account; the quiz is the attacker&apos;s, who now holds a signed ID token for her.</source>
        <translation>同じアカウントで占いアプリにログインします。そのアプリは攻撃者のもので、攻撃者は彼女の署名付きIDトークンを手に入れます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reads her social-network user id off her public profile.</source>
        <translation>公開プロフィールから彼女のSNS利用者番号を読み取ります。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signs in as her by sending her user id: the app believes it.</source>
        <translation>彼女の利用者番号を送るだけで本人としてログインします。アプリはそれを信じます。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A user id alone proves nothing: refused.</source>
        <translation>利用者番号だけでは本人の証明にならず、拒否されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signs in with the ID token issued to the quiz app: accepted.</source>
        <translation>占いアプリ宛てに発行されたIDトークンでログインし、受け入れられました。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The ID token was issued to another app: refused.</source>
        <translation>IDトークンは別のアプリ宛てに発行されたもので、拒否されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With her leaked social-network password, signs in through the real flow.</source>
        <translation>漏れたSNSパスワードで、正規の手順からログインします。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The social-network sign-in is refused.</source>
        <translation>SNSでのログインは拒否されました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attack succeeded.</source>
        <translation>攻撃は成功しました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attack was stopped.</source>
        <translation>攻撃は止められました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signs in to the victim&apos;s account with the password he has just set.</source>
        <translation>自分で設定したばかりのパスワードで被害者のアカウントにログインします。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Another step of the attack ({action}).</source>
        <translation>攻撃のその他の手順（{action}）。</translation>
    </message>
</context>
</TS>
