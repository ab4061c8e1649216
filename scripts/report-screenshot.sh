#!/usr/bin/env bash
# Renders a report.html (the reconciliation's or the tariff comparison's) to PNG in
# headless Chromium (Debian's package),
# as finance sees it: [HEIGHT=px] scripts/report-screenshot.sh OUT_DIR [PNG]
set -euo pipefail
dir="${1:?usage: report-screenshot.sh OUT_DIR [PNG]}"
png="${2:-docs/reconciliation-report.png}"
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$(mktemp -d)" --window-size=1100,"${HEIGHT:-1400}" \
  --screenshot="$(realpath -m "$png")" "file://$(realpath "$dir")/report.html" 2>/dev/null
echo "wrote $png"
