"""The demo home (tiny models installed) and an assistant built on it, as the app builds it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.assistant import Assistant
from app.wiring import Home, build_assistant
from core.events import EventBus
from core.paths import Paths
from models.install import install_demo


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
