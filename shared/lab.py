"""The QA code lab: a folder of payment-code images with the verdict a till must give for each.

    manifest = make_codes(core, "codes/")      # qrpay lab make-codes codes/
    mismatches = check_codes(core, "codes/")   # qrpay lab check codes/   ([] when every verdict matches)

`make_codes` issues real codes in the database of `core` (a QA customer of its own, seeding the
demo store when there is none) and writes PNGs: valid, expired, superseded, replayed (paid
once), tampered (amount cap / wallet reference edited), signed by another key, not ours (a URL,
a product barcode), malformed (truncated), not yet valid (a phone clock 1 h ahead), the numeric
form to key in (a PNG of the digits for a person, and a .txt for scripts) and degraded prints of
the valid code (small, blurred, low contrast, rotated, perspective).

Verdicts are what `core.codes.inspect` / the till's verify path say: "ok" or a refusal code
(expired, superseded, replayed, bad_signature, not_ours, malformed, not_yet_valid). They hold at
the manifest's `as_of` time: codes expire, so a till checking the folder must read the clock
at `as_of` (`qrpay clock set <as_of>`); valid codes are issued with a lifetime of
`LAB_TTL_SECONDS`, so a person has that long after setting the clock. `check_codes` pins its own
clock to `as_of` and reads every image through the real scanning pipeline (shared.scanning).

Needs the hardened policy: under 2019 an expired, superseded or replayed code is accepted, which
is not what a scanner QA set is for.
"""
from __future__ import annotations

import json
import os
import random
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.clock import FixedClock, to_iso
from shared.errors import InputError, NotFound

if TYPE_CHECKING:
    from shared.core import Core

MANIFEST = "manifest.json"
LAB_TTL_SECONDS = 300
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Mismatch:
    file: str
    expected: str
    got: str
    detail: str = ""


# name, synth_frame settings: each must still be read by the pipeline.
DEGRADED = (
    ("small", dict(scale=0.32)),
    ("blurred", dict(scale=0.6, blur=1.6)),
    ("low_contrast", dict(scale=0.6, contrast=0.35, noise=2.0)),
    ("rotated", dict(scale=0.55, angle=33.0)),
    ("perspective", dict(scale=0.55, perspective=0.07)),
)


def _lab_core(core: "Core", at: float) -> "Core":
    """A core on the same database whose clock is pinned at `at` (QA needs a time that does not move)."""
    from shared.core import Core

    return Core(core.db, FixedClock(at))


def _png(path: Path, image) -> None:
    import cv2

    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write {path}")


def _qr_png(path: Path, text: str) -> None:
    from shared.scanning.synth import qr_image

    _png(path, qr_image(text, box=8))


def _digits_png(path: Path, digits: str) -> None:
    """The 20 digits as a wallet prints them under the QR, in groups of four, for a person to key in."""
    import cv2
    import numpy as np

    grouped = " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    img = np.full((120, 900), 255, np.uint8)
    cv2.putText(img, grouped, (30, 75), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3, cv2.LINE_AA)
    _png(path, img)


def make_codes(core: "Core", directory: str | os.PathLike[str], *, seed: int = 11) -> dict[str, Any]:
    """Write the lab's images and manifest.json into `directory`; returns the manifest."""
    from shared import codes as codes_mod
    from shared.attacks.forged_code import signed_by_other_key, with_amount_cap, with_wallet_ref
    from shared.attacks.world import ensure_shop, own_basket_lines, passphrase
    from shared.scanning.synth import ean13_image, qr_image, synth_frame

    if core.policy.is_insecure:
        raise InputError("The code lab needs the hardened policy (under 2019 expired, superseded and replayed "
                         "codes are accepted). Run `qrpay policy set hardened` first.", code="wrong_policy")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    as_of = float(int(core.now()))
    lab = _lab_core(core, as_of - 900)
    clock: FixedClock = lab.clock  # type: ignore[assignment]
    shop = ensure_shop(lab)
    rng = random.Random(seed)
    tag = secrets.token_hex(3)
    old_ttl = lab.codes.ttl_seconds()
    lab.codes.set_ttl_seconds(LAB_TTL_SECONDS, actor="lab")
    try:
        payer = _customer(lab, f"qa-lab.{tag}@example.com", "QA lab", passphrase(rng), 50_000)
        skewed = _customer(lab, f"qa-lab-skew.{tag}@example.com", "QA lab (phone clock ahead)", passphrase(rng), 0)

        clock.set(as_of - 660)
        token = _sign_in(lab, payer)
        clock.set(as_of - 600)
        expired = lab.codes.issue(token)
        clock.set(as_of - 30)
        replayed = lab.codes.issue(token, totp=_totp(lab, payer))
        clock.set(as_of - 28)
        lab.sales.pay(terminal_id=shop.terminals[0], clerk_id=shop.clerk_id, code=replayed.text,
                      lines=own_basket_lines(lab), sale_id=f"lab-{tag}-1")
        clock.set(as_of - 20)
        superseded = lab.codes.issue(token)
        clock.set(as_of - 5)
        valid = lab.codes.issue(token)
        ahead = _lab_core(core, as_of + 3600)
        future = ahead.codes.issue(_sign_in(ahead, skewed))
    finally:
        lab.codes.set_ttl_seconds(old_ttl if codes_mod.TTL_RANGE[0] <= old_ttl <= codes_mod.TTL_RANGE[1]
                                  else lab.policy.code_ttl_seconds, actor="lab")

    wallet_ref = lab.codes.inspect(valid.text)["wallet_ref"]
    entries: list[dict[str, Any]] = []

    def add(file: str, kind: str, verdict: str, why: str, *, text: str | None = None, image=None,
            nonce: str | None = None, keyed: str | None = None) -> None:
        path = out / file
        if keyed is not None:
            _digits_png(path, keyed)
            (out / (Path(file).stem + ".txt")).write_text(keyed + "\n", encoding="ascii")
        elif image is not None:
            _png(path, image)
        else:
            _qr_png(path, text)
        entry = {"file": file, "kind": kind, "input": "keyed" if keyed is not None else "scan",
                 "verdict": verdict, "why": why, "till_message": codes_mod.MESSAGES.get(verdict, "Accept: pay.")}
        if keyed is not None:
            entry["text_file"] = Path(file).stem + ".txt"
        if nonce:
            entry["nonce"] = nonce
        entries.append(entry)

    add("01_valid.png", "valid", "ok", "the wallet's current code", text=valid.text, nonce=valid.nonce)
    add("02_expired.png", "expired", "expired", "issued 10 minutes before as_of", text=expired.text,
        nonce=expired.nonce)
    add("03_superseded.png", "superseded", "superseded", "the wallet showed a newer code after it",
        text=superseded.text, nonce=superseded.nonce)
    add("04_replayed.png", "replayed", "replayed", "already paid a sale", text=replayed.text, nonce=replayed.nonce)
    add("05_tampered_amount_cap.png", "tampered", "bad_signature", "amount cap edited after signing",
        text=with_amount_cap(valid.text, 99_999))
    add("06_tampered_wallet.png", "tampered", "bad_signature", "wallet reference edited after signing",
        text=with_wallet_ref(valid.text, secrets.token_bytes(8).hex()))
    add("07_other_key.png", "other_key", "bad_signature", "well-formed, signed with another Ed25519 key",
        text=signed_by_other_key(wallet_ref_hex=wallet_ref, issued_at=int(as_of - 5), ttl=LAB_TTL_SECONDS))
    add("08_not_ours_url.png", "not_ours", "not_ours", "a web address, not a payment code",
        text="https://example.com/campaign?id=2019")
    add("09_not_ours_product.png", "not_ours", "not_ours", "a product's JAN barcode scanned at the payment step",
        image=ean13_image("490120000101"))
    add("10_malformed_truncated.png", "malformed", "malformed", "a qrpay code cut short",
        text=valid.text[:100])
    add("11_not_yet_valid.png", "not_yet_valid", "not_yet_valid", "made on a phone whose clock is 1 hour ahead",
        text=future.text, nonce=future.nonce)
    add("12_numeric_only.png", "numeric", "ok", "the 20 digits printed under the valid code, keyed in",
        keyed=valid.numeric, nonce=valid.nonce)
    wrong = valid.numeric[:-1] + str((int(valid.numeric[-1]) + 1) % 10)
    add("13_numeric_mistyped.png", "numeric", "malformed", "the same digits with the last one mistyped: not a code "
        "(a typo, not a forgery; it never touches the real code)", keyed=wrong)
    base = qr_image(valid.text, box=8)
    for n, (name, settings) in enumerate(DEGRADED, start=14):
        frame = synth_frame(base, seed=n, **settings).frame
        add(f"{n}_degraded_{name}.png", f"degraded_{name}", "ok", f"the valid code, {name.replace('_', ' ')} "
            "(a webcam's view of a print)", image=frame, nonce=valid.nonce)

    manifest = {
        "format": FORMAT, "as_of": as_of, "as_of_iso": to_iso(as_of), "valid_until": valid.expires_at,
        "policy": lab.policy.name, "issuer_key_id": lab.codes.ensure_issuer_key(), "database": str(core.db.path),
        "instructions": (f"Verdicts hold at as_of. Before feeding this folder to a till, set the shared clock: "
                         f"qrpay clock set {to_iso(as_of)}; valid codes then stay valid for "
                         f"{int(valid.expires_at - as_of)} seconds. 'keyed' entries are typed in (see the .txt)."),
        "codes": entries,
    }
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    return manifest


def _customer(core: "Core", email: str, name: str, password: str, balance: int):
    from shared import ledger, totp
    from shared.attacks.world import Person

    enrol = core.identity.register(email, name, password)
    core.identity.confirm_totp(email, totp.totp_code(enrol.totp_secret, core.now() - totp.STEP_SECONDS))
    if balance:
        with core.db.write() as conn:
            ledger.opening_balance(conn, enrol.customer_id, balance, key=f"lab-seed:{enrol.customer_id}",
                                   at=core.now(), memo="QA lab balance")
    return Person(enrol.customer_id, enrol.email, name, password, enrol.totp_secret)


def _totp(core: "Core", person) -> str:
    from shared import totp

    return totp.totp_code(person.totp_secret, core.now())


def _sign_in(core: "Core", person) -> str:
    return core.identity.sign_in(person.email, person.password, totp=_totp(core, person), device="qa-lab",
                                 source="qa-lab").token


def load_manifest(directory: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"{path} does not exist: run `qrpay lab make-codes {directory}` first.") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{path} cannot be read as a lab manifest ({e}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("codes"),
                                                                                            list):
        raise InputError(f"{path} is not a qrpay lab manifest of format {FORMAT}.")
    return manifest


def scan_image(path: Path) -> list[str]:
    """Every QR text the till's scanning pipeline reads in the image (product barcodes included:
    the till must be able to tell them apart)."""
    from shared.scanning import ScanPipeline, decoder_named, open_source

    source = open_source(path)
    try:
        pipeline = ScanPipeline(source, decoder_named("cascade"), cooldown_s=0.0)
        for result in pipeline.results(max_frames=1):
            return [d.text for d in result.decoded]
        return []
    finally:
        source.release()


def check_codes(core: "Core", directory: str | os.PathLike[str], *, at: float | None = None) -> list[Mismatch]:
    """Read every image of the folder through the real scanning pipeline, ask the core for the
    verdict at `at` (default: the manifest's as_of) and list every difference from the manifest."""
    folder = Path(directory)
    manifest = load_manifest(folder)
    lab = _lab_core(core, float(manifest["as_of"] if at is None else at))
    key = lab.codes.ensure_issuer_key()
    if manifest.get("issuer_key_id") not in (None, key):
        return [Mismatch(MANIFEST, str(manifest.get("issuer_key_id")), key,
                         "these codes were made with another database: use the database named in the manifest")]
    if lab.policy.name != manifest.get("policy"):
        return [Mismatch(MANIFEST, f"policy {manifest.get('policy')}", f"policy {lab.policy.name}",
                         "switch the database to the manifest's policy first")]
    mismatches: list[Mismatch] = []
    for entry in manifest["codes"]:
        file, expected = str(entry.get("file")), str(entry.get("verdict"))
        if entry.get("input") == "keyed":
            try:
                texts = [(folder / str(entry["text_file"])).read_text(encoding="ascii").strip()]
            except (OSError, KeyError, UnicodeDecodeError) as e:
                mismatches.append(Mismatch(file, expected, "unreadable", f"the keyed-in text is missing: {e}"))
                continue
        else:
            if not (folder / file).is_file():
                mismatches.append(Mismatch(file, expected, "missing", "the image is not in the folder"))
                continue
            texts = scan_image(folder / file)
        if not texts:
            mismatches.append(Mismatch(file, expected, "unreadable", "the scanner found no code in the image"))
            continue
        verdict = lab.codes.inspect(texts[0])
        got = str(verdict.get("verdict"))
        if got != expected:
            mismatches.append(Mismatch(file, expected, got, str(verdict.get("message", ""))))
        elif entry.get("nonce") and verdict.get("nonce") != entry["nonce"]:
            mismatches.append(Mismatch(file, expected, got, "a different code than the manifest names was read"))
    return mismatches


def mismatches_json(mismatches: list[Mismatch]) -> list[dict[str, str]]:
    return [asdict(m) for m in mismatches]
