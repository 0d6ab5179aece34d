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
# pdftotext/pdffonts, which the tests use to read the PDF back.
missing=()
for package in chromium fonts-wqy-microhei poppler-utils; do
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
