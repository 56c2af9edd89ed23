"""The update gate's comparison table as the Models page shows it: before the warm-up (the kept
baseline, the candidate pending) and after it (each metric's baseline, candidate, allowed change
and verdict, the decision and its reasons)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

HEADER = (
    str(QT_TRANSLATE_NOOP("GateTable", "metric")),
    str(QT_TRANSLATE_NOOP("GateTable", "baseline")),
    str(QT_TRANSLATE_NOOP("GateTable", "candidate")),
    str(QT_TRANSLATE_NOOP("GateTable", "allowed")),
    str(QT_TRANSLATE_NOOP("GateTable", "verdict")),
)
VERDICTS = {  # the gate's verdict per metric, in the interface's language
    "ok": str(QT_TRANSLATE_NOOP("GateTable", "ok")),
    "worse": str(QT_TRANSLATE_NOOP("GateTable", "worse")),
    "not measured": str(QT_TRANSLATE_NOOP("GateTable", "not measured")),
    "no baseline": str(QT_TRANSLATE_NOOP("GateTable", "no baseline")),
    "pending": str(QT_TRANSLATE_NOOP("GateTable", "pending")),
}


class GateTable(QDialog):
    """``rows``: the gate's comparison rows (metric, baseline, candidate, allowed, verdict).
    ``ask``: before the warm-up, with Evaluate and Cancel; otherwise a Close button."""

    def __init__(
        self,
        title: str,
        summary: str,
        rows: Sequence[Sequence[str]],
        *,
        ask: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.summary = QLabel(summary, self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(rows), len(HEADER), self)
        self.table.setHorizontalHeaderLabels(
            [QCoreApplication.translate("GateTable", h) for h in HEADER]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if c == len(HEADER) - 1:
                    cell = QCoreApplication.translate("GateTable", VERDICTS.get(cell, cell))
                self.table.setItem(r, c, QTableWidgetItem(cell))
        buttons = QDialogButtonBox(self)
        if ask:
            buttons.addButton(self.tr("Evaluate"), QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def cells(self) -> list[list[str]]:
        """What the table shows, row by row."""
        return [
            [item.text() if (item := self.table.item(r, c)) else "" for c in range(len(HEADER))]
            for r in range(self.table.rowCount())
        ]
