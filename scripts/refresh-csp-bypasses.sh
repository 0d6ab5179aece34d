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
version=$1
root=$(cd "$(dirname "$0")/.." && pwd)
target=$root/rules/csp-bypasses
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "csp_evaluator@$version" >/dev/null)
tar -xzf "$work"/csp_evaluator-"$version".tgz -C "$work"
package=$work/package
packed_version=$(node -p "require('$package/package.json').version")
if [ "$packed_version" != "$version" ]; then
    echo "npm delivered version $packed_version, not $version" >&2
    exit 1
fi

files=(jsonp.json angular.json flash.json)
for file in "${files[@]}"; do
    cp "$package/allowlist_bypasses/json/$file" "$target/$file"
done
cp "$package/LICENSE" "$target/LICENSE"
date=$(date -u +%Y-%m-%d)
checksums=""
for file in "${files[@]}"; do
    sum=$(sha256sum "$target/$file" | cut -d' ' -f1)
    checksums="$checksums    \"$file\": \"$sum\","$'\n'
done
cat > "$target/source.json" <<JSON
{
  "package": "csp_evaluator",
  "version": "$version",
  "retrieved": "$date",
  "license": "Apache-2.0",
  "sha256": {
${checksums%,$'\n'}
  }
}
JSON
sed -i \
    -e "s/^- Version: .*/- Version: $version/" \
    -e "s/^- Retrieved: .*/- Retrieved: $date/" \
    "$target/README.md"
echo "csp_evaluator $version bypass lists copied to $target"
