"""The memory page: the mood's recent history; what domovoy remembers (browse, search, correct,
forget one, forget all, export); the entities it knows and the dictionaries that name them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.memory_and_mood import MemoryAndMood
from app.ui.background import Background
from app.ui.bridge import QtBridge
from app.ui.widgets.mood import MoodPlot, mood_text
from app.ui.widgets.tables import Index, RowsTable
from app.views.memory import PAGE, MemoryBrowser, when
from core.errors import StorageError
from core.events import EmotionChanged
from memory.emotion import main_emotion
from memory.store import KINDS, Memory

COLUMNS = (
    str(QT_TRANSLATE_NOOP("MemoryTable", "When")),
    str(QT_TRANSLATE_NOOP("MemoryTable", "Kind")),
    str(QT_TRANSLATE_NOOP("MemoryTable", "Importance")),
    str(QT_TRANSLATE_NOOP("MemoryTable", "Text")),
)
ALL = str(QT_TRANSLATE_NOOP("MemoryPage", "all kinds"))  # the first item
OPEN_WAIT_S = 60.0


class MemoryTable(RowsTable[Memory]):
    columns = COLUMNS
    context = "MemoryTable"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        m = self.row_at(index)
        if m is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            who = f"{m.speaker}: " if m.speaker else ""
            return (when(m), m.kind, f"{m.importance:.0f}", who + m.text)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.text + (f"\n\nentities: {', '.join(m.entities)}" if m.entities else "")
        return None


class MemoryPage(QWidget):
    def __init__(
        self,
        companion: MemoryAndMood,
        data_dir: Path,
        entities_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.companion = companion
        self.data_dir = data_dir
        self.entities_dir = entities_dir
        self.browser: MemoryBrowser | None = None
        self.background = Background(self)
        self.plot = MoodPlot(self)
        self.mood_text = QLabel(self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search memories (meaning and words)"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.refresh)
        self.kind = QComboBox(self)
        self.kind.addItems([QCoreApplication.translate("MemoryPage", ALL), *KINDS])
        self.kind.currentIndexChanged.connect(self.refresh)
        self.table = MemoryTable()
        self.view = QTableView(self)
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.count = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        for name, action in (
            (self.tr("Edit…"), self.edit),
            (self.tr("Forget"), self.forget),
            (self.tr("Forget all…"), self.forget_all),
            (self.tr("Export…"), self.export),
        ):
            button = QPushButton(name, self)
            button.clicked.connect(lambda _checked=False, a=action: a())
            buttons.addWidget(button)
        memories = QWidget(self)
        column = QVBoxLayout(memories)
        column.addLayout(top)
        column.addWidget(self.view, 1)
        column.addLayout(buttons)

        entities = QWidget(self)
        self.entity_list = QListWidget(entities)
        self.dictionary = QComboBox(entities)
        self.dictionary.setEditable(True)
        self.dictionary.currentTextChanged.connect(self._show_dictionary)
        self.dictionary_text = QPlainTextEdit(entities)
        self.dictionary_text.setPlaceholderText("Маша: [Мария, Маня]\nПетя: []")
        save = QPushButton(self.tr("Save dictionary"), entities)
        save.clicked.connect(self.save_dictionary)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Dictionary (YAML: names, each with aliases)"), entities))
        right.addWidget(self.dictionary)
        right.addWidget(self.dictionary_text, 1)
        right.addWidget(save)
        row = QHBoxLayout(entities)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Named in memories"), entities))
        left.addWidget(self.entity_list, 1)
        row.addLayout(left, 1)
        row.addLayout(right, 2)
        self._texts: dict[str, str] = {}
        self._unread = False
        self.reads = 0  # how many reads have been shown (a test, the screenshots wait on it)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(memories, self.tr("Memories"))
        self.tabs.addTab(entities, self.tr("Entities"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Mood</b> (recent history)"), self))
        layout.addWidget(self.plot)
        layout.addWidget(self.mood_text)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self.show_mood()
        self.refresh()

    # --- reading (off the GUI thread: the memory opens in the background at start) -----------

    def _open(self) -> MemoryBrowser:
        if self.browser is None:
            c = self.companion  # the page may open before the memory has: wait for it
            if not c.settled.wait(OPEN_WAIT_S) or not c.ready.is_set() or c.memory is None:
                raise StorageError(
                    c.problem or "the memory is still opening", hint="see Diagnostics"
                )
            self.browser = MemoryBrowser(c.memory, self.data_dir, self.entities_dir)
        return self.browser

    def refresh(self) -> None:
        search = self.search.text()
        kind = None if self.kind.currentIndex() <= 0 else self.kind.currentText()

        def work() -> tuple[list[Memory], int, list[tuple[str, int]], dict[str, str]]:
            browser = self._open()
            rows = browser.memories(search, kind)  # type: ignore[arg-type]
            return rows, browser.count(), browser.entities(), browser.dictionaries()

        def failed(message: str) -> None:
            self._unread = True
            self.count.clear()
            self._say(message)

        self.count.setText(self.tr("reading…"))
        self.background.run(work, self._show, failed, name="memory-read")

    def _show(self, found: tuple[list[Memory], int, list[tuple[str, int]], dict[str, str]]) -> None:
        rows, total, entities, texts = found
        self.reads += 1
        if self._unread:  # an earlier read failed (the memory was still opening): it is over
            self.status.clear()
            self._unread = False
        self.table.show(rows)
        more = f" (the newest {PAGE})" if len(rows) >= PAGE else ""
        self.count.setText(self.tr("{0} shown of {1}{2}").format(len(rows), total, more))
        self.entity_list.clear()
        self.entity_list.addItems([f"{name}  ({n})" for name, n in entities])
        self._texts = texts
        current = self.dictionary.currentText()
        self.dictionary.blockSignals(True)
        self.dictionary.clear()
        self.dictionary.addItems(sorted(texts) or ["people.yaml"])
        self.dictionary.blockSignals(False)
        self.dictionary.setCurrentText(current if current in texts else self.dictionary.itemText(0))
        self._show_dictionary(self.dictionary.currentText())

    def _show_dictionary(self, name: str) -> None:
        self.dictionary_text.setPlainText(self._texts.get(name, ""))

    def show_mood(self) -> None:
        mood = self.companion.mood
        self.plot.show_points(mood.recent())
        now = mood.current()
        self.mood_text.setText(mood_text(main_emotion(now), now.valence, now.arousal))

    def listen(self, bridge: QtBridge) -> None:
        bridge.on(EmotionChanged, self.on_mood)

    def on_mood(self, event: EmotionChanged) -> None:
        self.show_mood()

    def _say(self, message: str) -> None:
        self.status.setText(message)

    def selected(self) -> Memory | None:
        index = self.view.currentIndex()
        return self.table.rows[index.row()] if index.isValid() else None

    # --- changing -----------------------------------------------------------------------------

    def edit(self, text: str | None = None) -> None:
        memory = self.selected()
        if memory is None:
            return
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self, self.tr("Correct a memory"), "", memory.text
            )
            if not ok:
                return
        self._change(lambda b: self.tr("corrected: {0}").format(b.revise(memory.id, text).text))

    def forget(self) -> None:
        memory = self.selected()
        if memory is not None:
            self._change(
                lambda b: self.tr("forgotten") if b.forget(memory.id) else self.tr("it was gone")
            )

    def forget_all(self, *, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.warning(
                self,
                self.tr("Forget everything"),
                self.tr("Forget every memory? Export them first if you may want them back."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._change(lambda b: self.tr("forgot {0} memories").format(b.forget_all()))

    def export(self, file: str = "") -> None:
        if not file:
            file, _ = QFileDialog.getSaveFileName(self, self.tr("Export memories"), "memories.json")
            if not file:
                return
        self._change(
            lambda b: self.tr("exported {0} memories to {1}").format(b.export(Path(file)), file)
        )

    def save_dictionary(self) -> None:
        name, text = self.dictionary.currentText().strip(), self.dictionary_text.toPlainText()
        self._change(lambda b: self.tr("saved {0}").format(b.save_dictionary(name, text)))

    def _change(self, action: Callable[[MemoryBrowser], str]) -> None:
        def work() -> str:
            return action(self._open())

        def done(message: str) -> None:
            self._say(message)
            self.refresh()

        self.background.run(work, done, self._say, name="memory-change")
