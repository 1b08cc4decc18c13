"""`qrpay seed-demo | catalog | pay | refund | receipt | report`: the till's side of the core.

PINs are read from stdin only (`--pin-stdin`), never from the command line where `ps` shows them.
"""
from __future__ import annotations

import secrets

from shared.clock import to_iso
from shared.errors import InputError
from shared.receipts import render_text


def register(sub, common) -> None:
    p = sub.add_parser("seed-demo", parents=[common],
                       help="a demo store, terminals, ~30 items, staff and three customers (prints credentials)")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("catalog", parents=[common], help="the store's items")
    cs = p.add_subparsers(dest="action", required=True)
    q = cs.add_parser("list", parents=[common], help="every item (or those matching --search)")
    q.add_argument("--search", metavar="TEXT")
    q.set_defaults(func=cmd_catalog_list)
    cs.add_parser("store", parents=[common], help="the store and its terminals").set_defaults(func=cmd_catalog_store)

    p = sub.add_parser("pay", parents=[common], help="take a payment with a customer's code (clerk PIN on stdin)")
    p.add_argument("--terminal", required=True, metavar="T")
    p.add_argument("--clerk", required=True, type=int, metavar="ID")
    p.add_argument("--pin-stdin", action="store_true", required=True)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--code", metavar="CODE", help="the QR code's text")
    src.add_argument("--numeric", metavar="DIGITS", help="the 20-digit number under the QR")
    src.add_argument("--image", metavar="FILE", help="a picture of the QR code")
    p.add_argument("--items", required=True, metavar="JAN:QTY[,JAN:QTY...]")
    p.add_argument("--sale-id", metavar="ID", help="the till's id for this sale (a retry with it charges once)")
    p.add_argument("--entry", choices=["camera", "screen", "keyed"], metavar="camera|screen|keyed",
                   help="how the code came in (default: keyed; camera with --image)")
    p.set_defaults(func=cmd_pay)

    p = sub.add_parser("quote", parents=[common], help="totals and tax of a cart, without paying")
    p.add_argument("--items", required=True, metavar="JAN:QTY[,JAN:QTY...]")
    p.set_defaults(func=cmd_quote)

    p = sub.add_parser("refund", parents=[common], help="refund a sale, in full or by line (supervisor PIN on stdin)")
    p.add_argument("--sale", required=True, metavar="ID")
    p.add_argument("--lines", metavar="JAN:QTY[,JAN:QTY...]", help="default: everything not refunded yet")
    p.add_argument("--supervisor", required=True, type=int, metavar="ID")
    p.add_argument("--pin-stdin", action="store_true", required=True)
    p.add_argument("--refund-id", metavar="K", help="the same id again returns the first refund")
    p.add_argument("--terminal", metavar="T", help="book it on this terminal (default: the sale's)")
    p.set_defaults(func=cmd_refund)

    p = sub.add_parser("receipt", parents=[common], help="a sale's receipt (by sale id or receipt number)")
    p.add_argument("ref", metavar="SALE_OR_NO")
    p.set_defaults(func=cmd_receipt)

    p = sub.add_parser("journal", parents=[common], help="a terminal's sales of one business day")
    p.add_argument("--terminal", required=True, metavar="T")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_journal)

    p = sub.add_parser("report", parents=[common], help="X (running) or Z (close) report of a terminal's day")
    p.add_argument("kind", choices=["x", "z", "z-get"], help="z closes the day; z-get reprints a closed day")
    p.add_argument("--terminal", required=True, metavar="T")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="business day in Japan time")
    p.add_argument("--supervisor-id", "--supervisor", dest="supervisor_id", type=int, metavar="ID",
                   help="z: the approving supervisor")
    p.add_argument("--pin-stdin", action="store_true", help="z: read the supervisor's PIN from stdin")
    p.set_defaults(func=cmd_report)


def parse_items(text: str) -> list[tuple[str, int]]:
    """"JAN:QTY,JAN:QTY" → [(jan, qty), ...]; a JAN without ":QTY" counts one."""
    if not isinstance(text, str) or not text.strip() or len(text) > 4000:
        raise InputError("Give the items as JAN:QTY[,JAN:QTY...].")
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        jan, _, qty = part.partition(":")
        qty = qty.strip() or "1"
        if not qty.isascii() or not qty.isdigit() or len(qty) > 3:
            raise InputError(f"{part[:30]!r}: the quantity after ':' must be a whole number.")
        out.append((jan.strip(), int(qty)))
    if not out:
        raise InputError("Give at least one item as JAN:QTY.")
    return out


def _pin() -> str:
    from shared.cli.main import read_secret_stdin
    return read_secret_stdin("PIN")


def _decode_image(path: str) -> str:
    import cv2

    img = cv2.imread(path)
    if img is None:
        raise InputError(f"Cannot read an image from {path}.")
    try:
        from shared.scanning.decoders import decoder_named
    except ImportError:  # the scanning package is optional for this command
        import zxingcpp
        found = [r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
    else:
        found = [d.text for d in decoder_named("cascade").decode_still(img) if d.symbology == "QRCode"]
    if not found:
        raise InputError(f"No QR code could be read in {path}.", code="no_code_found")
    if len(set(found)) > 1:
        raise InputError(f"{path} shows more than one QR code; crop it to the customer's code.", code="several_codes")
    return found[0]


def _totals_json(totals) -> dict:
    return {"total": totals.total, "tax": totals.tax_by_rate(),
            "by_rate": [{"rate": r.rate, "taxable_incl": r.taxable_incl, "tax": r.tax} for r in totals.by_rate],
            "lines": [{"jan": l.jan, "name_ja": l.name_ja, "name_en": l.name_en, "unit_price": l.unit_price,
                       "qty": l.qty, "amount": l.amount, "tax_rate": l.tax_rate, "reduced": l.reduced}
                      for l in totals.lines]}


def cmd_seed_demo(core, args) -> dict:
    from shared.demo_data import seed_demo
    return seed_demo(core)


def _item_json(i) -> dict:
    return {"jan": i.jan, "name_ja": i.name_ja, "name_en": i.name_en, "price": i.price, "tax_rate": i.tax_rate}


def cmd_catalog_list(core, args) -> dict:
    items = core.catalog.search(args.search) if args.search else core.catalog.items()
    return {"items": [_item_json(i) for i in items]}


def cmd_catalog_store(core, args) -> dict:
    s = core.catalog.store()
    return {"store": {"id": s.id, "name_ja": s.name_ja, "name_en": s.name_en, "registration_no": s.registration_no,
                      "address": s.address},
            "terminals": [{"id": t.id, "name": t.name} for t in core.catalog.terminals()]}


def cmd_quote(core, args) -> dict:
    return _totals_json(core.sales.quote(parse_items(args.items)))


def cmd_pay(core, args) -> dict:
    lines = parse_items(args.items)
    pin = _pin()
    clerk = core.staff.verify(args.clerk, pin)
    if args.image:
        code = _decode_image(args.image)
    else:
        code = args.code if args.code is not None else args.numeric
    sale_id = args.sale_id or f"S{secrets.token_hex(8)}"
    # The CLI is a keyed entry (the clerk typed or pasted the code) unless told otherwise; a
    # picture of the code is what a camera sees.
    entry = args.entry or ("camera" if args.image else "keyed")
    sale = core.sales.pay(terminal_id=args.terminal, clerk_id=clerk.id, code=code, lines=lines, sale_id=sale_id,
                          entry_method=entry)
    receipt = core.sales.receipt(sale.id)
    return {"sale_id": sale.id, "total": sale.total, "tax": sale.tax_by_rate(), "receipt_no": sale.receipt_no,
            "at": to_iso(sale.at), "entry_method": sale.entry_method.value, "receipt": receipt.to_json(),
            "receipt_text": render_text(receipt)}


def cmd_refund(core, args) -> dict:
    lines = parse_items(args.lines) if args.lines else None
    pin = _pin()
    r = core.refunds.refund(sale_id=args.sale, lines=lines, supervisor_id=args.supervisor, pin=pin,
                            refund_id=args.refund_id, terminal_id=args.terminal)
    return {"refund_id": r.id, "sale_id": r.sale_id, "total": r.total, "tax": r.tax_by_rate(),
            "terminal": r.terminal_id, "at": to_iso(r.at),
            "lines": [{"jan": l.jan, "qty": l.qty, "amount": l.amount, "tax_rate": l.tax_rate} for l in r.lines]}


def cmd_receipt(core, args) -> dict:
    receipt = core.sales.receipt(args.ref)
    out = receipt.to_json()
    out["text"] = render_text(receipt)
    return out


def cmd_journal(core, args) -> dict:
    return {"sales": [{"sale_id": s.id, "receipt_no": s.receipt_no, "total": s.total, "tax": s.tax_by_rate(),
                       "at": to_iso(s.at), "clerk_id": s.clerk_id, "entry_method": s.entry_method.value}
                      for s in core.sales.journal(args.terminal, args.date)]}


def cmd_report(core, args) -> dict:
    if args.kind == "x":
        report = core.reports.x_report(args.terminal, args.date)
    elif args.kind == "z":
        from shared.cli.main import UsageError
        if args.supervisor_id is None or not args.pin_stdin:
            raise UsageError("qrpay report z: closing a day needs --supervisor-id ID --pin-stdin (PIN on stdin)")
        report = core.reports.z_report(args.terminal, args.date, supervisor_id=args.supervisor_id, pin=_pin())
    else:
        report = core.reports.z_report_get(args.terminal, args.date)
    return report.to_json()

