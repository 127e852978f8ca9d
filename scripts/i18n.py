"""Keep the UI catalogues in step with the code.

python scripts/i18n.py extract   # update translations/outreach.pot from the code
python scripts/i18n.py update    # merge the template into every language's .po
python scripts/i18n.py init LANG # start a catalogue for a new UI language
python scripts/i18n.py compile   # write .mo files (the installer does this)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "translations" / "outreach.pot"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    action = argv[0]
    if action == "extract":
        pybabel(
            "extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output",
            "--project=Outreach", "--copyright-holder=Outreach contributors",
            "-o", str(TEMPLATE), "outreach",
        )  # fmt: skip
    elif action == "update":
        pybabel("update", "-i", str(TEMPLATE), "-d", "translations", "-D", "outreach",
                "--no-fuzzy-matching", "--ignore-obsolete")  # fmt: skip
    elif action == "init":
        pybabel("init", "-i", str(TEMPLATE), "-d", "translations", "-D", "outreach", "-l", argv[1])
    elif action == "compile":
        pybabel("compile", "-d", "translations", "-D", "outreach", "--statistics")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
