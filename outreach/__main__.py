"""Run the command line with ``python -m outreach``."""

from __future__ import annotations

import gc
import sys

# No garbage collection while the app starts: outreach.cli.main turns it back on.
gc.disable()

from outreach.cli import main  # noqa: E402

sys.exit(main())
