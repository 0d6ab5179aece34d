#!/usr/bin/env bash
# Refresh the bundled third-party-web entity data to VERSION of the npm package.
#
#   scripts/refresh-third-party-web.sh 0.30.0
#
# Downloads the package with `npm pack` into a temporary folder, copies its
# dist/entities-nostats.json and LICENSE unchanged into rules/third-party-web/,
# and records the version, date and SHA-256 of the copied file in source.json and
# README.md there. Review the category mapping (categories.json) afterwards: a test
# fails when the new data uses a category it does not map.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 VERSION   (e.g. 0.30.0; see: npm view third-party-web version)" >&2
    exit 2
fi
version=$1
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/npm-data.sh
source "$root/scripts/lib/npm-data.sh"
target=$root/rules/third-party-web

npm_data_fetch third-party-web "$version"
npm_data_copy dist/entities-nostats.json "$target/entities-nostats.json"
npm_data_copy LICENSE "$target/LICENSE"
date=$(date -u +%Y-%m-%d)
sha256=$(sha256sum "$target/entities-nostats.json" | cut -d' ' -f1)
cat > "$target/source.json" <<JSON
{
  "package": "third-party-web",
  "version": "$version",
  "retrieved": "$date",
  "license": "MIT",
  "file": "entities-nostats.json",
  "sha256": "$sha256"
}
JSON
sed -i \
    -e "s/^- Version: .*/- Version: $version/" \
    -e "s/^- Retrieved: .*/- Retrieved: $date/" \
    "$target/README.md"
echo "third-party-web $version copied to $target (sha256 $sha256)"
