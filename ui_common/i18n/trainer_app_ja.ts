<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ChallengeCard</name>
    <message>
        <location filename="../../trainer_app/score_board_window.py" line="+77"/>
        <source>Easy</source>
        <translation>やさしい</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Medium</source>
        <translation>ふつう</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hard</source>
        <translation>むずかしい</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{stars} {level} · {category} · stopped by: {defence}</source>
        <translation>{stars} {level}・{category}・防ぐ防御：{defence}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Hint</source>
        <translation>ヒント</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Second hint</source>
        <translation>2つ目のヒント</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Hint: {text}</source>
        <translation>ヒント：{text}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Second hint: {text}</source>
        <translation>2つ目のヒント：{text}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Solved {time}</source>
        <translation>解決 {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What went wrong at 7pay: {text}</source>
        <translation>7payで何が問題だったか：{text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not solved</source>
        <translation>未解決</translation>
    </message>
</context>
<context>
    <name>ClassroomWindow</name>
    <message>
        <location filename="../../trainer_app/classroom_window.py" line="+74"/>
        <source>Reset world…</source>
        <translation>ワールドをリセット…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Join code: --join {code}</source>
        <translation>参加コード：--join {code}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{solved} of {total}</source>
        <translation>{solved} / {total}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>nothing yet</source>
        <translation>まだなし</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>2019 (insecure)</source>
        <translation>2019年設定（危険）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>hardened</source>
        <translation>強化済み</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>custom, {n} off</source>
        <translation>カスタム・{n}件オフ</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>qrpay-sim — Classroom</source>
        <translation>qrpay-sim — 教室</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classroom</source>
        <translation>教室</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>New world</source>
        <translation>新しいワールド</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Server: {url}</source>
        <translation>サーバー：{url}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Challenges solved</source>
        <translation>解いたチャレンジ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Alerts</source>
        <translation>アラート</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Newest alert</source>
        <translation>最新のアラート</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>World
join code</source>
        <translation>ワールド
参加コード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last activity</source>
        <translation>最後の操作</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Policy</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No worlds yet: make one with “New world”.</source>
        <translation>ワールドはまだありません。「新しいワールド」で作成してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{n} s ago</source>
        <translation>{n}秒前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{n} min ago</source>
        <translation>{n}分前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} h ago</source>
        <translation>{n}時間前</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The server did not answer: {reason}</source>
        <translation>サーバーが応答しません：{reason}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{n} worlds · refreshed every {s} s</source>
        <translation>{n}ワールド・{s}秒ごとに更新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} worlds</source>
        <translation>{n}ワールド</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Type a name for the new world first (a-z, 0-9, - and _).</source>
        <translation>先に新しいワールドの名前を入力してください（a〜z、0〜9、-、_）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>World {name} is ready. Trainees join it with:</source>
        <translation>ワールド {name} を作成しました。受講者は次の指定で参加します：</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reset the world {name}? Its customers, payments, alerts and solved challenges are erased; the other worlds are not touched.</source>
        <translation>ワールド {name} をリセットしますか？&#x3000;顧客・支払い・アラート・解いたチャレンジが消去されます。ほかのワールドはそのままです。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>World {name} was reset.</source>
        <translation>ワールド {name} をリセットしました。</translation>
    </message>
</context>
<context>
    <name>DefenceGroups</name>
    <message>
        <location filename="../../trainer_app/defence_groups.py" line="+17"/>
        <source>Sign-in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Password reset</source>
        <translation>パスワード再設定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Payment codes</source>
        <translation>支払いコード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Credentials and top-ups</source>
        <translation>認証情報とチャージ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Payments at the till</source>
        <translation>レジでの支払い</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Other</source>
        <translation>その他</translation>
    </message>
</context>
<context>
    <name>DefenceRow</name>
    <message>
        <location filename="../../trainer_app/defence_switches_panel.py" line="+111"/>
        <source>View source</source>
        <translation>ソースを見る</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Standard: {guideline}</source>
        <translation>基準：{guideline}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>On</source>
        <translation>オン</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Off</source>
        <translation>オフ</translation>
    </message>
</context>
<context>
    <name>DefenceSwitchesPanel</name>
    <message>
        <location line="+21"/>
        <source>Each switch turns one defence on or off for every app on this database. All on is the hardened preset; all off is 2019.</source>
        <translation>各スイッチは、このデータベースを使うすべてのアプリで防御を一つずつオン・オフします。すべてオンが強化設定、すべてオフが2019年の設定です。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Source</source>
        <translation>ソース</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose &quot;View source&quot; beside a defence to read the code that enforces it.</source>
        <translation>防御の横の「ソースを見る」を押すと、その防御を実行するコードが読めます。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>All {total} defences on.</source>
        <translation>{total}個の防御がすべてオン。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{off} of {total} defences off.</source>
        <translation>{total}個の防御のうち{off}個がオフ。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Source: {defence}</source>
        <translation>ソース：{defence}</translation>
    </message>
</context>
<context>
    <name>PolicyClockBar</name>
    <message>
        <location filename="../../trainer_app/policy_clock_bar.py" line="+113"/>
        <source>Attack trainer</source>
        <translation>攻撃トレーナー</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Policy:</source>
        <translation>ポリシー:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hardened</source>
        <translation>強化設定</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>2019 (insecure)</source>
        <translation>2019年（危険）</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>+30 s</source>
        <translation>+30秒</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>+1 min</source>
        <translation>+1分</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>+10 min</source>
        <translation>+10分</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Skew</source>
        <translation>ずれ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+5m</source>
        <translation>+5m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How far the simulated clock runs from real time: +90s, -5m, +2h, +1d</source>
        <translation>シミュレーション時計と実時間の差: +90s、-5m、+2h、+1d</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reset</source>
        <translation>リセット</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>2019 settings — insecure, for training</source>
        <translation>2019年の設定 — 安全ではありません（研修用）</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Simulated time</source>
        <translation>シミュレーション時刻</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>real time {offset}</source>
        <translation>実時間 {offset}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fixed clock</source>
        <translation>固定時計</translation>
    </message>
</context>
<context>
    <name>ResultsTabs</name>
    <message>
        <location filename="../../trainer_app/results_tabs.py" line="+92"/>
        <source>Steps</source>
        <translation>経過</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chart of attempts, blocked and taken-over accounts fills in while credential stuffing runs.</source>
        <translation>リスト型攻撃の実行中に、試行・阻止・乗っ取りの件数がグラフに表示されます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chart</source>
        <translation>グラフ</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+31"/>
        <source>Time (JST)</source>
        <translation>時刻（JST）</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Severity</source>
        <translation>重要度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Event</source>
        <translation>イベント</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+27"/>
        <source>Customer</source>
        <translation>顧客</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+78"/>
        <source>Alerts</source>
        <translation>警報</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Audit log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+62"/>
        <source>Balances</source>
        <translation>残高</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>Before → after</source>
        <translation>前 → 後</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Change</source>
        <translation>増減</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+60"/>
        <source>Mailbox</source>
        <translation>メール</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Subject</source>
        <translation>件名</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>What the victim saw</source>
        <translation>被害者から見えたこと</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No attempts were made.</source>
        <translation>試行はありませんでした。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The run wrote {n} audit rows (the newest {shown} are listed). Ledger invariants: {ledger}.</source>
        <translation>この実行で監査ログ {n} 行（新しい {shown} 行を表示）。台帳の整合性: {ledger}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✓ hold</source>
        <translation>✓ 正常</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>✕ broken: {p}</source>
        <translation>✕ 不整合: {p}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Alerts ({n})</source>
        <translation>警報（{n}件）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Balances ({n} watched)</source>
        <translation>残高（{n}人）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mailbox: {n} messages arrived</source>
        <translation>メール: {n}通が届きました</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The audit rows and alerts of the run appear here when it finishes.</source>
        <translation>実行が終わると、その監査ログと警報がここに表示されます。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>To</source>
        <translation>宛先</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>under {policy}</source>
        <translation>{policy}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Attacker</source>
        <translation>攻撃者</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Victim</source>
        <translation>被害者</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Till</source>
        <translation>レジ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System</source>
        <translation>システム</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Registering customers…</source>
        <translation>顧客を登録しています…</translation>
    </message>
</context>
<context>
    <name>RunPanel</name>
    <message>
        <location filename="../../trainer_app/run_panel.py" line="+210"/>
        <source>Run under:</source>
        <translation>実行:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hardened</source>
        <translation>強化設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2019</source>
        <translation>2019年設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Both</source>
        <translation>両方</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pace:</source>
        <translation>進め方：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Full speed</source>
        <translation>最高速</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>One step at a time</source>
        <translation>1ステップずつ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delay per step</source>
        <translation>ステップごとに待つ</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Seconds to wait after each step</source>
        <translation>各ステップの後に待つ秒数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next step</source>
        <translation>次のステップ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Run on this database</source>
        <translation>このデータベースで実行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Off: each run uses a fresh temporary database, so the demo data is untouched. On: the attack really happens in this database.</source>
        <translation>オフ: 毎回新しい一時データベースを使うので、デモ用データは変わりません。オン: このデータベースで実際に攻撃が行われます。</translation>
    </message>
</context>
<context>
    <name>ScenarioList</name>
    <message>
        <location filename="../../trainer_app/scenario_list.py" line="+81"/>
        <source>Scenarios</source>
        <translation>シナリオ</translation>
    </message>
</context>
<context>
    <name>ScoreBoardWindow</name>
    <message>
        <location filename="../../trainer_app/score_board_window.py" line="+23"/>
        <source>qrpay-sim — Score board</source>
        <translation>qrpay-sim — スコアボード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score board</source>
        <translation>スコアボード</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reset progress…</source>
        <translation>進み具合をリセット…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Attack the system by hand with the wallet, the till and qrpay, under the 2019 preset or with a defence switched off. A challenge is marked solved when the system sees it happen.</source>
        <translation>2019年の設定、または防御を一つオフにした状態で、ウォレット・レジ・qrpay を使って手作業でシステムを攻撃してください。システムが攻撃を検知すると、チャレンジが解決済みになります。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{solved} of {total} solved</source>
        <translation>{total}個中{solved}個を解決</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Forget every solved challenge on this database? Only what happens from now on will count.</source>
        <translation>このデータベースで解決したチャレンジをすべて消しますか？ これから後の操作だけが数えられます。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Progress reset: {n} solved challenges forgotten.</source>
        <translation>リセットしました：解決済みのチャレンジ{n}個を消しました。</translation>
    </message>
</context>
<context>
    <name>SetTimeDialog</name>
    <message>
        <location filename="../../trainer_app/policy_clock_bar.py" line="-154"/>
        <source>Set the simulated time</source>
        <translation>シミュレーション時刻を設定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Simulated date and time (Japan time):</source>
        <translation>シミュレーションの日時（日本時間）:</translation>
    </message>
</context>
<context>
    <name>TrainerChart</name>
    <message>
        <location filename="../../trainer_app/chart.py" line="+85"/>
        <source>Sign-in attempts</source>
        <translation>ログイン試行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Blocked</source>
        <translation>阻止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken over (right scale)</source>
        <translation>乗っ取り（右目盛り）</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>simulated time since the attack started</source>
        <translation>攻撃開始からのシミュレーション経過時間</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <location filename="../../trainer_app/texts.py" line="+23"/>
        <source>Credential stuffing</source>
        <translation>リスト型アカウントハッキング</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leaked passwords replayed against sign-in.</source>
        <translation>漏えいしたパスワードでログインを試す。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A leaked e-mail/password list is replayed against sign-in; reused passwords are taken over and drained at a till.</source>
        <translation>他サービスから漏えいしたメールアドレスとパスワードの一覧でログインを試み、使い回しのアカウントを乗っ取って店頭で残高を使い切る。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Password-reset hijack</source>
        <translation>パスワード再設定の乗っ取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The reset goes to the attacker&apos;s address.</source>
        <translation>再設定の連絡が攻撃者のアドレスに届く。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attacker asks for a password reset and types in their own address for it.</source>
        <translation>攻撃者がパスワード再設定を申し込み、送り先に自分のメールアドレスを入力する。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Top-up takeover</source>
        <translation>チャージの乗っ取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-up password changed, then rapid top-ups.</source>
        <translation>チャージ用パスワードを変え、連続チャージ。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attacker changes the top-up password, then tops up three times in one minute.</source>
        <translation>攻撃者がチャージ用パスワードを変更し、1分間に3回チャージする。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Screenshot replay</source>
        <translation>スクリーンショットの再利用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A used or lifted code shown again at a till.</source>
        <translation>使用済み・盗み見たコードをレジで再提示。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A photographed code is shown after it was used or refreshed; a code lifted at till A is spent at till B.</source>
        <translation>撮影したコードを使用後や更新後に提示し、レジAで盗み見たコードをレジBで使う。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Expired and skewed codes</source>
        <translation>期限切れ・時刻ずれのコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An old code; a phone whose clock is wrong.</source>
        <translation>古いコードと、時計がずれたスマホ。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An old code is presented, and a code from a phone whose clock runs hours ahead.</source>
        <translation>古いコードを提示し、さらに時計が数時間進んだスマホのコードを提示する。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Forged code</source>
        <translation>偽造コード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Altered amount cap or wallet; another key.</source>
        <translation>上限額やウォレットを改ざん、別の鍵で署名。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A code with its amount cap or wallet altered, and one signed with another key.</source>
        <translation>上限額やウォレットを書き換えたコードと、別の鍵で署名したコード。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Double spend</source>
        <translation>二重払い</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One code at two tills at the same instant.</source>
        <translation>1つのコードを2台のレジで同時に提示。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One code is presented at two tills at the same instant.</source>
        <translation>1つのコードを2台のレジで同時に提示する。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resale velocity</source>
        <translation>転売目的の連続購入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Many high-value purchases in minutes.</source>
        <translation>数分間に高額商品を大量購入。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A taken-over wallet buys many high-value, easy-to-resell goods within minutes.</source>
        <translation>乗っ取られたウォレットで、換金しやすい高額商品を数分のうちに大量に買う。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Accounts</source>
        <translation>アカウント数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leaked pairs</source>
        <translation>漏えい件数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reusing</source>
        <translation>使い回し率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempts</source>
        <translation>試行回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempts / s</source>
        <translation>毎秒の試行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bot addresses</source>
        <translation>ボットのIP数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Victim balance ¥</source>
        <translation>被害者の残高 ¥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yen per top-up</source>
        <translation>1回のチャージ額</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top-ups</source>
        <translation>チャージ回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Basket ¥</source>
        <translation>購入額 ¥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lift delay (s)</source>
        <translation>盗用までの秒数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code age (s)</source>
        <translation>コードの古さ（秒）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone clock ahead (s)</source>
        <translation>スマホ時計の進み（秒）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rounds</source>
        <translation>回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Purchases</source>
        <translation>購入回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seconds between</source>
        <translation>購入間隔（秒）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gives up after</source>
        <translation>断念までの拒否数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attacker reads the victim&apos;s mail (1/0)</source>
        <translation>攻撃者が被害者のメールも読める（1/0）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hardened</source>
        <translation>強化設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2019</source>
        <translation>2019年設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type a skew such as +5m, -90s or +2h.</source>
        <translation>ずれは +5m、-90s、+2h のように入力してください。</translation>
    </message>
    <message>
        <location filename="../../trainer_app/main_window.py" line="+73"/>
        <source>qrpay-sim — Attack trainer</source>
        <translation>qrpay-sim — 攻撃トレーナー</translation>
    </message>
    <message>
        <location filename="../../trainer_app/texts.py" line="-38"/>
        <source>TOTP second factor + throttling</source>
        <translation>TOTPによる二要素認証＋試行回数の制限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reset code sent only to the address of record (+ second factor to finish)</source>
        <translation>再設定コードは登録済みのアドレスにだけ送信（完了には二要素認証も必要）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>TOTP second factor for sign-in, top-ups and top-up credential changes</source>
        <translation>ログイン・チャージ・チャージ用パスワード変更にTOTPによる二要素認証</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>single-use codes that a refresh supersedes and that expire in 60 s</source>
        <translation>1回限りのコード（更新で無効になり、60秒で期限切れ）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>60-second code lifetime and 30 seconds of clock tolerance</source>
        <translation>コードの有効期間60秒と、時計のずれの許容30秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ed25519 signature over every field of the code</source>
        <translation>コードの全項目にかかるEd25519署名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>single-use code redeemed inside the sale&apos;s transaction</source>
        <translation>1回限りのコードを売上と同じトランザクションで使用済みに</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>payment velocity rule (amount and count per 10 minutes) + alert</source>
        <translation>支払い頻度のルール（10分あたりの金額と回数）＋警報</translation>
    </message>
    <message>
        <location filename="../../trainer_app/main_window.py" line="+42"/>
        <source>Attacks</source>
        <translation>攻撃</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+37"/>
        <source>Defences</source>
        <translation>防御</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Score board</source>
        <translation>スコアボード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The challenges trainees solve by hand, with hints</source>
        <translation>受講者が手作業で解くチャレンジ（ヒント付き）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Classroom</source>
        <translation>教室</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Every world of the server: progress, alerts, reset</source>
        <translation>サーバーの全ワールド：進み具合・アラート・リセット</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Defences ({off} off)</source>
        <translation>防御（{off}個オフ）</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Save incident report…</source>
        <translation>インシデント報告を保存…</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>The chart fills in while credential stuffing runs.</source>
        <translation>リスト型攻撃の実行中にグラフが描かれます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This scenario has no chart; see the steps.</source>
        <translation>このシナリオにはグラフがありません。経過をご覧ください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Running {scenario} under {policies}…</source>
        <translation>{scenario} を{policies}で実行中…</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Stopping…</source>
        <translation>停止しています…</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Stopped: the run was cancelled before it finished.</source>
        <translation>停止: 実行は終了前に中止されました。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The run could not finish: {reason}</source>
        <translation>実行を完了できませんでした: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>BLOCKED by {defence}</source>
        <translation>阻止 — 防御: {defence}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ATTACK SUCCEEDED — {yen} lost, 1 account taken over</source>
        <translation>攻撃成功 — 被害 {yen}、1件のアカウントが乗っ取られました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ATTACK SUCCEEDED — {yen} lost, {n} accounts taken over</source>
        <translation>攻撃成功 — 被害 {yen}、{n}件のアカウントが乗っ取られました</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Save incident report</source>
        <translation>インシデント報告を保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HTML report (*.html)</source>
        <translation>HTML 報告書 (*.html)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The report could not be saved: {reason}</source>
        <translation>報告書を保存できませんでした: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Report saved: {path}</source>
        <translation>報告書を保存しました: {path}</translation>
    </message>
    <message>
        <location filename="../../trainer_app/texts.py" line="-50"/>
        <source>External-ID takeover</source>
        <translation>外部IDによる乗っ取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in with the victim&apos;s SNS ID.</source>
        <translation>被害者のSNS IDでログイン。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attacker sends the victim&apos;s SNS user id, or an ID token the SNS issued to the attacker&apos;s own app.</source>
        <translation>攻撃者が被害者のSNSユーザーIDを​そのまま送るか、​SNSが攻撃者自身のアプリに発行した​IDトークンを使います。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>ID-token verification (signature, issuer, audience, nonce, expiry) + step-up before a code</source>
        <translation>IDトークンの検証（署名・発行者・宛先・nonce・有効期限）​＋コード表示前の再認証</translation>
    </message>
</context>
</TS>
