"""Files of the real tracking libraries, served unmodified from the pinned npm install.

``scripts/setup.sh`` runs ``npm ci`` in ``scanner/testworld/npm``; without it the real
shop's library files answer 503 and say so.
"""

from functools import cache
from pathlib import Path

from ..messages import JAVASCRIPT, Response, text

NPM_DIR = Path(__file__).resolve().parents[1] / "npm"
NODE_MODULES = NPM_DIR / "node_modules"


def npm_installed() -> bool:
    """Whether the pinned libraries are installed (``npm ci`` has run)."""
    return (NODE_MODULES / ".package-lock.json").is_file()


@cache
def _read(relative: str) -> bytes | None:
    path = (NODE_MODULES / relative).resolve()
    if NODE_MODULES.resolve() not in path.parents or not path.is_file():
        return None
    return path.read_bytes()


def npm_file(relative: str, content_type: str = JAVASCRIPT) -> Response:
    """``node_modules/<relative>`` as it is on disk, or 404 (503 when nothing is installed)."""
    if not npm_installed():
        return text("503 the real libraries are not installed: run scripts/setup.sh\n", 503)
    body = _read(relative)
    if body is None:
        return text(f"404 not in node_modules: {relative}\n", 404)
    return Response(200, body, content_type)


def gzipped_npm_file(relative: str, content_type: str = JAVASCRIPT) -> Response:
    """A pre-compressed ``.gz`` file sent as its content with ``Content-Encoding: gzip``,
    as the vendors' CDNs serve them."""
    response = npm_file(relative, content_type)
    if response.status == 200:
        response.with_header("Content-Encoding", "gzip")
    return response
