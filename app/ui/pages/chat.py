"""The chat as a model/view list: one row per exchange (the question, tool lines, reasoning when
shown, the reply, who answered), drawn by a delegate from a cached QTextDocument. Only the rows
on screen are drawn and only a changed row is laid out again, so a conversation of thousands of
messages opens and scrolls smoothly, and a streaming reply costs one row.

A finished reply is shown as the Markdown it is; each code block has a "copy" link under it.
The rows' plain text (what ``toPlainText`` returns, and Ctrl+C copies) is the rendered text.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.ui.pages.chat_rows import document, plain_text
from app.views.chat import ChatTranscript, Entry, code_blocks
from core.events import (
    ReasoningStreamed,
    ReplyCutOff,
    TokenStreamed,
    ToolCalled,
    TurnFailed,
    TurnFinished,
)

Index = QModelIndex | QPersistentModelIndex
VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
KEEP_DOCUMENTS = 200
Key = tuple[int, int, bool]  # the row's version, the width, whether reasoning is shown


class ChatModel(QAbstractListModel):
    """The Qt face of the Qt-free ChatTranscript: every change goes through here, row by row."""

    def __init__(self, transcript: ChatTranscript | None = None) -> None:
        super().__init__()
        self.transcript = transcript or ChatTranscript()
        self.versions: list[int] = [0] * len(self.transcript.entries)
        self.reasoning = False

    @property
    def entries(self) -> list[Entry]:
        return self.transcript.entries

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return plain_text(entry, self.reasoning)
        if role == VERSION_ROLE:
            return self.versions[index.row()]
        if role == ENTRY_ROLE:
            return entry
        return None

    def load(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self.entries[:] = entries
        self.versions = [0] * len(entries)
        self.endResetModel()

    def set_reasoning(self, shown: bool) -> None:
        self.reasoning = shown
        self.versions = [v + 1 for v in self.versions]
        if self.entries:
            self.dataChanged.emit(self.index(0), self.index(len(self.entries) - 1))

    def _append(self, add: object) -> Entry:
        row = len(self.entries)
        self.beginInsertRows(QModelIndex(), row, row)
        assert callable(add)
        entry: Entry = add()
        self.versions.append(0)
        self.endInsertRows()
        return entry

    def started(self, e: object) -> Entry:
        return self._append(lambda: self.transcript.started(e))  # type: ignore[arg-type]

    def note(self, text: str) -> Entry:
        return self._append(lambda: self.transcript.note(text))

    def _changed(self, entry: Entry | None) -> Entry | None:
        if entry is None:
            return None
        for row in range(len(self.entries) - 1, -1, -1):
            if self.entries[row] is entry:
                self.versions[row] += 1
                self.dataChanged.emit(self.index(row), self.index(row))
                break
        return entry

    def token(self, e: TokenStreamed) -> None:
        self.transcript.token(e)
        self._changed(self.transcript._entry(e.turn_id))

    def reasoning_token(self, e: ReasoningStreamed) -> None:
        self.transcript.reasoning(e)
        if self.reasoning:
            self._changed(self.transcript._entry(e.turn_id))

    def tool(self, e: ToolCalled) -> Entry | None:
        return self._changed(self.transcript.tool(e))

    def cut(self, e: ReplyCutOff) -> Entry | None:
        return self._changed(self.transcript.cut(e))

    def finished(self, e: TurnFinished) -> Entry | None:
        return self._changed(self.transcript.finished(e))

    def failed(self, e: TurnFailed) -> Entry | None:
        return self._changed(self.transcript.failed(e))

    def retract(self, text: str) -> bool:
        """Take the last exchange back when it asked ``text``."""
        for row in range(len(self.entries) - 1, -1, -1):
            if self.entries[row].note:
                continue
            if self.entries[row].user != text:
                return False
            self.beginRemoveRows(QModelIndex(), row, len(self.entries) - 1)
            del self.entries[row:]
            del self.versions[row:]
            self.endRemoveRows()
            return True
        return False


class ChatDelegate(QStyledItemDelegate):
    copied = Signal(str)

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view
        # Documents for the rows drawn lately (the screen and a little around it), and the
        # height of every row: a long conversation keeps numbers, not thousands of documents.
        self._docs: OrderedDict[int, tuple[Key, QTextDocument]] = OrderedDict()
        self._heights: dict[int, tuple[Key, int]] = {}

    def clear(self, *_: object) -> None:
        self._docs.clear()
        self._heights.clear()

    def _key(self, index: Index, width: int) -> Key:
        model = index.model()
        reasoning = isinstance(model, ChatModel) and model.reasoning
        return (int(index.data(VERSION_ROLE)), width, reasoning)

    def document_for(self, index: Index, width: int | None = None) -> QTextDocument:
        width = width if width is not None else self.view.viewport().width()
        key = self._key(index, width)
        row = index.row()
        cached = self._docs.get(row)
        if cached is not None and cached[0] == key:
            self._docs.move_to_end(row)
            return cached[1]
        entry = index.data(ENTRY_ROLE)
        assert isinstance(entry, Entry)
        doc = document(entry, key[2], width - 2)
        self._docs[row] = (key, doc)
        if len(self._docs) > KEEP_DOCUMENTS:
            self._docs.popitem(last=False)
        self._heights[row] = (key, math.ceil(doc.size().height()))
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self.view.viewport().width()
        known = self._heights.get(index.row())
        if known is None or known[0] != self._key(index, width):
            self.document_for(index, width)
            known = self._heights[index.row()]
        return QSize(width, known[1])

    @property
    def documents_kept(self) -> int:
        return len(self._docs)

    @property
    def rows_measured(self) -> int:
        return len(self._heights)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, option.palette.alternateBase())
        doc = self.document_for(index)
        painter.save()
        painter.translate(rect.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = option.palette
        doc.documentLayout().draw(painter, context)
        painter.restore()
        painter.setPen(option.palette.midlight().color())  # a hairline between exchanges
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())

    def editorEvent(self, event: QEvent, model: object, option: object, index: Index) -> bool:
        """A click on a code block's "copy" link copies that block."""
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        rect = option.rect  # type: ignore[attr-defined]
        point = event.position() - QPointF(rect.topLeft())
        anchor = self.document_for(index).documentLayout().anchorAt(point)
        if not anchor.startswith("copy:"):
            return False
        entry = index.data(ENTRY_ROLE)
        blocks = code_blocks(entry.answer) if isinstance(entry, Entry) else []
        number = int(anchor.removeprefix("copy:"))
        if number < len(blocks):
            QGuiApplication.clipboard().setText(blocks[number])
            self.copied.emit(blocks[number])
        return True


class ChatView(QListView):
    def __init__(self, model: ChatModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.chat = model
        self.delegate = ChatDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(50)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        model.modelReset.connect(self.delegate.clear)
        model.modelReset.connect(self._to_bottom)
        model.rowsRemoved.connect(self.delegate.clear)
        model.dataChanged.connect(self._relayout)
        self._at_bottom = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._remember_position)
        bar.rangeChanged.connect(self._follow)

    def _remember_position(self, value: int) -> None:
        self._at_bottom = value >= self.verticalScrollBar().maximum() - 4

    def _relayout(self, *_: object) -> None:
        """A row grew (a token, a tool line): lay it out again."""
        self.scheduleDelayedItemsLayout()

    def _to_bottom(self) -> None:
        """A conversation opens at its newest message."""
        self._at_bottom = True
        self.scrollToBottom()

    def _follow(self, _minimum: int, _maximum: int) -> None:
        """The list grew (a new row, a longer reply, more of a long conversation laid out):
        stay at the bottom if the user was there, never pull them down from above."""
        if self._at_bottom:
            self.scrollToBottom()

    def toPlainText(self) -> str:
        model = self.chat
        return "\n".join(str(model.data(model.index(row))) for row in range(model.rowCount()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+C copies the selected rows as the reader sees them."""
        if event.matches(QKeySequence.StandardKey.Copy):
            rows = sorted(i.row() for i in self.selectedIndexes())
            text = "\n\n".join(str(self.chat.data(self.chat.index(r))) for r in rows)
            if text:
                QGuiApplication.clipboard().setText(text)
            return
        super().keyPressEvent(event)
