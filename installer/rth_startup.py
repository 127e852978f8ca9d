"""Runs first in the bundle, before PyInstaller's own runtime hooks (which import Qt).

No garbage collection while the app starts: outreach.cli.main turns it back on at once
for a command, and outreach.ui.app once the window shows.
"""

import gc

gc.disable()
