"""Entry point of the application bundle: the ``outreach`` command line."""

import gc
import multiprocessing
import sys

gc.disable()  # until the app has started (cli.main turns it on for other commands)

from outreach.cli import main  # noqa: E402

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
