"""Conversations in the window: listed, reopened, renamed, exported, deleted; the last exchange
regenerated or edited."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.chat_log import ChatLog
from app.ui.main_window import MainWindow
from core.events import EventBus
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from memory.conversations import Conversations
from tests.app.ui.windows import window_for

pytestmark = pytest.mark.qt


def test_conversations_are_listed_reopened_with_their_history_and_deleted(
    qtbot: QtBot, tmp_path: Path
) -> None:
    fake = FakeLLM(["первый ответ", "второй ответ", "третий ответ"])
    bus = EventBus()
    log = ChatLog(bus, Conversations(tmp_path / "chats.sqlite3"), title="about cats")
    slot = ModelSlot(role="primary", model_id="f", llm=fake)
    window = MainWindow(Assistant(bus=bus, slots={"primary": slot}, services=[log]))
    qtbot.addWidget(window)
    window.show()
    panel = window.conversations
    assert panel is not None
    window.input.setPlainText("про кошек")
    window.send()
    qtbot.waitUntil(lambda: "первый ответ" in window.transcript_text(), timeout=5000)
    qtbot.waitUntil(lambda: [c.messages for c in panel.model.rows] == [2])
    first = log.conversation.id

    window.new_conversation()
    qtbot.waitUntil(lambda: window.transcript_text() == "" and window.input.isEnabled())
    assert panel.model.rowCount() == 1  # no empty conversation until something is said
    window.input.setPlainText("про собак")
    window.send()
    qtbot.waitUntil(lambda: "второй ответ" in window.transcript_text(), timeout=5000)
    qtbot.waitUntil(lambda: [c.messages for c in panel.model.rows] == [2, 2])
    assert [c.title for c in panel.model.rows] == ["про собак", "about cats"]  # the newest first
    tip = str(panel.model.data(panel.model.index(0), Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("про собак\n") and tip.endswith(" · 2 messages")

    panel.search.setText("cats")  # the title; searching finds words of the messages too
    assert [c.id for c in panel.model.rows] == [first]
    panel.view.setCurrentIndex(panel.model.index(0))
    panel.view.doubleClicked.emit(panel.model.index(0))
    qtbot.waitUntil(lambda: "первый ответ" in window.transcript_text(), timeout=5000)
    assert "второй ответ" not in window.transcript_text() and window.input.isEnabled()
    window.input.setPlainText("и ещё")
    window.send()
    qtbot.waitUntil(lambda: "третий ответ" in window.transcript_text(), timeout=5000)
    sent = [(m.role, m.content) for m in fake.seen[-1]][1:]
    assert sent == [("user", "про кошек"), ("assistant", "первый ответ"), ("user", "и ещё")]
    assert [m.text for m in log.store.messages(first)][-1] == "третий ответ"

    panel.delete_selected(confirm=False)
    assert first not in [c.id for c in log.store.find()]


def test_regenerate_and_edit_replace_the_last_exchange(qtbot: QtBot, tmp_path: Path) -> None:
    bus = EventBus()
    llm = FakeLLM(["первый ответ", "второй ответ", "третий ответ"])
    store = Conversations(tmp_path / "c.sqlite3")
    log = ChatLog(bus, store)
    assistant = Assistant(
        bus=bus, slots={"primary": ModelSlot("primary", "fake", llm)}, services=[log]
    )
    window = MainWindow(assistant)
    qtbot.addWidget(window)
    window.show()
    assert not window.regenerate_button.isEnabled()  # nothing to regenerate yet
    window.input.setPlainText("вопрос")
    window.send()
    qtbot.waitUntil(
        lambda: "первый ответ" in window.transcript_text() and window.send_button.isEnabled()
    )
    assert window.regenerate_button.isEnabled() and window.edit_button.isEnabled()

    window.regenerate()
    qtbot.waitUntil(
        lambda: "второй ответ" in window.transcript_text() and window.send_button.isEnabled()
    )
    assert "первый ответ" not in window.transcript_text()
    assert window.transcript_text().count("You: вопрос") == 1
    assert [m.content for m in assistant.history] == ["вопрос", "второй ответ"]
    assert llm.seen[1][-1].content == "вопрос"  # asked again, without the first answer before it
    assert all("первый" not in m.content for m in llm.seen[1])

    window.edit_last()
    assert window.input.toPlainText() == "вопрос" and window.editing
    window.input.setPlainText("вопрос получше")
    window.send()
    qtbot.waitUntil(
        lambda: "третий ответ" in window.transcript_text() and window.send_button.isEnabled()
    )
    text = window.transcript_text()
    assert "You: вопрос получше" in text and "You: вопрос\n" not in text and "второй" not in text
    kept = [(m.role, m.text) for m in store.messages(log.conversation.id)]
    assert kept == [("user", "вопрос получше"), ("assistant", "третий ответ")]  # the log agrees


def test_escape_cancels_an_edit_without_sending(qtbot: QtBot) -> None:
    assistant = Assistant(
        bus=EventBus(), slots={"primary": ModelSlot("primary", "fake", FakeLLM(["да"]))}
    )
    window = MainWindow(assistant)
    qtbot.addWidget(window)
    window.input.setPlainText("первый")
    window.send()
    qtbot.waitUntil(lambda: window.send_button.isEnabled() and "да" in window.transcript_text())
    window.edit_last()
    window._stop()
    assert not window.editing and window.input.toPlainText() == ""
    assert assistant.history[-2].content == "первый"


def test_conversations_are_renamed_and_exported_and_the_latest_reopens_at_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    import json

    file = tmp_path / "chats.sqlite3"
    bus = EventBus()
    log = ChatLog(bus, Conversations(file))
    slot = ModelSlot("primary", "fake", FakeLLM(["мурка спит"]))
    window = MainWindow(Assistant(bus=bus, slots={"primary": slot}, services=[log]))
    qtbot.addWidget(window)
    panel = window.conversations
    assert panel is not None and panel.model.rows == []  # starting leaves no empty conversation
    window.input.setPlainText("как дела у кошки?")
    window.send()
    qtbot.waitUntil(
        lambda: bool(panel.model.rows) and panel.model.rows[0].messages == 2, timeout=5000
    )
    panel.view.setCurrentIndex(panel.model.index(0))
    panel.rename_selected("Кошка")
    assert panel.model.rows[0].title == "Кошка"
    markdown = panel.export_selected(str(tmp_path / "cat.md"))
    assert "мурка спит" in Path(markdown).read_text(encoding="utf-8")
    exported = json.loads(
        Path(panel.export_selected(str(tmp_path / "cat.json"))).read_text(encoding="utf-8")
    )
    assert exported["title"] == "Кошка"
    window.close()

    # a second start: the latest conversation is open again, with its history for the model
    bus2 = EventBus()
    llm = FakeLLM(["помню"])
    again = Assistant(
        bus=bus2,
        slots={"primary": ModelSlot("primary", "fake", llm)},
        services=[ChatLog(bus2, Conversations(file))],
    )
    window2 = MainWindow(again)
    qtbot.addWidget(window2)
    qtbot.waitUntil(
        lambda: "мурка спит" in window2.transcript_text() and window2.input.isEnabled(),
        timeout=5000,
    )
    assert [m.content for m in again.history] == ["как дела у кошки?", "мурка спит"]
    window2.input.setPlainText("а сейчас?")
    window2.send()
    qtbot.waitUntil(lambda: "помню" in window2.transcript_text(), timeout=5000)
    assert llm.seen[0][-3].content == "как дела у кошки?"  # the model was given the old turns


def test_opening_a_conversation_twice_at_once_still_shows_it(qtbot: QtBot, tmp_path: Path) -> None:
    store = Conversations(tmp_path / "c.sqlite3")
    kept = store.new("old")
    store.add(kept.id, "user", "старый вопрос")
    store.add(kept.id, "assistant", "старый ответ")
    bus = EventBus()
    log = ChatLog(bus, store)
    slot = ModelSlot("primary", "f", FakeLLM(["да"]))
    window = MainWindow(Assistant(bus=bus, slots={"primary": slot}, services=[log]))
    qtbot.addWidget(window)  # it reopens the latest conversation by itself…
    window.open_conversation(kept.id)  # …and the user double-clicks it meanwhile
    qtbot.waitUntil(lambda: "старый ответ" in window.transcript_text(), timeout=5000)
    qtbot.wait(200)  # both switches have landed
    assert window.transcript_text().count("старый ответ") == 1


def test_ctrl_r_regenerates_and_ctrl_e_puts_the_question_back(qtbot: QtBot) -> None:
    llm = FakeLLM(["раз", "два"])
    window = window_for(qtbot, ModelSlot("primary", "f", llm))
    window.input.setPlainText("вопрос")
    window.send()
    qtbot.waitUntil(lambda: "раз" in window.transcript_text() and window.send_button.isEnabled())
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "два" in window.transcript_text() and window.send_button.isEnabled())
    assert "раз" not in window.transcript_text()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.editing and window.input.toPlainText() == "вопрос"
