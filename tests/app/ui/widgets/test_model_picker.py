"""The chat's model picker: choosing another model there switches the primary role live (saved,
loaded in the background, noted in the chat), and a switch made on the settings page shows
there too."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from app.ui.main_window import MainWindow
from core import config as config_mod

pytestmark = pytest.mark.qt


def test_the_picker_switches_the_answering_model(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, demo_window: MainWindow
) -> None:
    window = demo_window
    picker, settings = window.pages.picker, window.pages.settings
    assert picker is not None and settings is not None
    combo = picker.combo
    assert combo.currentText() == "demo-tiny-llama"
    assert {combo.itemText(i) for i in range(combo.count())} >= {"demo-tiny-phi3"}

    picker.choose("demo-tiny-phi3")
    qtbot.waitUntil(
        lambda: "demo-tiny-phi3 is ready as primary" in window.transcript_text(), timeout=30000
    )
    assert demo_assistant.router.slots["primary"].model_id == "demo-tiny-phi3"
    assert config_mod.load(demo_home.paths.config_file).llm.primary.id == "demo-tiny-phi3"
    qtbot.waitUntil(combo.isEnabled)
    assert settings.roles["primary"].model.currentText() == "demo-tiny-phi3"  # the page follows

    settings.roles["primary"].model.setCurrentText("demo-tiny-gpt-oss")
    settings.apply_button.click()
    qtbot.waitUntil(lambda: combo.currentText() == "demo-tiny-gpt-oss", timeout=30000)
    qtbot.waitUntil(
        lambda: "demo-tiny-gpt-oss is ready as primary" in window.transcript_text(), timeout=30000
    )
    settings.settings.wait()
