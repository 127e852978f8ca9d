"""Guard against a Qt binding that corrupts reference counts (seen in PySide6 6.12.0).

Qt's views read a Python model's ``data()`` from C++ thousands of times; a binding that
releases the returned ``None`` once too often aborts the process some time later.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QAbstractListModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication
app = QApplication([])
class Model(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 1
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None
proxy = QSortFilterProxyModel()
model = Model()
proxy.setSourceModel(model)
before = sys.getrefcount(None)
for _ in range(20000):
    proxy.data(proxy.index(0, 0), Qt.ItemDataRole.ToolTipRole)
print("ok", sys.getrefcount(None) >= before)
"""


def test_reading_a_python_model_from_cpp_keeps_none_alive():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ok", "True"]
