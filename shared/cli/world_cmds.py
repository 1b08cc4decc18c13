"""`qrpay --server URL world create|list|reset|delete|join-code NAME`: the trainer's worlds on a `qrpay serve` server
(one per trainee or team: its own policy, clock, customers, ledger, audit log and challenges). Admin only:
the admin token comes from $QRPAY_ADMIN_TOKEN, or from the token file when the server is on this machine."""
from __future__ import annotations

import argparse


def register(sub, common) -> None:
    p = sub.add_parser("world", parents=[common], help="(with --server) the server's worlds: create, list, reset, delete")
    ws = p.add_subparsers(dest="action", required=True)
    ws.add_parser("list", parents=[common], help="every world, its policy, clock and customers").set_defaults(
        func=cmd_world_list)
    for name, func, text in (("create", "cmd_world_create", "a new, empty world"),
                             ("reset", "cmd_world_reset", "start a world again from nothing"),
                             ("delete", "cmd_world_delete", "delete a world and everything in it")):
        q = ws.add_parser(name, parents=[common], help=text)
        q.add_argument("name", metavar="NAME")
        q.set_defaults(func=globals()[func])
    q = ws.add_parser("join-code", parents=[common], help="the world's short join code (--new: draw another)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--new", action="store_true", help="a new code; the old one stops working at once")
    q.set_defaults(func=cmd_world_join_code)


def _remote(core):
    from shared.errors import QrpayError
    from shared.remote import RemoteCore
    if not isinstance(core, RemoteCore):
        raise QrpayError("`qrpay world` manages a server's worlds: give --server URL.", code="server_required")
    return core


def cmd_world_list(core, args: argparse.Namespace) -> dict:
    return {"worlds": _remote(core).worlds()}


def cmd_world_create(core, args) -> dict:
    return {"created": _remote(core).create_world(args.name)}


def cmd_world_reset(core, args) -> dict:
    return {"reset": _remote(core).reset_world(args.name)}


def cmd_world_delete(core, args) -> dict:
    _remote(core).delete_world(args.name)
    return {"deleted": args.name}


def cmd_world_join_code(core, args) -> dict:
    from shared.remote.join import code_of_world
    return code_of_world(_remote(core), args.name, new=args.new)
