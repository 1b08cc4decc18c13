"""The till's path for the browser tests: a world seeded with the demo shop, terminal T1 keyed, a clerk's shift,
and sales paid with a scanned code through the JSON API's till routes (what a till on a classroom server does)."""
from __future__ import annotations

import secrets

import httpx


class Till:
    def __init__(self, server, world: str) -> None:
        self.api = f"{server.url}/worlds/{world}"
        admin = {"Authorization": f"Bearer {server.token}"}
        r = httpx.post(f"{self.api}/seed-demo", headers=admin, timeout=120)
        r.raise_for_status()
        self.demo = r.json()
        r = httpx.post(f"{self.api}/terminals/T1/key", headers=admin, timeout=30)
        r.raise_for_status()
        clerk = next(s for s in self.demo["staff"] if s["role"] == "clerk")
        r = httpx.post(f"{self.api}/shifts", headers={"X-Terminal-Key": r.json()["key"]}, timeout=60,
                       json={"terminal_id": "T1", "clerk_id": clerk["id"], "pin": clerk["pin"]})
        r.raise_for_status()
        self.shift = {"Authorization": f"Bearer {r.json()['token']}"}
        self.item = self.demo["items"][0]

    def pay(self, code_text: str, qty: int = 1, *, sale_id: str | None = None) -> httpx.Response:
        """The clerk scans `code_text` for `qty` of the first item: 200 with the sale, or the refusal."""
        return httpx.post(f"{self.api}/till/sales", headers=self.shift, timeout=60,
                          json={"sale_id": sale_id or f"web-{secrets.token_hex(6)}", "code": code_text,
                                "lines": [[self.item["jan"], qty]]})
