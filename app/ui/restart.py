"""Starting domovoy again, as the settings ask after a change that needs a new process."""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess


def restart_app() -> bool:
    """Start domovoy again as it was started (the same interpreter and arguments), detached;
    the caller then closes this one."""
    return bool(QProcess.startDetached(sys.executable, sys.orig_argv[1:]))
