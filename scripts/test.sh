#!/usr/bin/env bash
# `npm test`: builds the package, then runs every engine-level and unit test with node's test runner.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run --silent build
npx tsc -p tsconfig.test.json --noEmit   # tests and scripts are strict TypeScript too
mapfile -t files < <(find tests -name '*.test.ts' -not -path 'tests/e2e/*' | sort)
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
