#!/usr/bin/env bash
# Installs the Debian 12 packages TickStock needs, only those missing (idempotent).
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config ccache
      libboost1.81-dev libssl-dev libpq-dev libsimdjson-dev libfmt-dev catch2
      libhiredis-dev libsodium-dev zlib1g-dev libbenchmark-dev
      libcairo2-dev              # equity.png of the backtest reports
      postgresql-15 postgresql-client-15 redis-server
      clang libclang-rt-14-dev   # clang: the libFuzzer target
      clang-tidy                 # scripts/tidy.sh
      chromium fonts-dejavu-core)  # the dashboard's browser tests (headless)
# Node and npm for the dashboard's charting library and browser tests: Debian's, unless this
# machine has them already (e.g. from another source).
command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The dashboard's npm packages (exact versions from web/package-lock.json), when missing or
# older than the lock file.
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch node_modules
fi
