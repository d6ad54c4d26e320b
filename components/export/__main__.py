"""``python -m components.export``: see components/export/cli.py."""

import sys

from components.export.cli import main

sys.exit(main())
