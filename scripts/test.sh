#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the whole test suite: the architecture
# contract (the payment core imports no Qt) and pytest, GUI tests offscreen, a few under Xvfb,
# the core's tests on SQLite and on PostgreSQL (a throwaway cluster, scripts/pg_throwaway.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export PYTHONDONTWRITEBYTECODE=1
# PostgreSQL: the tests' own throwaway cluster, unless QRPAY_TEST_DATABASE_URL names one already.
# Stopped (and its folder removed) on every exit, failed tests included.
if [ -z "${QRPAY_TEST_DATABASE_URL:-}" ]; then
  echo "== starting a throwaway PostgreSQL cluster"
  eval "$(scripts/pg_throwaway.sh start)"
  trap 'scripts/pg_throwaway.sh stop "$QRPAY_PG_DIR"' EXIT
fi
echo "== import contracts"
.venv/bin/lint-imports
echo "== pytest"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ $status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi
exit $status
