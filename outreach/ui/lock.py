"""The lock screen and the passphrase dialogs (the idle timer is in ``idle``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outreach import APP_NAME
from outreach.i18n import _


class LockPage(QWidget):
    """What the window shows while locked: no record, only a passphrase box."""

    unlock_requested = Signal(str)
    public_mode_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPage")
        self.setAutoFillBackground(True)
        self.icon = QLabel("\U0001f512")
        icon_font = QFont()
        icon_font.setPointSize(48)
        self.icon.setFont(icon_font)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        title_font = QFont()
        title_font.setPointSize(20)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setMinimumWidth(320)
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("QLabel#lockMessage { color: #b00020; font-weight: bold; }")
        self.public_button = QPushButton()  # a real button: flat, it read as plain text

        card = QFrame()
        card.setObjectName("lockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(520)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        inner.addWidget(self.icon)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        inner.addWidget(self.passphrase)
        inner.addWidget(self.unlock_button)
        inner.addWidget(self.message)
        inner.addWidget(self.public_button, 0, Qt.AlignmentFlag.AlignCenter)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.passphrase.returnPressed.connect(self._submit)
        self.unlock_button.clicked.connect(self._submit)
        self.public_button.clicked.connect(self.public_mode_requested)
        self._has_passphrase = True
        self.retranslate_ui()

    def set_has_passphrase(self, has: bool) -> None:
        """Without a passphrase anyone can unlock: say so rather than pretend."""
        self._has_passphrase = has
        self.passphrase.setVisible(has)
        self.message.clear()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("{app} is locked").format(app=APP_NAME))
        if self._has_passphrase:
            self.explain.setText(_("Records are hidden. Type your passphrase to unlock."))
        else:
            self.explain.setText(
                _(
                    "Records are hidden. No passphrase is set yet, so anyone can unlock: "
                    "set one in Preferences."
                )
            )
        self.passphrase.setPlaceholderText(_("Passphrase"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.unlock_button.setText(_("&Unlock"))
        self.public_button.setText(_("Public advice mode"))

    def _submit(self) -> None:
        text = self.passphrase.text()
        self.passphrase.clear()
        self.unlock_requested.emit(text)

    def reset(self) -> None:
        self.passphrase.clear()
        self.message.clear()
        self.passphrase.setFocus()

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.passphrase.setFocus()


class PassphraseDialog(QDialog):
    """Ask for the current passphrase (when one is set) and a new one, twice."""

    def __init__(self, has_passphrase: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._has_passphrase = has_passphrase
        self.setWindowTitle(_("Passphrase"))
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for field in (self.old, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        intro = QLabel(
            _(
                "The passphrase encrypts your records on this laptop and unlocks the app. "
                "Without it the records cannot be read, so keep it safe."
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        if has_passphrase:
            form.addRow(_("C&urrent passphrase:"), self.old)
        else:
            self.old.hide()
        form.addRow(_("&New passphrase:"), self.new)
        form.addRow(_("New passphrase &again:"), self.again)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _check(self) -> None:
        from outreach.firstrun import passphrase_problem  # the first-run wizard's rules

        problem = passphrase_problem(self.new.text(), self.again.text())
        if problem:
            self.message.setText(problem)
            return
        self.accept()

    def values(self) -> tuple[str | None, str]:
        return (self.old.text() if self._has_passphrase else None), self.new.text()


class ExitPublicModeDialog(QDialog):
    """The passphrase that ends public mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Leave public mode"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020; font-weight: bold;")
        form = QFormLayout(self)
        form.addRow(_("Officer's &passphrase:"), self.passphrase)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
