#!/usr/bin/env bash
# `npm run test:e2e`: the shipped workflow inside a real n8n (installed into the cache on first
# use, ~6 minutes), through its CLI and its server, with real Slack and SMTP receivers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-n8n.sh
mapfile -t files < <(find tests/e2e -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
