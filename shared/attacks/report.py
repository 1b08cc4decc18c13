"""An attack run as a self-contained HTML incident report (no scripts, no external files), and as
the lines `qrpay attack` prints (`step_line`, `summary_lines`: from the run's JSON form, so a run
on a server reads the same).

    report.write_html(result, "incident.html", lang="ja")

Sections: the outcome (blocked by which defence, or succeeded with yen lost), a chart of attempts /
blocked / taken over over simulated time (inline SVG), the timeline of steps, the alerts and
audit rows the run wrote, what the victims saw (balances before/after, their mailbox), and the
scenario's stopping defences (shared.defences: on or off in the run, whether each stopped a move,
the guideline it answers and where it lives in the code). English or Japanese (`L` below).
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Iterable

from shared.attacks.base import (ACTOR_TEXTS, NONE_TEXT, OUTCOME_BY, OUTCOME_TEXTS, Actor, Outcome, ScenarioResult,
                                 TimelinePoint, filled)
from shared.clock import jst_text, to_iso
from shared.money import format_yen
from shared.texts import Text, check_lang

AUDIT_ROWS_SHOWN = 150

# The report's own words, English and Japanese (`render_html(result, lang="ja")`).
L: dict[str, Text] = {
    "title": Text("Incident report: {title}", "インシデント報告：{title}"),
    "sub": Text("Scenario {name} under the {policy} policy", "シナリオ {name}／{policy} ポリシー"),
    "sub_2019": Text(" (7pay's launch settings: insecure, for training only)", "（7payの開始時の設定：安全でない、訓練専用）"),
    "sub_custom": Text(" (defences off: {off})", "（オフの防御：{off}）"),
    "sub_tail": Text(" · simulated {start} – {end} ({secs:,.0f} s) · qrpay-sim training lab",
                     " · 模擬時刻 {start} – {end}（{secs:,.0f} 秒）· qrpay-sim 訓練ラボ"),
    "blocked": Text("BLOCKED", "阻止"),
    "succeeded": Text("ATTACK SUCCEEDED", "攻撃成功"),
    "blocked_by": Text("Blocked by: {by}", "阻止した防御：{by}"),
    "summary": Text("Yen lost: {yen} · accounts taken over: {takeovers} · alerts raised: {alerts} · ledger invariants: "
                    "{ledger}", "被害額：{yen} · 乗っ取られたアカウント：{takeovers} · 警報：{alerts} · 台帳の不変条件：{ledger}"),
    "hold": Text("hold", "維持"),
    "violated": Text("VIOLATED", "違反"),
    "violated_by": Text("VIOLATED: {problems}", "違反：{problems}"),
    "stopped_by": Text("Stopped in this run by: {names}", "この実行で攻撃を止めた防御：{names}"),
    "integrity": Text("Integrity problems", "整合性の問題"),
    "over_time": Text("Over time", "時間の経過"),
    "timeline": Text("Timeline", "経過"),
    "th_steps": Text("t (s)|time|who|action|result|detail|defence", "経過（秒）|時刻|主体|操作|結果|詳細|防御"),
    "alerts": Text("Alerts ({n})", "警報（{n} 件）"),
    "no_alert": Text("No alert was raised.", "警報は出なかった。"),
    "audit": Text("Audit log ({n:,} rows written by this run)", "監査ログ（この実行で {n:,} 行）"),
    "th_counts": Text("event|rows", "イベント|行数"),
    "newest": Text("The newest {n} rows:", "最新の {n} 行："),
    "th_audit": Text("#|time|event|severity|customer|details", "番号|時刻|イベント|重要度|顧客|詳細"),
    "victim": Text("What the victim saw", "被害者が見たもの"),
    "th_balances": Text("customer|balance before|after|change", "顧客|前の残高|後の残高|増減"),
    "messages": Text("{n} message(s) arrived during the run", "実行中に {n} 通のメッセージが届いた"),
    "messages_some": Text("; the newest {n} are shown", "。最新の {n} 通を示す"),
    "messages_note": Text(" (quoted as the system sent them)", "（本文はシステムが送った原文のまま）"),
    "th_messages": Text("time|to|subject|message", "時刻|宛先|件名|本文"),
    "defences": Text("Defences and the guidelines they answer", "防御と対応する基準"),
    "th_defences": Text("defence|in this run|stopped a move|what it stops|guideline|where in the code",
                        "防御|この実行|攻撃を止めた|防ぐもの|基準|コード上の場所"),
    "on": Text("on", "オン"),
    "off": Text("OFF", "オフ"),
    "yes": Text("yes", "はい"),
    "no": Text("—", "—"),
    "stopping": Text("With exactly the defences listed first switched off this attack succeeds; with any one of them "
                     "on it is stopped or its loss is bounded.",
                     "最初に挙げた防御をちょうどすべてオフにするとこの攻撃は成功し、どれか一つでもオンなら阻止されるか"
                     "被害が抑えられる。"),
    "always_on": Text("No policy switch lets this attack through: the checks that stop it (the Ed25519 signature over "
                      "every field of a code, the ledger's invariants, the audit log) are always on.",
                      "どのポリシー設定でもこの攻撃は通らない：これを止める検査（コードの全項目にかかる Ed25519 署名、"
                      "台帳の不変条件、監査ログ）は常に有効。"),
    "meti": Text("Under the 2019 preset these defences were switched off as 7pay launched without them; METI found the "
                 "launch broke the code-payment guideline on device/identity binding and on transaction verification "
                 "and fraud monitoring.",
                 "2019 プリセットでは、7payが備えずに開始したとおりこれらの防御をオフにしている。経済産業省は、端末・本人の"
                 "紐づけと取引の検証・不正監視の2点でコード決済のガイドラインに反していたと指摘した。"),
    "run": Text("Run", "実行条件"),
    "sim_start": Text("simulated start (UTC)", "模擬開始時刻（UTC）"),
    "wall": Text("wall-clock seconds", "実時間（秒）"),
    "notes": Text("Notes", "注記"),
    "seconds": Text("simulated seconds", "模擬時間（秒）"),
    "chart_aria": Text("{a}, {b} and {c} over time", "時間経過に伴う{a}・{b}・{c}"),
    "s_attempts": Text("sign-in attempts", "サインイン試行"),
    "s_blocked": Text("blocked by a defence", "防御が阻止"),
    "s_taken": Text("accounts taken over", "乗っ取られたアカウント"),
    "m_moves": Text("attacker moves", "攻撃者の操作"),
    "m_stopped": Text("stopped by a defence", "防御が阻止"),
    "m_won": Text("went the attacker's way", "攻撃者の思いどおり"),
    # The lines `qrpay attack` prints after the steps.
    "line_head": Text("{title} under {policy}: {outcome}", "{title}（{policy}）：{outcome}"),
    "line_loss": Text("yen lost: {yen:,}; accounts taken over: {takeovers}; alerts: {n} ({events})",
                      "被害額：{yen:,} 円／乗っ取られたアカウント：{takeovers}／警報：{n} 件（{events}）"),
    "line_stopped": Text("stopped by: {names}", "止めた防御：{names}"),
    "line_ledger": Text("ledger invariants: {ledger}", "台帳の不変条件：{ledger}"),
    "line_note": Text("note: {note}", "注記：{note}"),
    "line_report": Text("report: {path}", "報告書：{path}"),
}


def _t(key: str, lang: str, **params: object) -> str:
    return L[key].format(lang, **params)


def step_line(step: dict, lang: str = "en") -> str:
    """One step (`Step.to_json`) as a line: elapsed time, whether it went the attacker's way, who, what."""
    mark = {True: "!!", False: "ok", None: "  "}[step["attacker_gain"]]
    detail = step["detail"]
    return (f"[{step['elapsed']:8.1f}s] {mark} {ACTOR_TEXTS[Actor(step['actor'])].get(lang):<8} {step['result']}"
            + (f"  ({detail})" if detail else ""))


def summary_lines(out: dict, lang: str = "en") -> list[str]:
    """The run's summary from its JSON form (`ScenarioResult.to_json`, plus `report`: the HTML
    report's path when one was written)."""
    outcome = OUTCOME_TEXTS[Outcome(out["outcome"])]
    if out["blocked_by"]:
        outcome = filled(OUTCOME_BY, outcome=outcome, by=out["blocked_by"])
    events = ", ".join(sorted({str(a["event"]) for a in out["alerts"]})) or NONE_TEXT.get(lang)
    ledger = (L["hold"].get(lang) if out["ledger_ok"]
              else _t("violated_by", lang, problems="; ".join(out["check_problems"])))
    lines = [_t("line_head", lang, title=out["title"], policy=out["policy"], outcome=outcome.get(lang)),
             _t("line_loss", lang, yen=out["yen_lost"], takeovers=out["takeovers"], n=len(out["alerts"]),
                events=events),
             _t("line_stopped", lang, names=", ".join(out["stopped_by"]) or NONE_TEXT.get(lang)),
             _t("line_ledger", lang, ledger=ledger)]
    lines += [_t("line_note", lang, note=n) for n in out["notes"]]
    if out.get("report"):
        lines.append(_t("line_report", lang, path=out["report"]))
    return lines


def _row(cells: list[str], header: bool = False, cls: str | None = None) -> str:
    """One table row of `cells` (HTML, already escaped)."""
    tag = "th" if header else "td"
    return (f'<tr class="{cls}">' if cls else "<tr>") + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _table(head: str, lang: str, rows: Iterable[str]) -> str:
    """A table under the column names `L[head]`; `rows` are `_row`s."""
    return "<table>" + _head(head, lang) + "".join(rows) + "</table>"


def _head(key: str, lang: str) -> str:
    return _row([_e(c) for c in L[key].get(lang).split("|")], header=True)


_CSS = """
body{font-family:system-ui,"Noto Sans JP","Hiragino Sans",sans-serif;margin:2em auto;max-width:1100px;color:#1d2330;
 padding:0 1em;line-height:1.45}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #d8dde6;padding-bottom:.2em;margin-top:1.8em}
.sub{color:#5a6475}.badge{display:inline-block;padding:.15em .6em;border-radius:.4em;font-weight:700;color:#fff}
.p-2019{background:#b3261e}.p-hardened{background:#1f6f43}
.outcome{padding:1em 1.2em;border-radius:.6em;font-size:1.15em;margin:1em 0}
.o-blocked{background:#e3f4ea;border:2px solid #1f6f43}.o-succeeded{background:#fde7e5;border:2px solid #b3261e}
.big{font-size:1.6em;font-weight:800}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #d8dde6;padding:.3em .5em;
 vertical-align:top;text-align:left}th{background:#f2f4f8}
tr.gain td{background:#fdf0ef}tr.stop td{background:#eef8f2}
.sev-alert{color:#b3261e;font-weight:700}.sev-warning{color:#8a5a00}
pre{white-space:pre-wrap;margin:0;font-family:inherit}.kv td:first-child{width:16em;color:#5a6475}
svg text{font-family:system-ui,sans-serif;font-size:12px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _jst(t: float) -> str:
    return jst_text(t, seconds=True)


def chart_points(result: ScenarioResult, lang: str = "en") -> tuple[list[TimelinePoint], tuple[str, str, str]]:
    """The stuffing timeline, or for other scenarios one drawn from the steps (cumulative attacker
    moves / stopped by a defence / went the attacker's way). Returns points and series labels."""
    if result.timeline:
        return list(result.timeline), (_t("s_attempts", lang), _t("s_blocked", lang), _t("s_taken", lang))
    points = [TimelinePoint(0.0, 0, 0, 0)]
    tried = blocked = won = 0
    for s in result.steps:
        if s.attacker_gain is None:
            continue
        tried += 1
        if s.attacker_gain:
            won += 1
        else:
            blocked += 1
        points.append(TimelinePoint(s.elapsed, tried, blocked, won))
    return points, (_t("m_moves", lang), _t("m_stopped", lang), _t("m_won", lang))


def svg_chart(points: list[TimelinePoint], labels: tuple[str, str, str], *, width: int = 760,
              height: int = 280, lang: str = "en") -> str:
    """Three cumulative series as step lines over simulated seconds; an inline <svg>."""
    left, right, top, bottom = 56, 180, 16, 40
    pw, ph = width - left - right, height - top - bottom
    t_max = max((p.elapsed for p in points), default=0.0) or 1.0
    y_max = max((max(p.attempts, p.blocked, p.taken_over) for p in points), default=0) or 1

    def x(t: float) -> float:
        return left + pw * t / t_max

    def y(v: float) -> float:
        return top + ph - ph * v / y_max

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
           f'aria-label="{_e(_t("chart_aria", lang, a=labels[0], b=labels[1], c=labels[2]))}" class="chart">',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fbfcfe" stroke="#c9d0dc"/>']
    for i in range(6):
        v = y_max * i / 5
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e6e9ef"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{round(v):,}</text>')
        t = t_max * i / 5
        out.append(f'<text x="{x(t):.1f}" y="{top + ph + 16}" text-anchor="middle">{t:,.0f}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 6}" text-anchor="middle">{_e(_t("seconds", lang))}</text>')
    series = (("attempts", labels[0], "#4a6fa5"), ("blocked", labels[1], "#1f8a4c"),
              ("taken_over", labels[2], "#c62828"))
    for n, (attr, label, colour) in enumerate(series):
        coords = []
        prev = None
        for p in points:
            v = getattr(p, attr)
            if prev is not None:
                coords.append(f"{x(p.elapsed):.1f},{y(prev):.1f}")
            coords.append(f"{x(p.elapsed):.1f},{y(v):.1f}")
            prev = v
        out.append(f'<polyline class="series-{attr}" fill="none" stroke="{colour}" stroke-width="2.5" '
                   f'points="{" ".join(coords)}"/>')
        ly = top + 14 + n * 22
        out.append(f'<line x1="{left + pw + 12}" x2="{left + pw + 34}" y1="{ly}" y2="{ly}" stroke="{colour}" '
                   'stroke-width="3"/>')
        last = getattr(points[-1], attr) if points else 0
        out.append(f'<text x="{left + pw + 40}" y="{ly + 4}">{_e(label)} ({last:,})</text>')
    out.append("</svg>")
    return "".join(out)


def render_html(result: ScenarioResult, lang: str = "en") -> str:
    """The report in `lang` ("en" or "ja"): every sentence of the report, the steps and the notes
    follow it; names and ids (scenario, defences, audit events, e-mail addresses) stay as they are,
    and so do the messages the system sent (the victim's mailbox, quoted)."""
    from shared import defences

    lang = check_lang(lang)
    r = result
    blocked = r.outcome is Outcome.BLOCKED
    title = r.title_in(lang)
    sub = _t("sub", lang, name=f"<code>{_e(r.name)}</code>",
             policy=f'<span class="badge p-{_e(r.policy)}">{_e(r.policy)}</span>')
    if r.policy == "2019":
        sub += _e(_t("sub_2019", lang))
    elif r.defences_off:
        sub += _e(_t("sub_custom", lang, off=", ".join(r.defences_off)))
    sub += _e(_t("sub_tail", lang, start=_jst(r.started_at), end=_jst(r.finished_at),
                 secs=r.finished_at - r.started_at))
    ledger_word = _t("hold", lang) if r.ledger_ok else _t("violated", lang)
    by = r.blocked_by_in(lang)
    parts: list[str] = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_e(_t('title', lang, title=title))} ({_e(r.policy)})</title>", f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(_t('title', lang, title=title))}</h1>",
        f'<p class="sub">{sub}</p>',
        f'<div class="outcome o-{_e(r.outcome.value)}"><div class="big">'
        + _e(_t("blocked" if blocked else "succeeded", lang)) + "</div>"
        + (f"<div>{_e(_t('blocked_by', lang, by='{by}')).format(by=f'<b>{_e(by)}</b>')}</div>" if blocked and by
           else "")
        + "<div>" + _e(_t("summary", lang, yen="{yen}", takeovers="{takeovers}", alerts="{alerts}",
                           ledger="{ledger}")).format(yen=f"<b>{_e(format_yen(r.yen_lost))}</b>",
                                                      takeovers=f"<b>{r.takeovers}</b>",
                                                      alerts=f"<b>{len(r.alerts)}</b>",
                                                      ledger=f"<b>{_e(ledger_word)}</b>") + "</div>"
        + (f"<div>{_e(_t('stopped_by', lang, names=', '.join(r.stopped_by)))}</div>" if r.stopped_by else "")
        + "</div>",
    ]
    if r.check_problems:
        parts.append(f"<h2>{_e(_t('integrity', lang))}</h2><ul>"
                     + "".join(f"<li>{_e(p)}</li>" for p in r.check_problems) + "</ul>")

    points, labels = chart_points(r, lang)
    parts.append(f"<h2>{_e(_t('over_time', lang))}</h2>" + svg_chart(points, labels, lang=lang))

    parts.append(f"<h2>{_e(_t('timeline', lang))}</h2>" + _table("th_steps", lang, (
        _row([f"{s.elapsed:,.1f}", _e(_jst(s.at)), _e(ACTOR_TEXTS[s.actor].get(lang)), _e(s.action),
              _e(s.result_in(lang)), _e(s.detail_in(lang)), _e(s.defence or "")],
             cls=None if s.attacker_gain is None else ("gain" if s.attacker_gain else "stop"))
        for s in r.steps)))

    parts.append(f"<h2>{_e(_t('alerts', lang, n=len(r.alerts)))}</h2>")
    parts.append(_audit_table(r.alerts, lang) if r.alerts else f"<p>{_e(_t('no_alert', lang))}</p>")

    parts.append(f"<h2>{_e(_t('audit', lang, n=r.audit_total))}</h2>"
                 + _table("th_counts", lang, (_row([_e(ev), f"{n:,}"]) for ev, n in r.audit_counts)))
    if r.audit:
        shown = r.audit[:AUDIT_ROWS_SHOWN]
        parts.append(f"<p>{_e(_t('newest', lang, n=len(shown)))}</p>" + _audit_table(shown, lang))

    parts.append(f"<h2>{_e(_t('victim', lang))}</h2>")
    if r.victim.balances:
        parts.append(_table("th_balances", lang, (
            _row([_e(b.email), format_yen(b.before), format_yen(b.after), format_yen(b.after - b.before, signed=True)])
            for b in r.victim.balances)))
    more = r.victim.messages_total > len(r.victim.messages)
    parts.append(f"<p>{_e(_t('messages', lang, n=r.victim.messages_total))}"
                 + (_e(_t("messages_some", lang, n=len(r.victim.messages))) if more else "")
                 + (_e(_t("messages_note", lang)) if r.victim.messages else "") + ("。" if lang == "ja" else ".")
                 + "</p>")
    if r.victim.messages:
        parts.append(_table("th_messages", lang, (
            _row([_e(_jst(m.sent_at)), _e(m.to), _e(m.subject_in(lang)), f"<pre>{_e(m.body_in(lang))}</pre>"])
            for m in r.victim.messages)))

    parts.append(f"<h2>{_e(_t('defences', lang))}</h2>")
    shown_names = list(r.defences) + [n for n in defences.NAMES if n in r.stopped_by and n not in r.defences]
    if shown_names:
        parts.append(_table("th_defences", lang, (
            _row([f"<b>{_e(d.title.get(lang))}</b><br><code>{_e(d.name)}</code>",
                  _e(_t("off" if d.name in r.defences_off else "on", lang)),
                  _e(_t("yes" if d.name in r.stopped_by else "no", lang)),
                  _e(d.stops.get(lang)), _e(d.guideline), "<br>".join(f"<code>{_e(w)}</code>" for w in d.where)])
            for d in (defences.DEFENCES[name] for name in shown_names))))
    if r.defences:
        parts.append(f"<p>{_e(_t('stopping', lang))}</p>")
    else:
        parts.append(f"<p>{_e(_t('always_on', lang))}</p>")
    if r.policy == "2019":
        parts.append(f"<p>{_e(_t('meti', lang))}</p>")

    parts.append(f'<h2>{_e(_t("run", lang))}</h2><table class="kv">'
                 + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in r.sizes)
                 + f"<tr><td>{_e(_t('sim_start', lang))}</td><td>{_e(to_iso(r.started_at))}</td></tr>"
                 f"<tr><td>{_e(_t('wall', lang))}</td><td>{r.wall_seconds:,.2f}</td></tr></table>")
    notes = r.notes_in(lang)
    if notes:
        parts.append(f"<h2>{_e(_t('notes', lang))}</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _audit_table(rows, lang: str = "en") -> str:
    out = ["<table>" + _head("th_audit", lang)]
    for a in rows:
        details = ", ".join(f"{k}={v}" for k, v in sorted(a.details.items()))
        out.append(f'<tr><td>{a.id}</td><td>{_e(_jst(a.at))}</td><td>{_e(a.event)}</td>'
                   f'<td class="sev-{_e(a.severity)}">{_e(a.severity)}</td><td>{_e(a.customer_id or "")}</td>'
                   f"<td>{_e(details)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def write_html(result: ScenarioResult, path: str | os.PathLike[str], lang: str = "en") -> Path:
    """Write the report (UTF-8) in `lang` atomically: a half-written report never replaces a good one."""
    path = Path(path)
    text = render_html(result, lang)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
