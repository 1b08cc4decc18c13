"""The OpenAPI spec of the service, as committed in docs/openapi.json (tests/test_service_spec.py checks that it
equals what a running server serves at /openapi.json).

    python -m shared.service.spec > docs/openapi.json
"""
from __future__ import annotations

import json
import sys
import tempfile
from typing import Any


def spec() -> dict[str, Any]:
    from shared.service.app import create_app
    from shared.service.worlds import SqliteWorldStore
    with tempfile.TemporaryDirectory(prefix="qrpay-spec-") as tmp:
        store = SqliteWorldStore(tmp)
        try:
            return create_app(store, "spec-only-token-0123456789").openapi()
        finally:
            store.close()


def text() -> str:
    return json.dumps(spec(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())
