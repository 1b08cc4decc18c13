"""What this machine keeps about a server's world, 0600 under <config dir>/remote/<host_port>/<world>/:
the terminal keys seed-demo returned, and (beside `core.db.path`) the kiosk authenticator's secrets."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx


def remote_home(url: str, world: str) -> Path:
    """<config dir>/remote/<host_port>/<world>/: what this machine keeps about a server's world (terminal
    keys saved by seed-demo, 0600). Never created until something is saved."""
    from shared.audit_key import config_dir
    host = httpx.URL(url).host or "server"
    port = httpx.URL(url).port or (443 if url.startswith("https") else 80)
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in f"{host}_{port}")
    world_safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in world)
    return config_dir() / "remote" / safe / world_safe


def authenticator_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".authenticator.json")


def write_private(path: Path, data: Any) -> None:
    """JSON written 0600 in a 0700 folder, replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, path)


def save_terminal_keys(url: str, world: str, keys: dict[str, str]) -> None:
    path = remote_home(url, world) / "terminal-keys.json"
    old = {}
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    if not isinstance(old, dict):
        old = {}
    old.update(keys)
    write_private(path, old)


def terminal_key_for(url: str, world: str, terminal_id: str) -> str | None:
    env = os.environ.get("QRPAY_TERMINAL_KEY")
    if env:
        return env.strip()
    path = remote_home(url, world) / "terminal-keys.json"
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = keys.get(terminal_id) if isinstance(keys, dict) else None
    return key if isinstance(key, str) else None
