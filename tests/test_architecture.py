"""The core never imports Qt: everything but ``outreach.ui`` works without a window."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import outreach


def test_core_modules_do_not_import_qt():
    modules = [
        m.name
        for m in pkgutil.walk_packages(outreach.__path__, "outreach.")
        if not m.name.startswith(("outreach.ui", "outreach.migrations", "outreach.__main__"))
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"core imported Qt: {result.stdout}"
    assert "outreach.cli" in modules and "outreach.advice.search" in modules
