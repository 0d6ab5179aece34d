"""``python -m scanner.cli`` is the ``scanner`` command."""

import sys

from scanner.cli.entry import main

sys.exit(main())
