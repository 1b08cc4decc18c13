"""An attack run as a self-contained HTML incident report (no scripts, no external files).

    report.write_html(result, "incident.html")

Sections: the outcome (blocked by which defence, or succeeded with yen lost), a chart of attempts /
blocked / taken over over simulated time (inline SVG), the timeline of steps, the alerts and
audit rows the run wrote, what the victims saw (balances before/after, their mailbox), and which
guideline each defence answers (the `GUIDELINES` table below).
"""
from __future__ import annotations

import html
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from shared.attacks.base import Outcome, ScenarioResult, TimelinePoint
from shared.clock import to_iso

JST = timezone(timedelta(hours=9), "JST")
AUDIT_ROWS_SHOWN = 150

# defence key -> (what it is, the standard it answers: NIST SP 800-63B, OWASP ASVS / cheat sheets ...).
GUIDELINES: dict[str, tuple[str, str]] = {
    "passwords": ("Passwords: min 8 characters (with MFA), at least 64 accepted, no truncation, no composition "
                  "rules, common/breached passwords rejected with the reason shown",
                  "NIST SP 800-63B §5.1.1.2 (rev 4 §3.1.1.2); OWASP ASVS 5.0 6.2"),
    "password_storage": ("Password storage: Argon2id with per-user salt; the password never appears in the database",
                         "ASVS 4.0.3 2.4; OWASP Password Storage cheat sheet"),
    "throttling": ("Throttling: per-account consecutive-failure limit (≤ 100/hour) with growing delays, plus a "
                   "global/per-source counter that detects stuffing across many accounts",
                   "NIST 800-63B §5.2.2; OWASP Credential Stuffing cheat sheet"),
    "totp": ("TOTP second factor: RFC 6238, 30 s step, 6 digits, 160-bit secret; each code accepted once",
             "RFC 6238 §5.2; NIST 800-63B §5.1.5.2; ASVS 2.8.4"),
    "enrolment": ("Enrolment by a standard otpauth:// URI; single-use recovery codes, stored hashed",
                  "Google Authenticator key-URI format"),
    "reset": ("Password reset: code sent only to the address of record, single use, ≤ 10 min, still needs the "
              "second factor, identical replies for unknown accounts, sessions and payment codes revoked afterwards",
              "NIST 800-63B §6.1.2.3; ASVS 5.0 6.4; OWASP Forgot Password cheat sheet"),
    "credential_change": ("Changing a credential (password, TOTP binding, notification address, top-up "
                          "authorisation) needs a fresh second-factor check and notifies the address of record",
                          "ASVS 5.0 7.5.1"),
    "id_token": ("ID-token verification: signature, issuer, audience, nonce and expiry of the SNS's ID token; "
                 "authorization code with PKCE; accounts linked by the provider's subject, never by e-mail alone",
                 "OpenID Connect Core 1.0 §3.1.3.7; RFC 7636; RFC 9700; NIST SP 800-63C"),
    "session": ("Session: idle and absolute timeouts; the payment code is shown only after a recent "
                "second-factor check", "NIST 800-63B §4.2.3; ASVS 5.0 7.5.3"),
    "payment_code": ("Payment code: signed (Ed25519), 128-bit nonce, issue time, expiry ≤ 60 s, no personal data, "
                     "redeemed at most once; any tampering or wrong key rejected",
                     "EMVCo QR Consumer-Presented Mode; RFC 7519 jti; Bai et al., USENIX Security 2017"),
    "limits_velocity": ("Limits and velocity: per-transaction, daily and per-minute caps on top-ups and payments; "
                        "alerts", "Payments Japan code-payment guideline; ASVS 11.1"),
    "ledger": ("Ledger: integer yen, double entry, no negative wallet, append-only, idempotent sale ids",
               "TigerBeetle safety docs; beancount"),
    "storage": ("Storage: SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE for writes; no half-sale",
                "SQLite \"How SQLite Is Tested\""),
    "audit": ("Audit: every security event writes one row to a hash-chained log whose tampering is detected",
              "ASVS 11.1.7–8"),
}

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
    return datetime.fromtimestamp(t, tz=JST).strftime("%Y-%m-%d %H:%M:%S JST")


def _yen(n: int) -> str:
    return f"¥{n:,}"


def chart_points(result: ScenarioResult) -> tuple[list[TimelinePoint], tuple[str, str, str]]:
    """The stuffing timeline, or for other scenarios one drawn from the steps (cumulative attacker
    moves / stopped by a defence / went the attacker's way). Returns points and series labels."""
    if result.timeline:
        return list(result.timeline), ("sign-in attempts", "blocked by a defence", "accounts taken over")
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
    return points, ("attacker moves", "stopped by a defence", "went the attacker's way")


def svg_chart(points: list[TimelinePoint], labels: tuple[str, str, str], *, width: int = 760,
              height: int = 280) -> str:
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
           f'aria-label="{_e(labels[0])}, {_e(labels[1])} and {_e(labels[2])} over time" class="chart">',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fbfcfe" stroke="#c9d0dc"/>']
    for i in range(6):
        v = y_max * i / 5
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e6e9ef"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{round(v):,}</text>')
        t = t_max * i / 5
        out.append(f'<text x="{x(t):.1f}" y="{top + ph + 16}" text-anchor="middle">{t:,.0f}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 6}" text-anchor="middle">simulated seconds</text>')
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


def render_html(result: ScenarioResult) -> str:
    r = result
    blocked = r.outcome is Outcome.BLOCKED
    parts: list[str] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Incident report: {_e(r.title)} ({_e(r.policy)})</title>", f"<style>{_CSS}</style></head><body>",
        f"<h1>Incident report: {_e(r.title)}</h1>",
        f'<p class="sub">Scenario <code>{_e(r.name)}</code> under the '
        f'<span class="badge p-{_e(r.policy)}">{_e(r.policy)}</span> policy'
        + (" (7pay's launch settings: insecure, for training only)" if r.policy == "2019" else "")
        + f" · simulated {_e(_jst(r.started_at))} – {_e(_jst(r.finished_at))} "
        f"({r.finished_at - r.started_at:,.0f} s) · qrpay-sim training lab</p>",
        f'<div class="outcome o-{_e(r.outcome.value)}"><div class="big">'
        + ("BLOCKED" if blocked else "ATTACK SUCCEEDED") + "</div>"
        + (f"<div>Blocked by: <b>{_e(r.blocked_by)}</b></div>" if blocked and r.blocked_by else "")
        + f"<div>Yen lost: <b>{_e(_yen(r.yen_lost))}</b> · accounts taken over: <b>{r.takeovers}</b> · "
        f"alerts raised: <b>{len(r.alerts)}</b> · ledger invariants: <b>{'hold' if r.ledger_ok else 'VIOLATED'}"
        "</b></div></div>",
    ]
    if r.check_problems:
        parts.append("<h2>Integrity problems</h2><ul>" + "".join(f"<li>{_e(p)}</li>" for p in r.check_problems)
                     + "</ul>")

    points, labels = chart_points(r)
    parts.append("<h2>Over time</h2>" + svg_chart(points, labels))

    parts.append("<h2>Timeline</h2><table><tr><th>t (s)</th><th>time</th><th>who</th><th>action</th>"
                 "<th>result</th><th>detail</th></tr>")
    for s in r.steps:
        cls = "" if s.attacker_gain is None else (' class="gain"' if s.attacker_gain else ' class="stop"')
        parts.append(f"<tr{cls}><td>{s.elapsed:,.1f}</td><td>{_e(_jst(s.at))}</td><td>{_e(s.actor.value)}</td>"
                     f"<td>{_e(s.action)}</td><td>{_e(s.result)}</td><td>{_e(s.detail)}</td></tr>")
    parts.append("</table>")

    parts.append(f"<h2>Alerts ({len(r.alerts)})</h2>")
    if r.alerts:
        parts.append(_audit_table(r.alerts))
    else:
        parts.append("<p>No alert was raised.</p>")

    parts.append(f"<h2>Audit log ({r.audit_total:,} rows written by this run)</h2><table><tr><th>event</th>"
                 "<th>rows</th></tr>" + "".join(f"<tr><td>{_e(ev)}</td><td>{n:,}</td></tr>"
                                                 for ev, n in r.audit_counts) + "</table>")
    if r.audit:
        shown = r.audit[:AUDIT_ROWS_SHOWN]
        parts.append(f"<p>The newest {len(shown)} rows:</p>" + _audit_table(shown))

    parts.append("<h2>What the victim saw</h2>")
    if r.victim.balances:
        parts.append("<table><tr><th>customer</th><th>balance before</th><th>after</th><th>change</th></tr>")
        for b in r.victim.balances:
            parts.append(f"<tr><td>{_e(b.email)}</td><td>{_yen(b.before)}</td><td>{_yen(b.after)}</td>"
                         f"<td>{_yen(b.after - b.before)}</td></tr>")
        parts.append("</table>")
    parts.append(f"<p>{r.victim.messages_total} message(s) arrived during the run"
                 + (f"; the newest {len(r.victim.messages)} are shown" if r.victim.messages_total > len(r.victim.messages)
                    else "") + ".</p>")
    if r.victim.messages:
        parts.append("<table><tr><th>time</th><th>to</th><th>subject</th><th>message</th></tr>")
        for m in r.victim.messages:
            parts.append(f"<tr><td>{_e(_jst(m.sent_at))}</td><td>{_e(m.to)}</td><td>{_e(m.subject)}</td>"
                         f"<td><pre>{_e(m.body)}</pre></td></tr>")
        parts.append("</table>")

    parts.append("<h2>Defences and the guidelines they answer</h2><table><tr><th>defence</th><th>guideline</th>"
                 "</tr>")
    for key in r.defences:
        what, anchor = GUIDELINES.get(key, (key, ""))
        parts.append(f"<tr><td>{_e(what)}</td><td>{_e(anchor)}</td></tr>")
    parts.append("</table>")
    if r.policy == "2019":
        parts.append("<p>Under the 2019 preset these defences were switched off as 7pay launched without them; METI "
                     "found the launch broke the code-payment guideline on device/identity binding and on "
                     "transaction verification and fraud monitoring.</p>")

    parts.append('<h2>Run</h2><table class="kv">'
                 + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in r.sizes)
                 + f"<tr><td>simulated start (UTC)</td><td>{_e(to_iso(r.started_at))}</td></tr>"
                 f"<tr><td>wall-clock seconds</td><td>{r.wall_seconds:,.2f}</td></tr></table>")
    if r.notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in r.notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _audit_table(rows) -> str:
    out = ["<table><tr><th>#</th><th>time</th><th>event</th><th>severity</th><th>customer</th><th>details</th></tr>"]
    for a in rows:
        details = ", ".join(f"{k}={v}" for k, v in sorted(a.details.items()))
        out.append(f'<tr><td>{a.id}</td><td>{_e(_jst(a.at))}</td><td>{_e(a.event)}</td>'
                   f'<td class="sev-{_e(a.severity)}">{_e(a.severity)}</td><td>{_e(a.customer_id or "")}</td>'
                   f"<td>{_e(details)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def write_html(result: ScenarioResult, path: str | os.PathLike[str]) -> Path:
    """Write the report (UTF-8) atomically: a half-written report never replaces a good one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_html(result), encoding="utf-8")
    os.replace(tmp, path)
    return path
