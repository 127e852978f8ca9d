"""Run the command line with ``python -m outreach``."""

from __future__ import annotations

import sys

from outreach.cli import main

sys.exit(main())
