"""Entry point of the application bundle: the ``outreach`` command line."""

import multiprocessing
import sys

from outreach.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
