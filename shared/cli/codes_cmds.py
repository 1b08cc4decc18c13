"""`qrpay code issue | inspect | status`: payment codes as the wallet shows them and a till reads them."""
from __future__ import annotations

import argparse
from pathlib import Path

from shared.clock import to_iso
from shared.errors import InputError


def register(sub, common) -> None:
    p = sub.add_parser("code", parents=[common], help="payment codes: issue, inspect, status")
    cs = p.add_subparsers(dest="action", required=True)

    q = cs.add_parser("issue", parents=[common], help="issue a payment code to a signed-in customer")
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.add_argument("--totp", metavar="CODE", help="a fresh authenticator code (the hardened step-up)")
    q.add_argument("--amount-cap", type=int, metavar="YEN")
    q.add_argument("--png", metavar="FILE", help="also write the QR (level M, 4-module quiet zone, no caption)")
    q.set_defaults(func=cmd_issue)

    q = cs.add_parser("inspect", parents=[common], help="every field, the signature and a till's verdict now")
    src = q.add_mutually_exclusive_group(required=True)
    src.add_argument("code", nargs="?", metavar="CODE", help="the QR text or the 20-digit number")
    src.add_argument("--image", metavar="FILE", help="a picture holding the QR")
    q.set_defaults(func=cmd_inspect)

    q = cs.add_parser("status", parents=[common], help="what the wallet sees: issued, paid, refused, expired")
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.add_argument("--nonce", required=True)
    q.set_defaults(func=cmd_status)


def cmd_issue(core, args: argparse.Namespace) -> dict:
    from shared.codes import render_png

    issued = core.codes.issue(args.session, totp=args.totp, amount_cap=args.amount_cap)
    out = {"code": issued.text, "numeric": issued.numeric, "expires_at": to_iso(issued.expires_at),
           "expires_at_unix": issued.expires_at, "issued_at": to_iso(issued.issued_at), "nonce": issued.nonce,
           "counter": issued.counter, "amount_cap": issued.amount_cap}
    if args.png:
        try:
            render_png(issued.text, args.png)
        except OSError as e:
            raise InputError(f"Cannot write {args.png}: {e.strerror}.") from None
        out["png"] = str(args.png)
    return out


def read_qr_image(path: str) -> str:
    """The text of the first QR code in an image file."""
    import cv2

    if not Path(path).is_file():
        raise InputError(f"No such image file: {path}.")
    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise InputError(f"{path} is not an image this tool can read.")
    try:
        from shared.scanning.decoders import decoder_named
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("shared.scanning"):
            raise
        import zxingcpp

        texts = [r.text for r in zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)]
    else:
        texts = [d.text for d in decoder_named("cascade").decode_still(frame) if d.symbology == "QRCode"]
    if not texts:
        raise InputError(f"No QR code could be read in {path}.", code="no_code_found")
    return texts[0]


def cmd_inspect(core, args: argparse.Namespace) -> dict:
    text = read_qr_image(args.image) if args.image else args.code
    return core.codes.inspect(text)


def cmd_status(core, args: argparse.Namespace) -> dict:
    s = core.codes.status(args.session, args.nonce)
    return {"nonce": args.nonce, "state": s.state.value, "sale_id": s.sale_id, "amount": s.amount,
            "store_name": s.store_name, "reason": s.reason, "at": to_iso(s.at) if s.at is not None else None}
