#!/usr/bin/env bash
# `npm run test:e2e`: the shipped workflow inside a real n8n (installed into the cache on first
# use, ~6 minutes), through its CLI and its server, with real Slack and SMTP receivers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-n8n.sh
files_list=$(bash scripts/e2e-files.sh)   # installs Debian's Chromium when missing and it may, else leaves the browser tests out
mapfile -t files <<<"$files_list"
# Servers the tests start watch this PID (scripts/n8n/watchdog.cjs): exec keeps it, so they die with the runner, even SIGKILLed.
export E2E_RUNNER_PID=$$
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
