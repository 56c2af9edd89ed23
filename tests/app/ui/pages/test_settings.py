"""The settings page over the Qt-free Settings: what it shows is the config; Apply saves the
TOML file and switches the role live, and the chat says when the new model is ready."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from app.ui.main_window import MainWindow
from app.ui.pages.settings import NONE, SettingsPage
from app.views.settings import Settings
from core import config as config_mod

pytestmark = pytest.mark.qt


def test_the_page_shows_the_config_and_apply_changes_nothing_untouched(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    page = SettingsPage(Settings(demo_home, demo_assistant))
    qtbot.addWidget(page)
    primary = page.roles["primary"]
    assert primary.model.currentText() == "demo-tiny-llama"
    assert {primary.model.itemText(i) for i in range(primary.model.count())} >= {
        "demo-tiny-llama",
        "demo-tiny-phi3",
        "demo-tiny-gpt-oss",
    }
    assert page.roles["micro"].model.currentText() == NONE
    assert page.offline.isChecked() and not page.consent.isEnabled()
    assert page.downloads.isChecked()  # pulls when the user asks, on by default
    assert page.draft() == demo_home.config  # showing and reading back loses nothing
    page.downloads.setChecked(False)
    assert not page.draft().models.downloads


def test_apply_switches_the_primary_and_the_chat_says_when_it_is_ready(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, demo_window: MainWindow
) -> None:
    window = demo_window
    page = window.pages.settings
    assert page is not None
    window.tabs.setCurrentWidget(page)
    page.roles["primary"].model.setCurrentText("demo-tiny-phi3")
    page.roles["primary"].temperature.setValue(0.3)
    page.rate.setValue(1.4)
    page.gpu.setCurrentText("cpu")
    page.apply_button.click()

    qtbot.waitUntil(
        lambda: "demo-tiny-phi3 is ready as primary" in window.transcript_text(), timeout=30000
    )
    assert "primary: demo-tiny-llama → demo-tiny-phi3" in window.transcript_text()
    assert demo_assistant.router.slots["primary"].model_id == "demo-tiny-phi3"
    saved = config_mod.load(demo_home.paths.config_file)
    assert saved.llm.primary.id == "demo-tiny-phi3"
    assert saved.llm.primary.temperature == pytest.approx(0.3)
    assert saved.audio.tts.rate == pytest.approx(1.4)
    assert saved.gpu.use == "cpu" and not demo_home.gpu_offload()
    assert page.apply_button.isEnabled()


def test_remote_needs_consent_and_a_bad_value_is_refused_with_a_message(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    page = SettingsPage(Settings(demo_home, demo_assistant))
    qtbot.addWidget(page)
    page.offline.setChecked(False)
    assert page.consent.isEnabled() and page.remote_url.isEnabled()
    page.remote_url.setText("http://127.0.0.1:9/v1")
    draft = page.draft()
    assert draft.llm.remote.enabled and not draft.llm.remote.allowed  # no consent yet
    page.consent.setChecked(True)
    assert page.draft().llm.remote.allowed
    page.offline.setChecked(True)
    assert not page.draft().llm.remote.allowed  # offline wins, whatever was ticked

    page.voice_name.setText("x" * 3)
    demo_home.paths.config_file.unlink(missing_ok=True)
    demo_home.paths.config_file.mkdir(parents=True)  # cannot be written
    page.apply_button.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Not applied"), timeout=5000)
    assert "could not be saved" in page.status.text()
    assert page.apply_button.isEnabled()


def test_a_new_language_offers_a_restart_that_closes_this_window_gracefully(
    qtbot: QtBot,
    demo_home: Home,
    demo_assistant: Assistant,
    demo_window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import app.ui.main_window as main_window

    started: list[bool] = []
    monkeypatch.setattr(main_window, "restart_app", lambda: started.append(True) or True)
    asked: list[str] = []

    def answer_no(parent: object, title: str, text: str) -> object:
        asked.append(text)
        return main_window.QMessageBox.StandardButton.No

    monkeypatch.setattr(main_window.QMessageBox, "question", answer_no)
    window = demo_window
    page = window.pages.settings
    assert page is not None
    page.language.setCurrentText("Русский")
    with qtbot.waitSignal(page.restart_wanted, timeout=10000):
        page.apply_button.click()
    assert config_mod.load(demo_home.paths.config_file).ui.language == "ru"
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert "Restart now?" in asked[0] and window.isVisible() and not started  # the user said no
    assert window.offer_restart(ask=False)
    assert started == [True] and not window.isVisible()
    assert not demo_assistant.router.slots["primary"].llm.loaded  # closed as usual: unloaded


def test_the_roles_go_side_by_side_only_where_they_fit(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    page = SettingsPage(Settings(demo_home, demo_assistant))
    qtbot.addWidget(page)
    page.show()
    boxes = list(page.roles.values())
    page.resize(1400, 700)
    qtbot.waitUntil(lambda: page.columns == 2)
    qtbot.waitUntil(lambda: boxes[0].y() == boxes[1].y() and boxes[1].x() > boxes[0].x())
    page.resize(560, 700)
    qtbot.waitUntil(lambda: page.columns == 1)
    qtbot.waitUntil(lambda: boxes[1].y() > boxes[0].y() and boxes[1].x() == boxes[0].x())
    for box in boxes:  # nothing hidden past the right edge (there is no sideways scrolling)
        assert box.x() + box.width() <= page.width()
