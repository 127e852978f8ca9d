"""Save a screenshot of each first-run page and of Preferences (offscreen) for review.

python scripts/screenshots_first_run.py OUT [--lang ar]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from outreach.advice import load_library
from outreach.exchange.keys import init_hq_key
from outreach.i18n import set_ui_language
from outreach.reference import shipped_reference
from outreach.settings import Settings
from outreach.ui.app import create_application
from outreach.ui.first_run import FirstRunWizard
from outreach.ui.language import LanguageNotifier
from outreach.ui.settings_dialog import SettingsDialog


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path, nargs="?", default=Path("screenshots"))
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    LanguageNotifier(app)
    set_ui_language(args.lang)
    folder = Path(tempfile.mkdtemp())
    public, _created = init_hq_key(folder / "hq")  # as 'outreach hq init' makes it
    key = folder / "hq-public.json"
    public.write(key)
    wizard = FirstRunWizard(
        Settings(ui_language=args.lang), folder / "data", shipped_reference(), lambda _p: None
    )
    wizard.show()
    reference = shipped_reference()
    names = ["1-welcome", "2-profile", "3-passphrase", "4-hq-key", "5-printer", "6-ready"]
    for index, name in enumerate(names):
        page = wizard.currentPage()
        if page is wizard.profile_page:
            page.name_edit.setText("PC Sam Taylor")
            page.collar_edit.setText("4127")
            page.team_combo.setCurrentIndex(page.team_combo.findData(reference.teams[0].id))
            page.district_combo.setCurrentIndex(1)
        elif page is wizard.passphrase_page:
            page.first_edit.setText("correct horse battery")
            page.second_edit.setText("correct horse battery")
        elif page is wizard.key_page:
            page.choose_file(key)
        QApplication.processEvents()
        wizard.grab().save(str(args.out / f"first-run-{args.lang}-{name}.png"))
        if index < len(names) - 1:
            wizard.next()
            QApplication.processEvents()
    wizard.close()
    dialog = SettingsDialog(wizard.value(), load_library(), data_folder=folder / "data")
    dialog.show()
    QApplication.processEvents()
    dialog.grab().save(str(args.out / f"preferences-{args.lang}.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
