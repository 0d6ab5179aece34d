#!/usr/bin/env bash
# Refresh the bundled CSP allowlist-bypass data to VERSION of the npm package csp_evaluator.
#
#   scripts/refresh-csp-bypasses.sh 1.1.8
#
# Downloads the package with `npm pack` into a temporary folder, copies its
# allowlist_bypasses/json/{jsonp,angular,flash}.json and LICENSE unchanged into
# rules/csp-bypasses/, and records the version, date and SHA-256 of each copied file in
# source.json and README.md there. Then run
#   .venv/bin/python -m pytest tests/test_csp.py tests/test_csp_evaluator_parity.py -q
# (the parity test compares the scanner with the package installed under tests/references:
# bump csp_evaluator in tests/references/package.json to the same VERSION).
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 VERSION   (e.g. 1.1.8; see: npm view csp_evaluator version)" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/npm-data.sh
source "$root/scripts/lib/npm-data.sh"
target=$root/rules/csp-bypasses

npm_data_fetch csp_evaluator "$1"
files=(jsonp.json angular.json flash.json)
for file in "${files[@]}"; do
    npm_data_copy "allowlist_bypasses/json/$file" "$target/$file"
done
npm_data_copy LICENSE "$target/LICENSE"
npm_data_record "$target" csp_evaluator "$1" Apache-2.0 "${files[@]}"
echo "csp_evaluator $1 bypass lists copied to $target"
