"""The customer's side through the server: `core.wallet`, `core.topups` and `core.codes` (a code's status is
read from its event stream, shared/remote/events.py, once one is open)."""
from __future__ import annotations

from typing import Any

from shared.codes import CodeStatus, IssuedCode
from shared.remote.base import RemoteService, not_over_server, path_part
from shared.remote.events import FINAL_STATES
from shared.topups import TopUp, TopUpLimits
from shared.wallet import HistoryEntry


class RemoteWallet(RemoteService):
    def balance(self, customer_id: int) -> int:
        out = self._call("GET", "me/balance", token=self._rc.need_token(customer_id))
        return int(out["balance"])

    def history(self, customer_id: int, limit: int = 100) -> list[HistoryEntry]:
        return self._call("GET", "me/history", token=self._rc.need_token(customer_id), params={"limit": limit},
                          returns=list[HistoryEntry])

    def change_counter(self) -> int:
        return self._rc.events.change_counter()

    def freeze(self, customer_id: int, *, supervisor_id: int, pin: str, reason: str = "") -> None:
        self._call("POST", f"customers/{path_part(customer_id)}/freeze", admin=True,
                   json={"supervisor_id": supervisor_id, "pin": pin, "reason": reason})

    def unfreeze(self, customer_id: int, *, supervisor_id: int, pin: str, reason: str = "") -> None:
        self._call("POST", f"customers/{path_part(customer_id)}/unfreeze", admin=True,
                   json={"supervisor_id": supervisor_id, "pin": pin, "reason": reason})


class RemoteTopUps(RemoteService):
    def top_up(self, token: str, amount: int, card_number: str, *, totp: str | None = None,
               topup_password: str | None = None, idempotency_key: str | None = None) -> TopUp:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("yen are int")
        return self._call("POST", "me/top-ups", token=token, returns=TopUp,
                          json={"amount": amount, "card_number": card_number, "totp": totp,
                                "topup_password": topup_password, "idempotency_key": idempotency_key})

    def limits(self, token: str) -> TopUpLimits:
        return self._call("GET", "me/top-up-limits", token=token, returns=TopUpLimits)

    def set_topup_password(self, token: str, new: str, *, totp: str | None = None) -> None:
        self._call("POST", "me/top-up-password", token=token, json={"new": new, "totp": totp})

    def has_topup_password(self, token: str) -> bool:
        raise not_over_server("The 2019 top-up password")


class RemoteCodes(RemoteService):
    def ensure_issuer_key(self) -> str:
        return ""   # the server keeps the issuer key; nothing to do on a client

    def issue(self, token: str, *, totp: str | None = None, amount_cap: int | None = None) -> IssuedCode:
        issued = self._call("POST", "me/codes", token=token, json={"totp": totp, "amount_cap": amount_cap},
                            returns=IssuedCode)
        self._rc.events.watch(token, issued.nonce)
        return issued

    def status(self, token: str, nonce: str) -> CodeStatus:
        seen = self._rc.events.latest(token, nonce)
        if seen is not None:
            return seen
        status = self._call("GET", f"me/codes/{path_part(nonce)}", token=token, returns=CodeStatus)
        if status.state not in FINAL_STATES:
            self._rc.events.watch(token, nonce)
        return status

    def inspect(self, text: str | bytes) -> dict[str, Any]:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return self._call("POST", "till/codes/inspect", till=True, json={"text": text}, returns=dict[str, Any])
