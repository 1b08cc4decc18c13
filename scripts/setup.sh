#!/usr/bin/env bash
# Sets up a fresh Debian 12 / Ubuntu 22.04+ machine for qrpay-sim, and is safe to run again:
# system packages (apt, as root or through sudo), a virtual environment in .venv, the project.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(xvfb xauth xdotool imagemagick libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libzbar0 zbar-tools qrencode oathtool
  fonts-noto-cjk python3-venv chromium)
# chromium: Debian's browser, driven by Playwright in tests/web/ (never `playwright install`: its own
# browser build is a download the tests do not need)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# PostgreSQL (15 or later) for the shared-server backend and its tests (scripts/pg_throwaway.sh),
# unless its server binaries are already here. Debian would also create and start a "main"
# cluster on port 5432: the tests do not need it, so that is switched off before installing.
pg_found=0
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_found=1; done
if [ $pg_found -eq 0 ]; then
  missing+=(postgresql)
  if [ "$(id -u)" -eq 0 ] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"
  else
    echo "qrpay-sim needs these system packages; run this as root, then run this script again:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "== installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.qrpay-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "== installing qrpay-sim and its test tools into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
echo "== set-up done"
