# Shared steps of the scripts that refresh third-party data shipped under rules/ from a
# pinned npm package. Source it, then:
#
#   npm_data_fetch PACKAGE VERSION      -> sets $package: the unpacked package folder
#   npm_data_copy FROM TO               -> copies a file of the package, unchanged
#   npm_data_record TARGET PACKAGE VERSION LICENCE FILE...
#                                       -> writes TARGET/source.json (version, date, the
#                                          SHA-256 of each FILE) and updates the Version
#                                          and Retrieved lines of TARGET/README.md
set -euo pipefail

npm_data_work=$(mktemp -d)
trap 'rm -rf "$npm_data_work"' EXIT

npm_data_fetch() {
    local name=$1 version=$2 tarball
    (cd "$npm_data_work" && npm pack --silent "$name@$version" >/dev/null)
    tarball=$(ls "$npm_data_work"/*.tgz)
    tar -xzf "$tarball" -C "$npm_data_work"
    package=$npm_data_work/package
    local packed
    packed=$(node -p "require('$package/package.json').version")
    if [ "$packed" != "$version" ]; then
        echo "npm delivered $name $packed, not $version" >&2
        exit 1
    fi
}

npm_data_copy() {
    mkdir -p "$(dirname "$2")"
    cp "$package/$1" "$2"
}

npm_data_record() {
    local target=$1 name=$2 version=$3 licence=$4
    shift 4
    local date checksums="" file sum
    date=$(date -u +%Y-%m-%d)
    for file in "$@"; do
        sum=$(sha256sum "$target/$file" | cut -d' ' -f1)
        checksums="$checksums    \"$file\": \"$sum\","$'\n'
    done
    cat > "$target/source.json" <<JSON
{
  "package": "$name",
  "version": "$version",
  "retrieved": "$date",
  "license": "$licence",
  "sha256": {
${checksums%,$'\n'}
  }
}
JSON
    sed -i \
        -e "s/^- Version: .*/- Version: $version/" \
        -e "s/^- Retrieved: .*/- Retrieved: $date/" \
        "$target/README.md"
}
