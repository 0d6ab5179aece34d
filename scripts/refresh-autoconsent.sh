#!/usr/bin/env bash
# Refresh the bundled DuckDuckGo autoconsent (consent-banner automation) to VERSION of the
# npm package @duckduckgo/autoconsent.
#
#   scripts/refresh-autoconsent.sh 16.23.0
#
# Copies the package's page bundle (dist/autoconsent.playwright.js), its rule set
# (rules/rules.json) and LICENSE unchanged into rules/autoconsent/, and records the
# version, date and SHA-256 of each file in source.json and README.md there. Its rules
# change almost daily upstream: refresh on purpose, then run
#   .venv/bin/python -m pytest tests/test_autoconsent_bundle.py tests/test_consent_states.py -q
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 VERSION   (e.g. 16.23.0; see: npm view @duckduckgo/autoconsent version)" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/npm-data.sh
source "$root/scripts/lib/npm-data.sh"
target=$root/rules/autoconsent

npm_data_fetch @duckduckgo/autoconsent "$1"
npm_data_copy dist/autoconsent.playwright.js "$target/autoconsent.playwright.js"
npm_data_copy rules/rules.json "$target/rules.json"
npm_data_copy LICENSE "$target/LICENSE"
npm_data_record "$target" @duckduckgo/autoconsent "$1" MPL-2.0 \
    autoconsent.playwright.js rules.json
echo "@duckduckgo/autoconsent $1 copied to $target"
