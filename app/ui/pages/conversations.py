"""The kept conversations beside the chat: search, open (double-click or Enter), rename (F2),
export (Markdown or JSON) and delete, from the buttons or the right-click menu.

A list model over the Qt-free store (memory.conversations); the view asks only for the rows it
draws, so thousands of conversations cost nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.fs import atomic_write_text
from core.timestamps import minute
from memory.conversations import Conversation, Conversations

Index = QModelIndex | QPersistentModelIndex


class ConversationModel(QAbstractListModel):
    def __init__(self, store: Conversations) -> None:
        super().__init__()
        self.store = store
        self.search = ""
        self.rows: list[Conversation] = []

    def refresh(self, search: str | None = None) -> None:
        if search is not None:
            self.search = search
        self.beginResetModel()
        self.rows = self.store.find(self.search)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        conversation = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{conversation.title}  ({conversation.messages})"
        if role == Qt.ItemDataRole.ToolTipRole:
            started = minute(conversation.created_at)
            about = QCoreApplication.translate("Conversations", "{0} · {1} messages")
            return f"{conversation.title}\n" + about.format(started, conversation.messages)
        if role == Qt.ItemDataRole.UserRole:
            return conversation.id
        return None


class ConversationsPanel(QWidget):
    opened = Signal(str)  # a conversation's id
    new_requested = Signal()

    def __init__(self, store: Conversations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConversationModel(store)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        # a long title is cut with "…" at the panel's edge, never scrolled sideways
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.activated.connect(self._open)
        self.view.doubleClicked.connect(self._open)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        rename = QShortcut(QKeySequence(Qt.Key.Key_F2), self.view)
        rename.setContext(Qt.ShortcutContext.WidgetShortcut)
        rename.activated.connect(lambda: self.rename_selected())
        new = QPushButton(self.tr("New"), self)
        new.setToolTip(self.tr("A new conversation (Ctrl+N)"))
        new.clicked.connect(self.new_requested)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.model.refresh()

    def refresh(self, search: str | None = None) -> None:
        """Read the list again (a turn ended, the search changed), keeping the selection."""
        selected = self.selected_id()
        self.model.refresh(search)
        ids = [c.id for c in self.model.rows]
        if selected in ids:
            self.view.setCurrentIndex(self.model.index(ids.index(selected)))

    def selected_id(self) -> str | None:
        index = self.view.currentIndex()
        return str(self.model.data(index, Qt.ItemDataRole.UserRole)) if index.isValid() else None

    def delete_selected(self, *, confirm: bool = True) -> None:
        conversation_id = self.selected_id()
        if conversation_id is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete conversation"),
                self.tr("Delete this conversation? It cannot be undone."),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.model.store.delete(conversation_id)
        self.model.refresh()

    def rename_selected(self, title: str | None = None) -> None:
        conversation_id = self.selected_id()
        if conversation_id is None:
            return
        if title is None:
            current = self.model.store.get(conversation_id)
            title, ok = QInputDialog.getText(
                self,
                self.tr("Rename conversation"),
                self.tr("Title"),
                text=current.title if current else "",
            )
            if not ok:
                return
        if title.strip():
            self.model.store.rename(conversation_id, title.strip())
            self.refresh()

    def export_selected(self, file: str = "") -> str:
        """Markdown or JSON, by the file's extension; returns where it went ("" if nowhere)."""
        conversation_id = self.selected_id()
        if conversation_id is None:
            return ""
        if not file:
            file, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export conversation"),
                "conversation.md",
                "Markdown (*.md);;JSON (*.json)",
            )
            if not file:
                return ""
        store = self.model.store
        as_json = file.lower().endswith(".json")
        text = store.to_json(conversation_id) if as_json else store.to_markdown(conversation_id)
        try:
            atomic_write_text(Path(file), text)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("Export"),
                self.tr("{0} could not be written: {1}").format(file, exc.strerror),
            )
            return ""
        return file

    def _menu(self, point: QPoint) -> None:
        if not self.view.indexAt(point).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self._open(self.view.currentIndex()))
        menu.addAction(self.tr("Rename… (F2)"), lambda: self.rename_selected())
        menu.addAction(self.tr("Export…"), lambda: self.export_selected())
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), lambda: self.delete_selected())
        menu.exec(self.view.viewport().mapToGlobal(point))

    def _open(self, index: QModelIndex) -> None:
        conversation_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if conversation_id:
            self.opened.emit(str(conversation_id))
