<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>Crash</name>
    <message>
        <location filename="../app.py" line="55"/>
        <source>Something went wrong</source>
        <translation>問題が発生しました</translation>
    </message>
    <message>
        <location filename="../app.py" line="56"/>
        <source>An unexpected error happened. Nothing was charged twice; the details are in the log. You can keep using the app.</source>
        <translation>予期しないエラーが発生しました。二重に請求されることはありません。詳細はログにあります。アプリはそのまま使えます。</translation>
    </message>
</context>
<context>
    <name>LeaveKioskDialog</name>
    <message>
        <location filename="../kiosk.py" line="52"/>
        <source>Leave kiosk mode</source>
        <translation>キオスクモードを終了</translation>
    </message>
    <message>
        <location filename="../kiosk.py" line="57"/>
        <source>Supervisor ID</source>
        <translation>責任者番号</translation>
    </message>
    <message>
        <location filename="../kiosk.py" line="58"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
</context>
<context>
    <name>PolicyBadge</name>
    <message>
        <location filename="../widgets.py" line="24"/>
        <source>2019 settings — insecure, for training</source>
        <translation>2019年の設定（危険・研修用）</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="32"/>
        <source>Hardened</source>
        <translation>強化設定</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="42"/>
        <source>Custom: {n} defences off</source>
        <translation>カスタム設定：{n} 個の防御がオフ</translation>
    </message>
</context>
</TS>
