"""This laptop's address on its network (`qrpay demo --phone`): the IPv4 address of the interface that
carries the default route, found without any network traffic.

Linux: the default route is read from /proc/net/route (the lowest metric wins) and its interface's address
asked of the kernel (SIOCGIFADDR). Elsewhere: a UDP socket is "connected" to a documentation address
(192.0.2.1, TEST-NET-1), which only makes the kernel choose the route and the source address: a UDP
connect sends no packet, and the socket is closed without sending anything.
"""
from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

from shared.errors import QrpayError

ROUTES = Path("/proc/net/route")
_SIOCGIFADDR = 0x8915
_RTF_UP = 0x1
NO_NETWORK = ("This laptop has no network address a phone could reach (no default route): join the same "
              "Wi-Fi as the phone, or give the address: --phone ADDRESS.")


def default_route_interface(table: str) -> str | None:
    """The interface of the default route in a /proc/net/route table (lowest metric), or None."""
    best: tuple[int, str] | None = None
    for line in table.splitlines()[1:]:
        f = line.split()
        if len(f) < 8:
            continue
        try:
            dest, flags, metric, mask = int(f[1], 16), int(f[3], 16), int(f[6]), int(f[7], 16)
        except ValueError:
            continue
        if dest == 0 and mask == 0 and flags & _RTF_UP and (best is None or metric < best[0]):
            best = (metric, f[0])
    return best[1] if best else None


def _interface_address(name: str) -> str | None:
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            raw = fcntl.ioctl(s.fileno(), _SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
        except OSError:
            return None
    return socket.inet_ntoa(raw[20:24])


def _routed_source_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))       # chooses a route; a UDP connect sends nothing
            return s.getsockname()[0]
        except OSError:
            return None


def reachable(address: str) -> bool:
    """An address another machine could use: IPv4 or IPv6, not loopback, not 0.0.0.0/::, not multicast."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_link_local and ip.version == 6)


def lan_address() -> str:
    """The address of the interface with the default route; QrpayError `no_network` when there is none."""
    found: str | None = None
    if sys.platform.startswith("linux") and ROUTES.exists():
        name = default_route_interface(ROUTES.read_text(encoding="ascii", errors="replace"))
        found = _interface_address(name) if name else None
    else:
        found = _routed_source_address()
    if not found or not reachable(found):
        raise QrpayError(NO_NETWORK, code="no_network")
    return found


def wallet_url(host: str, port: int, *, tls: bool = False, world: str | None = None) -> str:
    """The web wallet's address on a `qrpay serve` at host:port: /wallet/ for the server's default world,
    /worlds/NAME/wallet/ for a named one (an IPv6 address in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    path = f"/worlds/{quote(world, safe='')}/wallet/" if world else "/wallet/"
    scheme = "https" if tls else "http"
    if port != (443 if tls else 80):
        shown += f":{port}"
    return f"{scheme}://{shown}{path}"


def phone_wallet_url(server: str, world: str | None = None) -> str | None:
    """The web wallet on the server a till is connected to (`--server URL [--world NAME]`), when a phone on
    the network could open it; None for a server on this machine only (127.0.0.1, localhost)."""
    try:
        parts = urlsplit(server)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host or host.lower().rstrip(".") == "localhost":
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass                                   # a host name: the phone resolves it
    else:
        if not reachable(host):
            return None
    return wallet_url(host, port or (443 if parts.scheme == "https" else 80), tls=parts.scheme == "https",
                      world=world)
