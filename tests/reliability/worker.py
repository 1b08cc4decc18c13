"""The child-process workloads of the reliability suite (run as a script, never imported by pytest).

    python worker.py crash --db F --creds F --run N --seed S
        payments, top-ups and refunds in a loop until killed. Before each operation it prints an
        `intent` line (enough for the parent to retry it), and an `ack` line only after the call
        returned, i.e. after its transaction committed.
    python worker.py serve --db F --creds F --name W
        a till at full speed: prints `{"ready": ...}`, then for every JSON task line on stdin
        runs it as fast as it can and prints one JSON result line. Tasks: `redeem` (a pool of codes,
        every till tries every code), `sign_in` / `step_up` / `top_up` (one TOTP code, submitted by
        every process at once), `quit`.

One JSON object per line on stdout, flushed at once, so a SIGKILL loses at most the line being
written (the parent only trusts complete lines).
"""
from __future__ import annotations

import json
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shared.clock import FixedClock  # noqa: E402
from shared.core import Core  # noqa: E402
from shared.errors import QrpayError, StorageError  # noqa: E402
from tests.reliability.helpers import (JANS, TOPUP_CARD, Driver, clerk_of, fast_hasher,  # noqa: E402
                                       supervisor_of)


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _args(argv: list[str]) -> dict[str, str]:
    out = {"mode": argv[0]}
    for k, v in zip(argv[1::2], argv[2::2]):
        out[k.lstrip("-")] = v
    return out


def random_cart(rng: random.Random) -> list[list]:
    return [[jan, rng.randint(1, 3)] for jan in rng.sample(JANS, rng.randint(1, 3))]


# -- crash: a loop of money-moving operations, killed from outside ----------------------------------------
def crash(args: dict[str, str]) -> None:
    demo = json.loads(Path(args["creds"]).read_text(encoding="utf-8"))
    run, rng = int(args["run"]), random.Random(f"{args['seed']}:{args['run']}")
    core = Core.open(args["db"], clock=FixedClock(0))
    # Start an hour after the last thing the database saw, so no TOTP step or code of an earlier run
    # (or of the parent's retries) is reused, and time only moves forward.
    latest = max([r.at for r in core.audit_recent(limit=50)] + [demo["seeded_until"]])
    core.clock.set(latest + 3600)
    driver = Driver(core, demo)
    clerk, supervisor = clerk_of(demo), supervisor_of(demo)
    paid: list[tuple[str, list]] = []
    emit({"op": "started", "run": run, "at": core.now()})
    i = 0
    while True:
        i += 1
        core.clock.advance(rng.randint(30, 400))
        op = rng.choices(("pay", "topup", "refund"), (6, 2, 2))[0]
        cust = rng.randrange(len(demo["customers"]))
        try:
            if op == "pay":
                issued = driver.issue(cust)
                lines, sale_id = random_cart(rng), f"r{run}-s{i}"
                emit({"op": "pay", "state": "intent", "sale_id": sale_id, "code": issued.text, "lines": lines,
                      "at": core.now(), "customer": cust})
                sale = core.sales.pay(terminal_id=rng.choice(("T1", "T2")), clerk_id=clerk["id"], code=issued.text,
                                      lines=lines, sale_id=sale_id)
                emit({"op": "pay", "state": "ack", "sale_id": sale.id, "total": sale.total,
                      "terminal": sale.terminal_id})
                paid.append((sale.id, lines))
            elif op == "topup":
                key, amount = f"r{run}-t{i}", rng.choice((500, 1_000, 3_000))
                driver.session(cust)  # sign in first, so the intent's time is the top-up's own
                emit({"op": "topup", "state": "intent", "key": key, "amount": amount, "at": core.now(),
                      "customer": cust})
                t = driver.top_up(cust, amount, idempotency_key=key)
                emit({"op": "topup", "state": "ack", "key": key, "id": t.id, "amount": t.amount, "customer": cust})
            elif paid:
                sale_id, lines = rng.choice(paid)
                part = None if rng.random() < 0.5 else [[lines[0][0], 1]]
                refund_id = f"r{run}-f{i}"
                emit({"op": "refund", "state": "intent", "refund_id": refund_id, "sale_id": sale_id,
                      "lines": part, "at": core.now()})
                r = core.refunds.refund(sale_id=sale_id, lines=part, supervisor_id=supervisor["id"],
                                        pin=supervisor["pin"], refund_id=refund_id)
                emit({"op": "refund", "state": "ack", "refund_id": r.id, "total": r.total})
        except StorageError as e:
            emit({"op": op, "state": "storage_error", "code": e.code, "message": e.message})
            raise
        except QrpayError as e:
            emit({"op": op, "state": "refused", "code": e.code})


# -- serve: a till (or a phone) taking tasks at full speed ---------------------------------------------
def serve(args: dict[str, str]) -> None:
    demo = json.loads(Path(args["creds"]).read_text(encoding="utf-8"))
    name = args["name"]
    core = Core.open(args["db"], clock=FixedClock(0))
    clerk = clerk_of(demo)
    core.policy  # noqa: B018 - warm up the connection before the first race
    emit({"ready": name})
    for line in sys.stdin:
        task = json.loads(line)
        kind = task["task"]
        if kind == "quit":
            break
        core.clock.set(task["now"])
        if kind == "redeem":
            emit(redeem(core, task, name, clerk["id"]))
        else:
            emit(one_factor(core, task, kind))
    core.close()


def redeem(core: Core, task: dict, name: str, clerk_id: int) -> dict:
    pool = json.loads(Path(task["pool"]).read_text(encoding="utf-8"))
    order = list(range(len(pool)))
    random.Random(f"{name}:{task['round']}").shuffle(order)
    ok, refused, failures = [], {}, []
    started = time.monotonic()  # system-wide on Linux: the parent compares the tills' windows
    for k in order:
        code = pool[k]
        presented = code["numeric"] if code["form"] == "numeric" else code["text"]
        try:
            sale = core.sales.pay(terminal_id=task["terminal"], clerk_id=clerk_id, code=presented,
                                  lines=code["lines"], sale_id=f"{name}-{task['round']}-{k}")
            ok.append([k, sale.id, sale.total])
        except StorageError as e:  # "database is locked" must never reach a clerk
            failures.append(f"{e.code}: {e.message}")
        except QrpayError as e:
            refused[e.code] = refused.get(e.code, 0) + 1
        except Exception as e:  # noqa: BLE001 - reported to the parent, which fails the test
            failures.append(f"{type(e).__name__}: {e}")
    return {"name": name, "round": task["round"], "ok": ok, "refused": refused, "failures": failures,
            "window": [started, time.monotonic()]}


def one_factor(core: Core, task: dict, kind: str) -> dict:
    try:
        if kind == "sign_in":
            core.identity.sign_in(task["email"], task["password"], totp=task["totp"], device="till-race")
        elif kind == "step_up":
            core.identity.step_up(task["token"], totp=task["totp"])
        elif kind == "top_up":
            core.topups.top_up(task["token"], task["amount"], TOPUP_CARD, totp=task["totp"])
        else:
            raise ValueError(kind)
        return {"outcome": "ok"}
    except StorageError as e:
        return {"outcome": "failure", "detail": f"{e.code}: {e.message}"}
    except QrpayError as e:
        return {"outcome": e.code}
    except Exception as e:  # noqa: BLE001
        return {"outcome": "failure", "detail": f"{type(e).__name__}: {e}"}


def main() -> int:
    args = _args(sys.argv[1:])
    fast_hasher()
    try:
        {"crash": crash, "serve": serve}[args["mode"]](args)
    except Exception:  # noqa: BLE001 - the parent shows this and fails
        traceback.print_exc()
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
