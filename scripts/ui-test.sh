#!/usr/bin/env bash
# ui-test.sh TICKSTOCKAPP ARTIFACTS_DIR: the dashboard's browser tests (web/tests, node --test)
# in headless Chromium against that binary. Exit 77 (skipped) without Chromium or the npm
# packages, except under CI=true, where that fails.
set -euo pipefail
cd "$(dirname "$0")/../web"
export TICKSTOCK_APP_BIN=${1:?tickstockapp binary}
export TICKSTOCK_UI_ARTIFACTS=${2:?artifacts directory}
missing=""
command -v node >/dev/null || missing="node"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -d node_modules/playwright-core ] || missing="$missing web/node_modules (npm ci)"
if [ -n "$missing" ]; then
  echo "ui-test: skipped: missing$([ -n "$missing" ] && echo " $missing") (scripts/deps.sh installs them)"
  [ "${CI:-}" = "true" ] && exit 1
  exit 77
fi
mkdir -p "$TICKSTOCK_UI_ARTIFACTS"
node --test tests/
