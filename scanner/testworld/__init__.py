"""The test world: a local shop website and its fake third parties, for demos and e2e tests.

``running_test_world()`` runs it in a subprocess; ``TestWorldServer`` runs it in-process.
Chromium reaches the fake hosts with ``--host-resolver-rules=MAP * 127.0.0.1`` and trusts
the generated certificate with ``--ignore-certificate-errors-spki-list=<spki_sha256>``.
"""

from pathlib import Path

from .hosts import ALL_HOSTS, WorldUrls
from .runner import TestWorld, TestWorldError, running_test_world
from .server import TestWorldServer

DEMO_VENDORS = Path(__file__).with_name("vendors.json")
"""The fake vendors as a user's own vendor catalog file describes them."""

__all__ = [
    "ALL_HOSTS",
    "DEMO_VENDORS",
    "TestWorld",
    "TestWorldError",
    "TestWorldServer",
    "WorldUrls",
    "running_test_world",
]
