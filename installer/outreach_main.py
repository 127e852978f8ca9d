"""Entry point of the application bundle: the ``outreach`` command line."""

import gc
import sys

# No garbage collection while the app starts: outreach.cli.main turns it back on.
gc.disable()

from outreach.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
