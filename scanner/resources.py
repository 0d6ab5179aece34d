"""Where the project's data folders (schemas, rules, templates) are found.

In an installed wheel they are mapped into ``scanner/_data``; in a source checkout
they are the repository's top-level folders.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALLED_NAMES = {"schemas": "schemas", "rules": "rules", "templates": "templates"}
_SOURCE_NAMES = {"schemas": "schemas", "rules": "rules", "templates": "reports/templates"}


def data_dir(name: str) -> Path:
    """Return the folder holding the named data set (``schemas``, ``rules``, ``templates``)."""
    installed = _PACKAGE_DIR / "_data" / _INSTALLED_NAMES[name]
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / _SOURCE_NAMES[name]


@cache
def load_schema(file_name: str) -> dict[str, Any]:
    """Load one of the project's JSON Schemas by file name."""
    return json.loads((data_dir("schemas") / file_name).read_text(encoding="utf-8"))
