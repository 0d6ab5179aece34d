"""``python -m scanner`` is the ``scanner`` command."""

import sys

from scanner.cli import main

sys.exit(main())
