"""The chat list: thousands of kept messages open as rows (only drawn rows keep documents), a
code block's "copy" link copies exactly that block, Ctrl+C copies rows as shown, a streaming
reply grows its own row, and the view follows the bottom only if the user is there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.ui.pages.chat import KEEP_DOCUMENTS, ChatModel, ChatView
from app.ui.pages.chat_rows import document
from app.views.chat import ChatTranscript, Entry, code_blocks, with_copy_links
from core.events import TokenStreamed, TurnStarted
from memory.conversations import Message, ReplyFacts

pytestmark = pytest.mark.qt

REPLY = "Two ways:\n\n```python\nprint('один')\n```\n\nor\n\n```\necho два\n```\n"


def long_conversation(n: int) -> list[Entry]:
    messages = []
    for i in range(n):
        messages.append(Message("user", f"вопрос {i}", "", float(i)))
        messages.append(
            Message("assistant", f"ответ {i}: **жирный** и `код`", "m", float(i), "m · 5 tokens")
        )
    transcript = ChatTranscript()
    transcript.load(messages)
    return transcript.entries


def view_for(qtbot: QtBot) -> ChatView:
    view = ChatView(ChatModel())
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    return view


def test_code_blocks_get_copy_links_in_order() -> None:
    assert code_blocks(REPLY) == ["print('один')", "echo два"]
    linked = with_copy_links(REPLY)
    assert linked.index("copy:0") < linked.index("echo два") < linked.index("copy:1")


def test_thousands_of_messages_open_as_rows_and_scroll(qtbot: QtBot) -> None:
    view = view_for(qtbot)
    view.chat.load(long_conversation(3000))  # 6000 messages
    assert view.chat.rowCount() == 3000
    # it opens at the newest message, and stays there while the rest is laid out in batches
    qtbot.waitUntil(
        lambda: view.indexAt(QPoint(10, view.viewport().height() - 5)).row() == 2999, timeout=30000
    )
    view.scrollToTop()
    qtbot.waitUntil(lambda: view.indexAt(QPoint(10, 5)).row() == 0, timeout=10000)
    assert view.delegate.documents_kept <= KEEP_DOCUMENTS  # numbers for all rows, documents for few
    text = view.toPlainText()
    assert "You: вопрос 2999" in text and "ответ 2999: жирный и код" in text and "**" not in text


def test_the_copy_link_copies_its_code_block(qtbot: QtBot) -> None:
    view = view_for(qtbot)
    model = view.chat
    model.load(
        [Entry(turn_id=1, user="как?", answer=REPLY, done=True, facts=ReplyFacts(model="m"))]
    )
    index = model.index(0)
    doc = view.delegate.document_for(index)
    layout = doc.documentLayout()
    rect = view.visualRect(index)
    target = None
    for y in range(0, int(doc.size().height()), 2):  # find the second link where it is drawn
        for x in range(0, 300, 4):
            if layout.anchorAt(QPointF(x, y)) == "copy:1":
                target = QPointF(x, y)
                break
        if target:
            break
    assert target is not None
    release = QMouseEvent(
        QEvent.Type.MouseButtonRelease,
        target + QPointF(rect.topLeft()),
        target + QPointF(rect.topLeft()),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    option = QStyleOptionViewItem()
    option.rect = rect
    with qtbot.waitSignal(view.delegate.copied) as copied:
        assert view.delegate.editorEvent(release, model, option, index)
    assert copied.args == ["echo два"]
    assert QGuiApplication.clipboard().text() == "echo два"


def test_ctrl_c_copies_the_selected_rows_as_shown(qtbot: QtBot) -> None:
    view = view_for(qtbot)
    view.chat.load(long_conversation(3))
    view.selectionModel().select(view.chat.index(1), view.selectionModel().SelectionFlag.Select)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert (
        QGuiApplication.clipboard().text()
        == "You: вопрос 1\ndomovoy: ответ 1: жирный и код\nm · 5 tokens"
    )


def test_a_streaming_reply_grows_its_row_and_follows_only_from_the_bottom(qtbot: QtBot) -> None:
    view = view_for(qtbot)
    model = view.chat
    model.load(long_conversation(50))
    view.scrollToBottom()
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() == view.verticalScrollBar().maximum())
    model.started(TurnStarted(turn_id=7, text="расскажи"))
    row = model.index(model.rowCount() - 1)
    before = view.visualRect(row).height()
    for i in range(200):
        model.token(TokenStreamed(turn_id=7, text=f"слово{i} "))
    qtbot.waitUntil(lambda: view.visualRect(row).height() > before * 3, timeout=5000)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=5000)  # it followed

    bar.setValue(0)  # the user scrolls up to read
    for i in range(50):
        model.token(TokenStreamed(turn_id=7, text=f"ещё{i} "))
    qtbot.wait(100)
    assert bar.value() == 0  # and is left there
    assert "ещё49" in view.toPlainText()


def test_the_question_and_code_blocks_stand_out(qtbot: QtBot) -> None:
    entry = Entry(turn_id=1, user="как?", answer="так:\n\n```sh\nls -la\n```\n\nвсё", done=True)
    doc = document(entry, reasoning=False, width=500)
    shaded = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().background().style() != Qt.BrushStyle.NoBrush:
            shaded.append(block.text())
        block = block.next()
    assert shaded == ["You: как?", "ls -la"]  # the question band, the code; not the prose
