"""The code-status event stream: `codes.status` and `wallet.change_counter()` through the server are fed by
`GET W/me/codes/{nonce}/events` (server-sent events), one thread per code being watched."""
from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING

import httpx

from shared.clock import SystemClock
from shared.codes import CodeState, CodeStatus
from shared.errors import QrpayError
from shared.remote.base import path_part
from shared.service.codec import decode

if TYPE_CHECKING:
    from shared.remote.core import RemoteCore

log = logging.getLogger(__name__)

BALANCE_REFRESH = 2.0    # seconds between two balance reads behind change_counter (refunds have no stream)
FINAL_STATES = {CodeState.PAID, CodeState.REFUSED, CodeState.EXPIRED, CodeState.SUPERSEDED}


class CodeEvents:
    """One thread per code being watched, reading `GET W/me/codes/{nonce}/events` (server-sent events);
    the latest CodeStatus of each, and a counter that moves on every event (and when a watched
    customer's balance moves: refunds have no stream)."""

    def __init__(self, rc: "RemoteCore") -> None:
        self._rc = rc
        self._lock = threading.Lock()
        self._latest: dict[str, CodeStatus] = {}
        self._live: dict[str, threading.Thread] = {}
        self._counter = 0
        self._balance_seen: dict[int, int] = {}
        self._balance_at = float("-inf")
        self._closed = threading.Event()

    def latest(self, token: str, nonce: str) -> CodeStatus | None:
        with self._lock:
            live = nonce in self._live
            status = self._latest.get(nonce)
        if status is not None and (live or status.state in FINAL_STATES):
            return status
        return None   # no stream (it broke, or never opened): the caller asks the server

    def watch(self, token: str, nonce: str) -> None:
        with self._lock:
            if nonce in self._live or self._closed.is_set():
                return
            t = threading.Thread(target=self._follow, args=(token, nonce), daemon=True, name=f"code-events-{nonce[:8]}")
            self._live[nonce] = t
        t.start()

    def _follow(self, token: str, nonce: str) -> None:
        rc = self._rc
        try:
            with rc.transport.client().stream("GET", rc.world_path(f"me/codes/{path_part(nonce)}/events"),
                                              headers={**rc.transport.headers(token=token),
                                                       "Accept": "text/event-stream"},
                                              timeout=httpx.Timeout(None, connect=rc.transport.connect_timeout)) as r:
                if r.status_code != 200:
                    log.warning("event stream for a code refused: HTTP %s", r.status_code)
                    return
                rc.transport.note_reached()
                data: list[str] = []
                event = "message"
                for line in r.iter_lines():
                    if self._closed.is_set():
                        return
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif line == "" and data:
                        body, data, kind, event = json.loads("\n".join(data)), [], event, "message"
                        if kind == "error":      # the session ended, the world was reset: ask again by GET
                            log.info("event stream for a code refused: %s", body.get("error", {}).get("code"))
                            return
                        status = decode(CodeStatus, body)
                        with self._lock:
                            self._latest[nonce] = status
                            self._counter += 1
                        if status.state in FINAL_STATES:
                            return
        except (httpx.HTTPError, OSError, ValueError, QrpayError) as e:
            if not self._closed.is_set():
                log.warning("event stream for a code ended: %s", type(e).__name__)
                if isinstance(e, (httpx.TransportError, OSError)):
                    rc.transport.note_lost()
        finally:
            with self._lock:
                self._live.pop(nonce, None)

    def change_counter(self) -> int:
        rc = self._rc
        now = SystemClock().now()
        if now - self._balance_at >= BALANCE_REFRESH:
            self._balance_at = now
            for cid, token in rc.known_sessions():
                try:
                    balance = rc.wallet.balance(cid)
                except QrpayError:
                    continue
                with self._lock:
                    if self._balance_seen.get(cid, balance) != balance:
                        self._counter += 1
                    self._balance_seen[cid] = balance
        with self._lock:
            return self._counter

    def close(self) -> None:
        self._closed.set()
