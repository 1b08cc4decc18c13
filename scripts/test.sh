#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the whole test suite: the architecture
# contract (the payment core imports no Qt) and pytest, GUI tests offscreen, a few under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export PYTHONDONTWRITEBYTECODE=1
echo "== import contracts"
.venv/bin/lint-imports
echo "== pytest"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ $status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi
exit $status
