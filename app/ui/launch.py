"""Opening the window: it shows first; the assistant (config, registry, memory, models) is built
on a worker thread after that and attached when ready, and the models load in the background."""

from __future__ import annotations

import gc
import os
import sys
import threading
from typing import TYPE_CHECKING

from core.errors import ConfigError, DomovoyError
from core.events import EventBus

if TYPE_CHECKING:
    from app.assistant import Assistant
    from app.home import Home
    from app.ui.main_window import MainWindow

NO_DISPLAY = (
    "domovoy: no display was found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot "
    "open.\n  → chat in the terminal instead: `domovoy chat`"
)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def open_home() -> tuple[Home, str]:
    """The home, and a notice for the window when the config had to be set aside."""
    from app.home import Home

    try:
        return Home.open(starter=True), ""
    except ConfigError as exc:
        home = Home.open_with_defaults(starter=True)
        return home, f"{exc}\nUsing the default settings until the file is fixed."


def build(bus: EventBus) -> tuple[Assistant, str, Home | None]:
    """Everything behind the window (imports included): run it off the GUI thread."""
    from app.assistant import Assistant
    from app.wiring import build_assistant

    try:
        home, notice = open_home()
        assistant, problem = build_assistant(home, bus)
    except DomovoyError as exc:  # the window still opens, and says what is wrong
        return Assistant(bus=bus, slots={}), str(exc), None
    if problem is not None:
        notice = "\n".join(n for n in (notice, str(problem)) if n)
    return assistant, notice, home


GIL_SWITCH_S = 0.001


def settled() -> None:
    """Start-up is over: what it built (Qt, the memory store, numpy, the assistant) lives as
    long as the app, so the garbage collector leaves it out of every later full collection
    (``gc.freeze``); one over all of it held the GUI thread for ~20 ms while a reply streamed.
    And a thread that wants the GIL asks for it after 1 ms instead of 5: the turn's and the
    loads' threads hand it back to the GUI thread sooner (``sys.setswitchinterval``)."""
    gc.freeze()
    sys.setswitchinterval(GIL_SWITCH_S)


def launch() -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    open_window()
    return int(app.exec())


def open_window() -> MainWindow:
    """The window, shown at once; the assistant is built on a thread and attached when ready
    (``window.assistant`` is then set), and its models load in the background."""
    from llm.runner_process import start_spare

    start_spare()  # the model's process starts while the window and the app are built
    from PySide6.QtCore import QObject, Signal

    from app.ui.main_window import MainWindow
    from app.ui.translation import configured_language
    from app.ui.translation import install as install_translation
    from core import logbook
    from core.paths import Paths

    paths = Paths.from_env()
    logbook.install(paths.data_dir / "domovoy.log")  # the diagnostics page shows it
    install_translation(configured_language(paths.config_file))

    class Ready(QObject):
        built = Signal(object, str, object)

    bus = EventBus()
    window = MainWindow(bus=bus, state_file=paths.config_dir / "window.ini")
    window.show()
    ready = Ready(window)

    def attach(assistant: Assistant, notice: str, home: Home | None) -> None:
        window.attach(assistant, notice, home)
        assistant.start()  # models load in the background
        settled()

    ready.built.connect(attach)
    threading.Thread(
        target=lambda: ready.built.emit(*build(bus)), name="domovoy-build", daemon=True
    ).start()
    return window
