#!/usr/bin/env bash
# The long reliability runs of issue 8 (docs/RELIABILITY.md): >= 200 SIGKILLs, >= 2,000 raced
# redemptions per till count, 1,000 model runs of up to 50 steps, a 10-minute parser fuzz.
# Prints one "RELIABILITY <run> {figures}" line per run at the end; extra arguments go to pytest
# (e.g. -k crash). Knobs: QRPAY_CRASH_KILLS, QRPAY_TILL_CODES, QRPAY_TILL_ROUNDS, QRPAY_TOTP_ROUNDS,
# QRPAY_MODEL_RUNS, QRPAY_MODEL_STEPS, QRPAY_FUZZ_SECONDS, QRPAY_SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
export QRPAY_LONG=1
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export PYTHONDONTWRITEBYTECODE=1
log=$(mktemp -t qrpay-long-runs.XXXXXX.log)
started=$(date +%s)
status=0
.venv/bin/python -m pytest tests/reliability -m slow -q -s "$@" 2>&1 | tee "$log" || status=$?
echo
echo "== figures ($(( $(date +%s) - started )) s wall, full log: $log)"
grep -h '^RELIABILITY' "$log" || echo "(no figures: did every run fail or get deselected?)"
exit $status
