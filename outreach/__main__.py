"""Run the command line with ``python -m outreach``."""

from __future__ import annotations

import gc
import sys

gc.disable()  # until the app has started (cli.main turns it on for other commands)

from outreach.cli import main  # noqa: E402

sys.exit(main())
