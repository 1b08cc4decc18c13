<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
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
        <location filename="../widgets.py" line="+46"/>
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
</TS>
