#!/usr/bin/env bash
# The e2e test files to run, one per line, for scripts/test-e2e.sh. The browser tests (the
# editor, the email and the dashboard) need Debian's Chromium (never a browser download): when
# it is missing, it is installed if this user may (root with apt-get; E2E_INSTALL_CHROMIUM=no
# forbids it); otherwise those files are left out and one line on stderr says how to get them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ] && [ "${E2E_INSTALL_CHROMIUM:-yes}" != no ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[test:e2e] installing Debian's chromium for the browser tests" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 || true
fi
if [ -x "$chromium" ]; then
  find tests/e2e -name '*.test.ts' | sort
else
  echo "[test:e2e] skipping the browser tests (*.browser.test.ts): no Chromium at $chromium; install Debian's (apt-get install chromium) to run them" >&2
  find tests/e2e -name '*.test.ts' -not -name '*.browser.test.ts' | sort
fi
