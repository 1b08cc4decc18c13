"""`seed_demo(core)`: a store, two terminals, ~30 items, staff with PINs and three customers.

Everything is created through the services a real set-up would use (catalog, staff, identity
with a confirmed TOTP enrolment), so the demo database obeys every rule the core enforces.
PINs and passwords are generated fresh with `secrets` on every seed and printed once, which is
the point of `seed-demo --json`: QA scripts read the credentials from its output.

Opening balances are booked straight into the ledger as one `seed` transfer per customer from
`card_clearing` (key "seed:<customer id>"), not as card top-ups: a top-up needs a signed-in
session and a fresh TOTP code per customer and is limited to ¥20,000 a day under the hardened
policy, which is exactly what a demo's starting balance should not depend on. The wallet
history shows the transfer as "Demo opening balance".

A database that already has a store is refused (`Conflict`, code `already_seeded`): seeding is
not repeatable, because the generated secrets are only known at the moment they are printed.
So that a presenter can see them again at any time (`qrpay demo` prints them on every start, the
till's Presenter menu shows them, `seed-demo` on a seeded database prints them), seeding also
writes them to `credentials_path(db)` beside the database file, readable by its owner only. That
file holds demo passwords in clear: it is made for a throw-away demo database, never a real one.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared import audit, ledger, totp
from shared.audit_events import AuditEvent
from shared.catalog import make_ean13, registration_number_for
from shared.errors import Conflict

if TYPE_CHECKING:
    from shared.core import Core

STORE = {
    "name_ja": "qrpay デモストア 渋谷店",
    "name_en": "qrpay Demo Store Shibuya",
    # The 法人番号 body of a fictional company; the leading check digit is computed.
    "registration_no": registration_number_for("234567890123"),
    "address": "東京都渋谷区道玄坂1-2-3",
}
TERMINALS = ("T1", "T2")

# (JAN body without its check digit, name_ja, name_en, price incl. tax, rate). The 45/49 prefixes
# are Japan's; the company and item parts are made up.
ITEMS: tuple[tuple[str, str, str, int, int], ...] = (
    ("490120000101", "おにぎり 鮭", "Onigiri (salmon)", 150, 8),
    ("490120000102", "おにぎり ツナマヨ", "Onigiri (tuna mayo)", 140, 8),
    ("490120000103", "おにぎり 梅", "Onigiri (pickled plum)", 130, 8),
    ("490120000201", "幕の内弁当", "Makunouchi bento", 598, 8),
    ("490120000202", "唐揚げ弁当", "Karaage bento", 498, 8),
    ("490120000203", "ミックスサンド", "Mixed sandwich", 298, 8),
    ("490120000301", "メロンパン", "Melon bread", 160, 8),
    ("490120000302", "あんぱん", "Anpan (red bean bun)", 140, 8),
    ("490255500101", "緑茶 500ml", "Green tea 500ml", 150, 8),
    ("490255500102", "麦茶 600ml", "Barley tea 600ml", 140, 8),
    ("490255500103", "天然水 550ml", "Mineral water 550ml", 110, 8),
    ("490255500104", "缶コーヒー ブラック", "Canned coffee, black", 130, 8),
    ("490255500201", "牛乳 1L", "Milk 1L", 248, 8),
    ("490255500202", "プレーンヨーグルト", "Plain yogurt", 158, 8),
    ("450011100101", "ポテトチップス うすしお", "Potato chips, lightly salted", 168, 8),
    ("450011100102", "ミルクチョコレート", "Milk chocolate bar", 120, 8),
    ("450011100103", "カップ麺 しょうゆ", "Cup noodles, soy sauce", 198, 8),
    ("450011100104", "バナナ 1房", "Bananas (1 bunch)", 198, 8),
    ("450011100105", "ヘルシー茶 350ml", "Healthy tea 350ml", 160, 8),
    ("490333300101", "ビール 350ml", "Beer 350ml (alcohol: standard rate)", 218, 10),
    ("490333300201", "電池 単3 4本", "AA batteries (4)", 498, 10),
    ("490333300202", "ボールペン 黒", "Ballpoint pen, black", 110, 10),
    ("490333300203", "ビニール傘", "Clear vinyl umbrella", 770, 10),
    ("490333300204", "ノート A5", "Notebook A5", 165, 10),
    ("490333300205", "ティッシュ 5箱", "Tissues (5 boxes)", 398, 10),
    ("490333300206", "歯ブラシ", "Toothbrush", 220, 10),
    ("490333300207", "ハンドソープ", "Hand soap", 330, 10),
    ("490333300208", "マスク 7枚", "Face masks (7)", 298, 10),
    ("490333300209", "USB-C ケーブル 1m", "USB-C cable 1m", 1_100, 10),
    ("490333300210", "週刊誌", "Weekly magazine", 450, 10),
    ("490333300211", "レジ袋 L", "Carrier bag (L)", 5, 10),
)

STAFF = (("佐藤 美咲 (Sato Misaki)", "clerk"), ("鈴木 健太 (Suzuki Kenta)", "clerk"),
         ("高橋 直子 (Takahashi Naoko)", "supervisor"))

CUSTOMERS = (("hanako@example.com", "山田 花子", 20_000), ("taro@example.com", "田中 太郎", 10_000),
             ("yuki@example.com", "伊藤 由紀", 5_000))

# Plain words for passphrases: four drawn with `secrets` from 64 give 24 bits, plus two random
# digits; long enough to pass the password rules and easy to type in a demo.
_WORDS = ("amber", "bamboo", "canal", "cedar", "cobalt", "comet", "coral", "daisy", "delta", "ember", "fable",
          "falcon", "fern", "fjord", "garnet", "ginger", "harbor", "hazel", "indigo", "island", "jasmine", "juniper",
          "kettle", "lagoon", "lantern", "lemon", "lotus", "maple", "meadow", "mango", "nectar", "nimbus", "oasis",
          "olive", "orchid", "pebble", "pepper", "pine", "plum", "quartz", "quill", "raven", "ribbon", "river",
          "saffron", "sakura", "sierra", "spruce", "summit", "tango", "tide", "tulip", "umber", "velvet", "violet",
          "walnut", "willow", "yarrow", "zephyr", "zinnia", "breeze", "cobble", "drizzle", "fennel")


def _passphrase() -> str:
    return "-".join(secrets.choice(_WORDS) for _ in range(4)) + f"-{secrets.randbelow(90) + 10}"


def _pin() -> str:
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        if len(set(pin)) >= 3:  # no 000000 / 121212-style PINs, even in a demo
            return pin


def credentials_path(db_path: str | os.PathLike[str]) -> Path:
    """Where the demo credentials of the database at `db_path` are kept: beside an SQLite file; for
    a PostgreSQL world (`postgresql://…#WORLD`, no file) in the per-user config directory."""
    text = str(db_path)
    if text.startswith(("postgresql://", "postgres://")):
        import hashlib

        from shared.audit_key import config_dir
        folder = config_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder / f"demo-{hashlib.sha256(text.encode()).hexdigest()[:16]}.credentials.json"
    return Path(text + ".credentials.json")


def save_credentials(db_path: str | os.PathLike[str], demo: dict[str, Any]) -> Path:
    """Write the staff PINs and the customers' passwords (no TOTP secrets: the database has them),
    created with mode 0600 so other users of the machine cannot read them."""
    path = credentials_path(db_path)
    data = {"staff": [{k: s[k] for k in ("id", "name", "role", "pin")} for s in demo["staff"]],
            "customers": [{k: c[k] for k in ("customer_id", "email", "name", "password", "balance", "sns_user_id",
                                             "sns_password") if k in c}
                          for c in demo["customers"]]}
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    return path


def load_credentials(db_path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The saved credentials, or None when the database was not seeded here (or the file is unreadable)."""
    try:
        data = json.loads(credentials_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("staff"), list) or not isinstance(data.get("customers"), list):
        return None
    return data


def seed_demo(core: "Core") -> dict[str, Any]:
    if core.catalog.has_store():
        saved = credentials_path(core.db.path)
        hint = (f" Its demo accounts are in {saved} (`qrpay demo --show-credentials` prints them)."
                if saved.exists() else "")
        raise Conflict("This database already has a store (it was seeded before); use a new database file "
                       "for a fresh demo." + hint, code="already_seeded")
    core.codes.ensure_issuer_key()
    store = core.catalog.add_store(**STORE)
    terminals = [core.catalog.add_terminal(tid, store_id=store.id, name=f"レジ {tid[1:]} / Register {tid[1:]}")
                 for tid in TERMINALS]
    items = [core.catalog.add_item(jan=make_ean13(body), name_ja=ja, name_en=en, price=price, tax_rate=rate)
             for body, ja, en, price, rate in ITEMS]

    staff = []
    for name, role in STAFF:
        pin = _pin()
        member = core.staff.add(name, role, pin)
        staff.append({"id": member.id, "name": member.name, "role": str(member.role.value), "pin": pin})

    customers = []
    for email, name, balance in CUSTOMERS:
        password = _passphrase()
        enrolment = core.identity.register(email, name, password)
        # The code of the previous 30-second step (still accepted): the current step stays unused,
        # so signing in right after seeding is not refused as a reused code.
        core.identity.confirm_totp(email, totp.totp_code(enrolment.totp_secret, core.now() - totp.STEP_SECONDS))
        with core.db.write() as conn:
            ledger.opening_balance(conn, enrolment.customer_id, balance, key=f"seed:{enrolment.customer_id}",
                                   at=core.now(), memo="Demo opening balance")
        # The customer's account at the simulated SNS (not linked: under hardened linking needs the
        # wallet's own sign-in and a fresh second factor, in Security; 2019 links it by e-mail on first use).
        sns_password = _passphrase()
        sns = core.sns.add_user(email, name, sns_password)
        customers.append({"customer_id": enrolment.customer_id, "email": email, "name": name, "password": password,
                          "totp_secret": enrolment.totp_secret, "otpauth_uri": enrolment.otpauth_uri,
                          "balance": balance, "sns_user_id": sns.sub, "sns_password": sns_password})

    with core.db.write() as conn:
        audit.record(conn, at=core.now(), event=AuditEvent.DEMO_SEEDED, actor="seed-demo", store_id=store.id,
                     items=len(items), staff=len(staff), customers=len(customers))
    save_credentials(core.db.path, {"staff": staff, "customers": customers})
    return {
        "store": {"id": store.id, "name_ja": store.name_ja, "name_en": store.name_en,
                  "registration_no": store.registration_no, "address": store.address},
        "terminals": [{"id": t.id, "name": t.name} for t in terminals],
        "staff": staff,
        "customers": customers,
        "items": [{"jan": i.jan, "name_ja": i.name_ja, "name_en": i.name_en, "price": i.price, "tax_rate": i.tax_rate}
                  for i in items],
    }
