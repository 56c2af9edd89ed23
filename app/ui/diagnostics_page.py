"""The diagnostics page: the models each role holds (loaded or not, where their weights went,
RAM and VRAM), who holds the GPU lease, the app's memory, the metrics (time to first token,
tokens/s, load times, as percentiles and a latency histogram) and the recent log lines.

It reads a snapshot once a second while it is on screen, never when it is not."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.diagnostics import Snapshot, metric_rows

INTERVAL_MS = 1000


def fill(table: QTableWidget, rows: Sequence[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = table.item(r, c)
            if item is None:
                table.setItem(r, c, QTableWidgetItem(text))
            elif item.text() != text:
                item.setText(text)


def table(parent: QWidget, headers: tuple[str, ...], stretch: int) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().hide()
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    header = t.horizontalHeader()
    for c in range(len(headers)):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if c == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(c, mode)
    return t


def mb(value: float) -> str:
    return f"{value:.1f}" if 0 < value < 10 else f"{value:.0f}"


def histogram_text(metrics: dict[str, object]) -> str:
    """The first-token latency buckets of every model, as bars."""
    lines = []
    for name, m in sorted(metrics.items()):
        if not name.startswith("llm_first_token_ms") or not isinstance(m, dict):
            continue
        buckets: dict[str, int] = m.get("buckets", {})
        top = max(buckets.values(), default=0) or 1
        lines.append(name)
        for edge, n in buckets.items():
            if n:
                lines.append(f"  ≤ {edge:>6} ms  {'█' * max(1, round(n / top * 30))} {n}")
    return "\n".join(lines) or "no replies yet"


class DiagnosticsPage(QWidget):
    def __init__(self, read: Callable[[], Snapshot], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read = read
        self.summary = QLabel(self)
        self.models = table(self, ("Role", "Model", "State", "Where", "RAM MB", "VRAM MB"), 3)
        self.metrics = table(self, ("Metric", "Count", "p50", "p95"), 0)
        self.histogram = QPlainTextEdit(self)
        self.histogram.setReadOnly(True)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setPlaceholderText(self.tr("no log lines yet"))
        split = QSplitter(self)
        split.addWidget(self.metrics)
        split.addWidget(self.histogram)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.models, 1)
        layout.addWidget(split, 2)
        layout.addWidget(QLabel(self.tr("Recent log"), self))
        layout.addWidget(self.log, 2)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)
        self._last_log: list[str] = []

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        if not self.isVisible() and self.timer.isActive():
            self.timer.stop()
            return
        s = self.read()
        holder = s.lease_holder or "nobody"
        self.summary.setText(
            f"GPU lease: <b>{holder}</b> · app memory (RSS) {s.process_rss_mb:.0f} MB · "
            f"models in RAM ≈ {mb(s.ram_mb)} MB"
        )
        fill(
            self.models,
            [
                (
                    m.role,
                    m.model_id,
                    "loaded" if m.loaded else "not loaded",
                    m.placement,
                    mb(max(0.0, m.file_mb - m.vram_mb)) if m.loaded else "0",
                    mb(m.vram_mb),
                )
                for m in s.models
            ],
        )
        fill(self.metrics, metric_rows(s.metrics))
        text = histogram_text(s.metrics)
        if self.histogram.toPlainText() != text:
            self.histogram.setPlainText(text)
        if s.log != self._last_log:
            self._last_log = s.log
            self.log.setPlainText("\n".join(s.log))
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())
