"""`qrpay sns …` (the simulated SNS identity provider) and `qrpay login --sns-email / --id-token-stdin /
--external-id` (the wallet's "Sign in with SNS ID").

    qrpay sns add-user --email E --name N --password-stdin     an SNS account (SNS password on stdin)
    qrpay sns users                                            public profiles: SNS user id and name
    qrpay sns apps                                             the apps registered at the SNS
    qrpay sns login --email E --client-id APP --password-stdin as that SNS user, sign in to APP: prints
                                                               the ID token APP receives (never for the wallet:
                                                               its code goes to the wallet, see `qrpay login`)
    qrpay sns link --session TOKEN --sns-email E [--totp C] --password-stdin
                                                               link that SNS account to the signed-in wallet
Passwords and ID tokens are read from stdin only.
"""
from __future__ import annotations

import argparse

from shared.clock import to_iso


def register(sub, common) -> None:
    p = sub.add_parser("sns", parents=[common], help="the simulated SNS identity provider (sign in with SNS ID)")
    ss = p.add_subparsers(dest="action", required=True)
    q = ss.add_parser("add-user", parents=[common], help="open an SNS account (SNS password on stdin)")
    q.add_argument("--email", required=True)
    q.add_argument("--name", required=True)
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_add_user)
    ss.add_parser("users", parents=[common], help="SNS user ids and names (public profiles)").set_defaults(
        func=cmd_users)
    ss.add_parser("apps", parents=[common], help="the apps registered at the SNS").set_defaults(func=cmd_apps)
    q = ss.add_parser("login", parents=[common],
                      help="as an SNS user, sign in to another app: prints the ID token that app receives")
    q.add_argument("--email", required=True)
    q.add_argument("--client-id", required=True, metavar="APP")
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_sns_login)
    q = ss.add_parser("link", parents=[common],
                      help="link an SNS account to the signed-in wallet (SNS password on stdin)")
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.add_argument("--sns-email", required=True, metavar="EMAIL")
    q.add_argument("--totp", metavar="CODE")
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_link)


def _secret(what: str) -> str:
    from shared.cli.main import read_secret_stdin
    return read_secret_stdin(what)


def cmd_add_user(core, args) -> dict:
    u = core.sns.add_user(args.email, args.name, _secret("SNS password"))
    return {"sns_user_id": u.sub, "email": u.email, "name": u.name}


def cmd_users(core, args) -> dict:
    return {"users": [{"sns_user_id": u.sub, "name": u.name} for u in core.sns.users()]}


def cmd_apps(core, args) -> dict:
    return {"apps": [{"client_id": c.client_id, "name": c.name, "redirect_uri": c.redirect_uri}
                     for c in core.sns.clients()]}


def cmd_sns_login(core, args) -> dict:
    from shared.cli.main import UsageError
    from shared.external_id import WALLET_CLIENT_ID

    if args.client_id == WALLET_CLIENT_ID:
        raise UsageError("the wallet's sign-in code goes to the wallet: use "
                         "`qrpay login --sns-email E --password-stdin`")
    token = core.sns.sign_in_to_app(email=args.email, password=_secret("SNS password"), client_id=args.client_id)
    return {"client_id": args.client_id, "id_token": token,
            "note": "This is what the app receives. Give it to `qrpay login --id-token-stdin` to try token "
                    "substitution."}


def _wallet_code(core, email: str, password: str):
    """The wallet app's side of "Sign in with SNS ID": a request, the SNS's consent, the code back."""
    req = core.external_id.begin()
    grant = core.sns.authorize(email=email, password=password, client_id=req.client_id, redirect_uri=req.redirect_uri,
                               code_challenge=req.code_challenge, code_challenge_method=req.code_challenge_method,
                               nonce=req.nonce, state=req.state)
    return req.state, grant.code


def cmd_link(core, args) -> dict:
    state, code = _wallet_code(core, args.sns_email, _secret("SNS password"))
    link = core.external_id.link(args.session, state=state, code=code, totp=args.totp)
    return {"linked": True, "provider": link.provider, "sns_user_id": link.subject, "customer_id": link.customer_id,
            "linked_at": to_iso(link.linked_at)}


def external_login(core, args: argparse.Namespace) -> dict:
    """`qrpay login` with --sns-email (the honest flow), --id-token-stdin or --external-id."""
    from shared.cli.main import UsageError

    if args.totp is not None or args.recovery_code is not None:
        raise UsageError("an SNS sign-in takes no second factor here: the wallet asks for it before a payment code")
    where = dict(device=args.device, source=args.source)
    if args.sns_email is not None:
        if not args.password_stdin:
            raise UsageError("--sns-email needs --password-stdin (the SNS password on standard input)")
        state, code = _wallet_code(core, args.sns_email, _secret("SNS password"))
        s = core.external_id.sign_in_with_external_id(state=state, code=code, **where)
    elif args.id_token_stdin:
        req = core.external_id.begin()   # the app starts a sign-in and hands over the token it holds
        s = core.external_id.sign_in_with_external_id(state=req.state, id_token=_secret("ID token"), **where)
    else:
        s = core.external_id.sign_in_with_external_id(external_user_id=args.external_id, **where)
    return {"session": s.token, "session_id": s.id, "customer_id": s.customer_id, "device": s.device,
            "created_at": to_iso(s.created_at), "step_up_at": None,
            "payment_code_needs_totp": core.policy.code_requires_step_up}
