"""`qrpay serve`: the payment core as an HTTP JSON service (shared/service, docs/API.md).

    qrpay serve [--host 127.0.0.1] [--port 8765] [--db FILE | --database URL] [--worlds DIR] [--tls]

Binds 127.0.0.1 unless --host says otherwise. Prints `admin token: TOKEN` on a line of its own and writes
it, readable by its owner only, to `<config dir>/server-admin-token` (the config dir is the audit key's:
$QRPAY_CONFIG_DIR, else the user config dir). QRPAY_ADMIN_TOKEN, when set (at least 16 characters), is used
instead of a fresh one. --tls serves HTTPS with a self-signed certificate generated on first use
(`<config dir>/server-tls/`), its SHA-256 fingerprint printed so clients can pin it.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import ipaddress
import os
import secrets
import sys
from pathlib import Path

from shared.audit_key import config_dir
from shared.cli.main import no_core
from shared.errors import InputError

TOKEN_FILE = "server-admin-token"
TOKEN_ENV = "QRPAY_ADMIN_TOKEN"
STREAMS_GRACE = 3            # seconds a stopping server waits for open requests (streams) before ending them


def register(sub, common) -> None:
    p = sub.add_parser("serve", parents=[common], help="run the payment core as an HTTP service (docs/API.md)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--database", metavar="URL", help="a PostgreSQL URL (postgresql://…) instead of --db")
    p.add_argument("--worlds", metavar="DIR", help="folder of the SQLite worlds (default: <db>.worlds beside --db)")
    p.add_argument("--tls", action="store_true", help="HTTPS with a generated self-signed certificate")
    p.add_argument("--limit-address", type=int, default=1200, metavar="N",
                   help="requests per minute per client address (0: no limit)")
    p.add_argument("--limit-account", type=int, default=300, metavar="N",
                   help="calls per minute per account, terminal or e-mail (0: no limit)")
    p.set_defaults(func=cmd_serve)


def admin_token() -> str:
    given = os.environ.get(TOKEN_ENV, "")
    if given:
        if len(given) < 16 or not given.isascii() or not given.isprintable():
            raise InputError(f"{TOKEN_ENV} must be at least 16 printable ASCII characters.")
        return given
    return secrets.token_urlsafe(32)


def write_token_file(token: str) -> Path:
    d = config_dir()
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = d / TOKEN_FILE
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (token + "\n").encode("ascii"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def tls_files(host: str) -> tuple[Path, Path, str]:
    """(cert, key, SHA-256 fingerprint) of the self-signed certificate, made on first use."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    d = config_dir() / "server-tls"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert_path, key_path = d / "cert.pem", d / "key.pem"
    names = {"localhost", host}
    if not (cert_path.exists() and key_path.exists()) or _missing_name(cert_path, names):
        key = ec.generate_private_key(ec.SECP256R1())
        alt: list[x509.GeneralName] = []
        for n in sorted(names):
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(n)))
            except ValueError:
                alt.append(x509.DNSName(n))
        alt.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        now = _dt.datetime.now(_dt.timezone.utc)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qrpay-sim server")])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(minutes=5))
                .not_valid_after(now + _dt.timedelta(days=365))
                .add_extension(x509.SubjectAlternativeName(list(dict.fromkeys(alt))), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    der = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(serialization.Encoding.DER)
    return cert_path, key_path, hashlib.sha256(der).hexdigest()


def _missing_name(cert_path: Path, names: set[str]) -> bool:
    from cryptography import x509
    try:
        san = x509.load_pem_x509_certificate(cert_path.read_bytes()).extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return True
    have = {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))
    return not names <= have


def world_store(args):
    from shared.service.worlds import PgWorldStore, SqliteWorldStore
    from shared.storage import pg
    from shared.storage.db import default_db_path
    if getattr(args, "database", None):
        if not pg.is_url(args.database):
            raise InputError("--database takes a PostgreSQL URL (postgresql://user@host/db); for a file use --db.",
                             code="bad_database_url")
        if getattr(args, "db", None) or args.worlds:
            raise InputError("Give --database URL or --db FILE [--worlds DIR], not both.")
        return PgWorldStore(args.database)
    db = Path(getattr(args, "db", None) or os.environ.get("QRPAY_DB") or default_db_path())
    folder = Path(args.worlds) if args.worlds else Path(str(db) + ".worlds")
    return SqliteWorldStore(folder, default_file=db)


@no_core
def cmd_serve(core, args) -> int:
    import uvicorn

    from shared.service.app import Limits, create_app
    if getattr(args, "now", None) is not None:
        raise InputError("A server keeps the real time; the trainer moves a world's clock (clock set|advance).",
                         code="client_time_refused")
    if not 0 < args.port < 65536:
        raise InputError("--port is 1-65535.")
    store = world_store(args)
    token = admin_token()
    path = write_token_file(token)
    app = create_app(store, token, limits=Limits(per_address=max(0, args.limit_address),
                                                 per_account=max(0, args.limit_account)))
    ssl: dict[str, str] = {}
    scheme = "http"
    if args.tls:
        cert, key, fingerprint = tls_files(args.host)
        ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
        scheme = "https"
        print(f"tls certificate: {cert} (self-signed, SHA-256 {fingerprint})")
    print(f"admin token: {token}")
    print(f"admin token file: {path}")
    print(f"serving {scheme}://{args.host}:{args.port}/  (docs: /docs, spec: /openapi.json)")
    print(f"web wallet: {scheme}://{args.host}:{args.port}/wallet/  (a classroom world: /worlds/NAME/wallet/)",
          flush=True)
    sys.stdout.flush()
    try:
        # an open code-status stream (a phone's Pay page) must not keep a stopping server alive: after
        # STREAMS_GRACE seconds what is still open is ended (a payment in flight is the sale id's to retry)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                    timeout_graceful_shutdown=STREAMS_GRACE, **ssl)
    finally:
        store.close()
    return 0
