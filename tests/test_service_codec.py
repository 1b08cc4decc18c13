"""The wire codec: records and errors survive JSON unchanged; bad JSON never becomes a record."""
from __future__ import annotations

import json

import pytest

from shared import errors
from shared.audit import AuditRow, AuditVerdict, Problem
from shared.audit_events import AuditEvent
from shared.codes import CodeStatus, IssuedCode
from shared.receipts import Receipt, RefundRef
from shared.reports import Report, ReportKind
from shared.sales import CartLine, EntryMethod, RateTotal, Sale
from shared.service.codec import WireError, decode, decode_error, encode, encode_error
from shared.sessions import Session


def _wire(value):
    return json.loads(json.dumps(encode(value)))


def _sale() -> Sale:
    line = CartLine(**{f: v for f, v in zip(CartLine.__dataclass_fields__, _cart_line_values())})
    return Sale("s-1", "R-0001", "T1", 1, 2, 3, 330, (line,), (RateTotal(10, 330, 30), RateTotal(8, 0, 0)),
                1.5e9, "2026-12-01", EntryMethod.CAMERA)


def _cart_line_values():
    import typing
    hints = typing.get_type_hints(CartLine)
    sample = {int: 1, str: "4901234567894", float: 1.0}
    return [sample.get(hints[f], 1) for f in CartLine.__dataclass_fields__]


def test_records_round_trip_through_json():
    from shared.codes import CodeState
    records = [
        (Sale, _sale()),
        (Session, Session("tok", 1, 2, "phone", 1.0, 2.0, None)),
        (IssuedCode, IssuedCode("QRP1...", "12345678901234567890", "abcd", 10, 70, 3, None)),
        (CodeStatus, CodeStatus(CodeState.PAID, "s-1", 330, "Shop", None, 12.5)),
        (AuditRow, AuditRow(1, 2.0, AuditEvent.POLICY_CHANGED, "alert", None, "trainer", {"old": "hardened"})),
        (AuditVerdict, AuditVerdict(False, 3, 2, "bad", "chain", (Problem("chain", "m", 2),), notes=("n",))),
        (Report, Report(ReportKind.X, "T1", "2026-12-01", 1, 330, (RateTotal(10, 330, 30),), 0, 0, (), 330, 330, 5.0)),
        (Receipt, Receipt("s-1", "R-1", "店", "Shop", "T123", "addr", "T1", "Aki", 1.0, _sale().lines,
                          _sale().by_rate, 330, "QR", "****1234",
                          (RefundRef("r1", 2.0, 110, (("4901234567894", 1, 110),), (RateTotal(10, 110, 10),)),))),
    ]
    for tp, rec in records:
        back = decode(tp, _wire(rec))
        assert back == rec and type(back) is tp
        assert encode(back) == encode(rec)
    assert type(decode(Sale, _wire(_sale())).entry_method) is EntryMethod
    assert decode(AuditRow, _wire(records[4][1])).event is AuditEvent.POLICY_CHANGED


@pytest.mark.parametrize("mutate", [
    lambda d: d.update(total=True),            # a bool is not yen
    lambda d: d.update(total=330.0),           # nor a float
    lambda d: d.update(total="330"),           # nor a string
    lambda d: d.update(extra=1),               # unknown field
    lambda d: d.pop("receipt_no"),             # missing required field
    lambda d: d.update(entry_method="telepathy"),
    lambda d: d.update(lines={}),
    lambda d: d["by_rate"][0].update(rate=None),
])
def test_bad_json_never_becomes_a_record(mutate):
    d = _wire(_sale())
    mutate(d)
    with pytest.raises(WireError) as e:
        decode(Sale, d)
    assert e.value.code == "bad_wire" and isinstance(e.value, errors.InputError)


def test_non_finite_numbers_are_not_sent():
    with pytest.raises(WireError):
        encode(float("nan"))
    with pytest.raises(TypeError):
        encode(object())


@pytest.mark.parametrize("cls", errors.error_classes(), ids=lambda c: c.__name__)
def test_every_error_class_round_trips(cls):
    exc = cls("Try again later.", code="expired" if cls is errors.CodeRefused else None, retry_after=3.5)
    back = decode_error(json.loads(json.dumps(encode_error(exc))))
    assert type(back) is cls
    assert (back.code, back.message, back.details) == (exc.code, exc.message, {"retry_after": 3.5})
    with pytest.raises(cls):
        raise back


def test_unknown_error_type_falls_back_on_the_code():
    back = decode_error({"error": {"code": "throttled", "message": "m", "type": "NoSuchClass"}})
    assert type(back) is errors.Throttled
    back = decode_error({"error": {"code": "never_heard_of_it", "message": "m"}})
    assert type(back) is errors.QrpayError and back.code == "never_heard_of_it"
    for bad in ({}, {"error": "x"}, {"error": {"code": 1, "message": "m"}}, [], None):
        with pytest.raises(WireError):
            decode_error(bad)


def test_nothing_in_the_core_imports_the_service():
    """shared/service sits on top of the core (like the CLI, and the web wallet it serves): no core module,
    attack or store imports it. The client (shared/remote) shares the wire format only: shared.service.codec,
    never the server."""
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "shared"
    offenders = []
    for f in root.rglob("*.py"):
        rel = f.relative_to(root).parts
        if rel[0] in ("service", "cli", "web_wallet"):
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            allowed = ("shared.service.codec",) if rel[0] == "remote" else ()
            offenders += [f"{f}: {n}" for n in names
                          if (n == "shared.service" or n.startswith("shared.service.")) and n not in allowed]
    assert offenders == []
    assert "shared.service" not in (root / "core.py").read_text(encoding="utf-8")
