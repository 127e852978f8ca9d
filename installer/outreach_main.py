"""Entry point of the application bundle: the ``outreach`` command line."""

import sys

from outreach.cli import main

if __name__ == "__main__":
    sys.exit(main())
