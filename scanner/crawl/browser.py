"""Which Chromium to launch, and how, so that it behaves like a visitor's browser.

Two choices matter for an audit:
- third-party cookies are accepted (the default profile of Chromium blocks them, but
  many visitors' browsers do not, and the audit must see what a site *tries* to set);
- one persistent profile for the whole crawl: one cookie jar, like one visitor.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from scanner.errors import BrowserNotFoundError

BROWSER_ENV_VAR = "SCANNER_CHROMIUM"
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# As root on a closed network: no sandbox (root), and no background traffic that would
# both pollute the capture and hang on unreachable hosts.
BASE_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--no-default-browser-check",
)

ACCEPT_THIRD_PARTY_COOKIES = {
    "profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False},
}


def find_browser(configured: str = "") -> str:
    """Path of the Chromium executable: the setting, then $SCANNER_CHROMIUM, then PATH."""
    explicit = configured or os.environ.get(BROWSER_ENV_VAR, "")
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise BrowserNotFoundError(
            f"browser {explicit!r} is not an executable file; "
            f"fix browser_path / ${BROWSER_ENV_VAR} or install Chromium (apt-get install chromium)"
        )
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError(
        "no Chromium found on PATH; install it (apt-get install chromium) "
        f"or point ${BROWSER_ENV_VAR} / browser_path at a Chromium executable"
    )


def prepare_profile(profile_dir: Path) -> Path:
    """Write a fresh profile whose preferences accept third-party cookies."""
    default = profile_dir / "Default"
    default.mkdir(parents=True, exist_ok=True)
    (default / "Preferences").write_text(json.dumps(ACCEPT_THIRD_PARTY_COOKIES), encoding="utf-8")
    return profile_dir


def launch_args(host_map: dict[str, str], trusted_spki: list[str]) -> list[str]:
    """Chromium command-line switches for a scan."""
    args = list(BASE_ARGS)
    if host_map:
        rules = ", ".join(f"MAP {pattern} {address}" for pattern, address in host_map.items())
        args.append(f"--host-resolver-rules={rules}")
    if trusted_spki:
        args.append(f"--ignore-certificate-errors-spki-list={','.join(trusted_spki)}")
    return args


def browser_version(executable: str) -> str:
    """'156.0.8078.73' from ``chromium --version``; '' if it cannot be told."""
    try:
        output = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", output)
    return match.group(1) if match else ""


def visitor_user_agent(version: str) -> str:
    """The user agent of a desktop Chromium of this version (headless mode says
    'HeadlessChrome', which sites and tags treat as a bot and may serve differently)."""
    major = version.split(".")[0] if version else "130"
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )
