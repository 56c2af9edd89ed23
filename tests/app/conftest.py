"""The demo home (tiny models installed), an assistant built on it and the window over them, as
the app builds them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from app.assistant import Assistant
from app.home import Home
from app.wiring import build_assistant
from core.events import EventBus
from core.paths import Paths
from models.install import install_demo

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.ui.main_window import MainWindow


@pytest.fixture
def demo_home(domovoy_home: Paths) -> Home:
    install_demo(domovoy_home)
    return Home.open(domovoy_home)


@pytest.fixture
def demo_assistant(demo_home: Home) -> Iterator[Assistant]:
    assistant, problem = build_assistant(demo_home, EventBus())
    assert problem is None
    yield assistant
    assistant.shutdown()


@pytest.fixture
def demo_window(qtbot: QtBot, demo_home: Home, demo_assistant: Assistant) -> MainWindow:
    """The whole window on the demo app, every page attached, shown."""
    from app.ui.main_window import MainWindow

    window = MainWindow(demo_assistant)
    window.attach(demo_assistant, home=demo_home)
    qtbot.addWidget(window)
    window.show()
    return window
