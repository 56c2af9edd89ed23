"""The kept conversations beside the chat: search, open (double-click or Enter), delete.

A list model over the Qt-free store (memory.conversations); the view asks only for the rows it
draws, so thousands of conversations cost nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

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
        self.search.setPlaceholderText("Search conversations")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.activated.connect(self._open)
        self.view.doubleClicked.connect(self._open)
        new = QPushButton("New", self)
        new.setToolTip("A new conversation (Ctrl+N)")
        new.clicked.connect(self.new_requested)
        self.delete_button = QPushButton("Delete", self)
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
                self, "Delete conversation", "Delete this conversation? It cannot be undone."
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.model.store.delete(conversation_id)
        self.model.refresh()

    def _open(self, index: QModelIndex) -> None:
        conversation_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if conversation_id:
            self.opened.emit(str(conversation_id))
