#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then starts the demo: a fresh demo database with
# demo data, the till, the wallet and the authenticator side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/qrpay demo "$@"
