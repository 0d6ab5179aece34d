#!/usr/bin/env bash
# Installs everything the scanner needs on a Debian machine: Chromium from Debian (the
# browser Playwright drives; Playwright's own browser download is not used), fonts for the
# PDF report, and the Python environment in .venv. Safe to run again: it only does what
# is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# chromium: the browser; fonts-wqy-microhei: CJK glyphs for the PDF report (DejaVu, already
# on the machine, covers Latin, Greek, Cyrillic, Hebrew and Arabic); poppler-utils:
# pdftotext/pdffonts, which the tests use to read the PDF back; postgresql: the server
# binaries (initdb, pg_ctl) the tests start a throwaway PostgreSQL server with, to run the
# history database tests against real PostgreSQL as well as SQLite; redis-server: the
# server the distributed-crawl tests start (tests/redis_server.py) and .ci/run starts.
missing=()
for package in chromium fonts-wqy-microhei poppler-utils postgresql redis-server; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} (apt-get)" >&2
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv" >&2
    python3 -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "setup: installing the scanner and its test tools into .venv (pip)" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    touch "$stamp"
fi

# node and npm: the real tracking libraries that the test world's real shop serves (pinned
# in scanner/testworld/npm/package-lock.json), and lz-string for the tests' own decoder.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup: installing nodejs npm (apt-get)" >&2
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        nodejs npm >/dev/null
fi
# npm_install DIR WHAT: `npm ci` of DIR's lock file unless already installed from it. Install
# scripts never run (one reference tool's would download lists from the internet).
npm_install() {
    npm_stamp=$1/node_modules/.package-lock.json
    if [ ! -f "$npm_stamp" ] || [ "$1/package-lock.json" -nt "$npm_stamp" ]; then
        echo "setup: installing $2 (npm ci)" >&2
        (cd "$1" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
        touch "$npm_stamp"
    fi
}
npm_install scanner/testworld/npm "the test world's tracking libraries"
# The reference tools the security checks are compared with in the tests (pinned in
# tests/references/package-lock.json): MDN HTTP Observatory, CSP Evaluator, tough-cookie,
# and the IAB TCF and GPP libraries the consent-string decoder is compared with.
npm_install tests/references "the reference tools for the tests"
