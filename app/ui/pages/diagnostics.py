"""The diagnostics page: the models each role holds (loaded or not, where their weights went,
RAM and VRAM), who holds the GPU lease, the app's memory, the metrics (time to first token,
tokens/s, load times, as percentiles and a latency histogram) and the recent log lines.

It reads a snapshot once a second while it is on screen, never when it is not."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
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

from app.ui.translation import shown
from app.views.diagnostics import Snapshot, metric_rows, split_key

INTERVAL_MS = 1000
# What each metric means to the person reading the page; a metric not named here shows its key.
NAMES = {
    "llm_first_token_ms": QT_TRANSLATE_NOOP("Metrics", "time to first token, ms"),
    "llm_tokens_per_s": QT_TRANSLATE_NOOP("Metrics", "tokens per second"),
    "llm_turns_total": QT_TRANSLATE_NOOP("Metrics", "replies"),
    "llm_fallbacks_total": QT_TRANSLATE_NOOP("Metrics", "fallbacks"),
    "model_load_ms": QT_TRANSLATE_NOOP("Metrics", "model load, ms"),
    "model_resident_sec": QT_TRANSLATE_NOOP("Metrics", "time loaded, s"),
    "moe_judge_agreement_rate": QT_TRANSLATE_NOOP("Metrics", "judges agreeing"),
    "moe_memory_resident_sec": QT_TRANSLATE_NOOP("Metrics", "MoE experts loaded, s"),
}


def metric_name(name: str) -> str:
    known = NAMES.get(name)
    return QCoreApplication.translate("Metrics", str(known)) if known else name


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
    lines: list[str] = []
    for key, m in sorted(metrics.items()):
        name, of = split_key(key)
        if name != "llm_first_token_ms" or not isinstance(m, dict):
            continue
        buckets: dict[str, int] = m.get("buckets", {})
        top = max(buckets.values(), default=0) or 1
        if lines:
            lines.append("")
        lines.append(f"{metric_name(name)} · {of}")
        for edge, n in buckets.items():
            if n:
                lines.append(f"  ≤ {edge:>6} ms  {'█' * max(1, round(n / top * 16))} {n}")
    return "\n".join(lines) or QCoreApplication.translate("DiagnosticsPage", "no replies yet")


class DiagnosticsPage(QWidget):
    def __init__(self, read: Callable[[], Snapshot], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read = read
        self.summary = QLabel(self)
        self.models = table(
            self,
            (
                self.tr("Role"),
                self.tr("Model"),
                self.tr("State"),
                self.tr("Where"),
                self.tr("Process"),
                self.tr("RAM MB"),
                self.tr("VRAM MB"),
            ),
            3,
        )
        self.metrics = table(
            self, (self.tr("Metric"), self.tr("Of"), self.tr("Count"), "p50", "p95"), 0
        )
        self.histogram = QPlainTextEdit(self)
        self.histogram.setReadOnly(True)
        self.histogram.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setPlaceholderText(self.tr("no log lines yet"))
        split = QSplitter(self)
        split.addWidget(self.metrics)
        split.addWidget(self.histogram)
        split.setSizes([600, 400])
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
        holder = s.lease_holder or self.tr("nobody")
        self.summary.setText(
            self.tr(
                "GPU lease: <b>{0}</b> · app memory (RSS) {1} MB · models in RAM ≈ {2} MB"
            ).format(holder, f"{s.process_rss_mb:.0f}", mb(s.ram_mb))
        )
        fill(
            self.models,
            [
                (
                    m.role,
                    m.model_id,
                    self.tr("loaded") if m.loaded else self.tr("not loaded"),
                    shown(m.placement),
                    str(m.pid) if m.pid is not None else "—",
                    mb(m.ram_mb),
                    mb(m.process_vram_mb if m.process_vram_mb is not None else m.vram_mb),
                )
                for m in s.models
            ],
        )
        fill(self.metrics, [(metric_name(r[0]), *r[1:]) for r in metric_rows(s.metrics)])
        text = histogram_text(s.metrics)
        if self.histogram.toPlainText() != text:
            self.histogram.setPlainText(text)
        if s.log != self._last_log:
            self._last_log = s.log
            self.log.setPlainText("\n".join(s.log))
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())
