"""``python -m app.ui.screenshots FOLDER``: open the app as a user would (the config and models of
DOMOVOY_HOME), ask it something, and save what the screen shows of each page as PNG files.

Run it under a display (``xvfb-run -a``): the test suite does, on the demo models, so that
anyone can look at ``reports/screenshots/`` and see what a user sees.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

QUESTION = "Привет! Расскажи, что ты умеешь?"


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout_s:.0f} s")
        QApplication.processEvents()
        time.sleep(0.01)


def pause(seconds: float) -> None:
    """Let Qt run (paint, deliver) for a moment."""
    until = time.monotonic() + seconds
    wait_for(lambda: time.monotonic() > until, seconds + 5, "a pause")


PAGES = ("chat", "settings", "models", "memory", "diagnostics")


def shoot(
    folder: Path, pages: tuple[str, ...] = PAGES, suffix: str = "", question: str = ""
) -> list[Path]:
    """Photograph ``pages`` as ``NAME{suffix}.png`` (chat is always asked something first)."""
    from PySide6.QtWidgets import QApplication

    from app.ui.launch import open_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder.mkdir(parents=True, exist_ok=True)
    window = open_window()
    window.resize(900, 680)
    wait_for(lambda: window.assistant is not None, 120, "the assistant was built")
    wait_for(lambda: window.input.isEnabled(), 5, "the window accepts a message")
    window.input.setPlainText(question or QUESTION)
    window.send()
    wait_for(lambda: window.stop_button.isEnabled(), 30, "the reply started")
    wait_for(lambda: not window.stop_button.isEnabled(), 120, "the reply finished")
    panel = window.conversations
    if panel is not None:  # the log writes the reply just after the turn ends
        wait_for(lambda: panel.model.rows[0].messages >= 2, 10, "the reply was kept")
    pause(0.5)  # the display catches up with the last repaint
    saved = [save(window, folder / f"chat{suffix}.png")] if "chat" in pages else []
    shown = window.pages
    for name, page, ready in (
        ("settings", shown.settings, lambda: True),
        ("models", shown.models, lambda: bool(shown.models and shown.models.table.fit)),
        (
            "memory",
            shown.memory,
            lambda: bool(shown.memory and shown.memory.reads),
        ),
        ("diagnostics", shown.diagnostics, lambda: True),
    ):
        if name not in pages:
            continue
        if page is None:
            raise RuntimeError(f"the {name} page is missing")
        window.tabs.setCurrentWidget(page)
        if name == "memory":
            remembered(window)
        wait_for(ready, 60, f"the {name} page was filled")
        pause(0.3)  # the display catches up with the last repaint
        saved.append(save(window, folder / f"{name}{suffix}.png"))
    window.close()
    app.processEvents()
    return saved


def remembered(window: object) -> None:
    """Read the memory page again until what the turn taught it is there (the companion writes
    memories on its own thread, just after the reply)."""
    from app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    page = window.pages.memory
    assert page is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        read_again(page)
        if page.table.rows:
            return
        pause(0.5)


def read_again(page: object) -> None:
    from app.ui.pages.memory import MemoryPage

    assert isinstance(page, MemoryPage)
    before = page.reads
    page.refresh()
    wait_for(lambda: page.reads > before, 30, "the memory page was read")


def save(window: object, target: Path) -> Path:
    """What the display shows of the window (its frame's contents), or the widget's own
    rendering where the platform cannot read the screen back."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    screen = window.screen()
    picture = screen.grabWindow(window.winId()) if screen is not None else None
    if picture is None or picture.isNull():
        picture = window.grab()
    if not picture.save(str(target), "PNG"):
        raise OSError(f"could not write {target}")
    return target


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m app.ui.screenshots")
    parser.add_argument("folder", type=Path, nargs="?", default=Path("reports/screenshots"))
    parser.add_argument("--pages", default=",".join(PAGES), help="which, comma-separated")
    parser.add_argument("--suffix", default="", help="added to each file's name, e.g. _ru")
    parser.add_argument("--question", default="", help="what the chat is asked first")
    args = parser.parse_args(argv)
    for path in shoot(args.folder, tuple(args.pages.split(",")), args.suffix, args.question):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
