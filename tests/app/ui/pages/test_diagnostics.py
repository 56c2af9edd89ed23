"""The diagnostics page: resident models with RAM/VRAM, the GPU lease holder, the metrics of a
real turn on the demo model, and the recent log lines; refreshed only while on screen."""

from __future__ import annotations

import logging
import os

import psutil
import pytest
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from app.ui.main_window import MainWindow
from app.views.diagnostics import metric_rows, snapshot
from core import logbook
from core.scheduler import GpuScheduler

pytestmark = pytest.mark.qt


def test_the_page_shows_models_lease_metrics_and_log(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, demo_window: MainWindow
) -> None:
    logbook.install()
    logging.getLogger("domovoy.test").warning("a line the page should show")
    window = demo_window
    demo_assistant.submit("привет")
    assert demo_assistant.wait(60)
    page = window.pages.diagnostics
    assert page is not None
    assert not page.timer.isActive()  # not on screen: not reading
    window.tabs.setCurrentWidget(page)
    assert page.timer.isActive()

    cells = {
        page.models.item(r, 0).text(): [page.models.item(r, c).text() for c in range(7)]
        for r in range(page.models.rowCount())
    }
    assert cells["primary"][1:3] == ["demo-tiny-llama", "loaded"]
    runner = int(cells["primary"][4])  # the process that holds the model: not the app's
    assert runner != os.getpid() and runner in [p.pid for p in psutil.Process().children()]
    assert float(cells["primary"][5]) > 0  # its weights are in RAM (no GPU here)
    assert cells["lightweight"][4] == "—"  # no process: not loaded
    assert cells["lightweight"][2] == "not loaded"
    assert "GPU lease: <b>nobody</b>" in page.summary.text()
    assert cells["lightweight"][3] == ""  # nowhere: it is not loaded
    metrics = {
        (page.metrics.item(r, 0).text(), page.metrics.item(r, 1).text()): page.metrics.item(
            r, 2
        ).text()
        for r in range(page.metrics.rowCount())
    }
    assert metrics[("time to first token, ms", "demo-tiny-llama")] == "1"
    assert metrics[("replies", "demo-tiny-llama")] == "1"  # a count, not 1.000
    histogram = page.histogram.toPlainText()
    assert "time to first token, ms · demo-tiny-llama" in histogram and "█" in histogram
    assert "a line the page should show" in page.log.toPlainText()
    assert "turn 1: demo-tiny-llama (primary) answered" in page.log.toPlainText()  # the narrator

    window.tabs.setCurrentIndex(0)
    assert not page.timer.isActive()


def test_the_snapshot_names_the_lease_holder() -> None:
    scheduler = GpuScheduler()
    with scheduler.lease("whisper"):
        held = snapshot({}, scheduler, None)
    assert held.lease_holder == "whisper"
    assert snapshot({}, scheduler, None).lease_holder is None
    assert held.process_rss_mb > 10
    rows = metric_rows(
        {
            'x{model="m"}': {"type": "histogram", "count": 2, "p50": 1.0, "p95": None},
            'rate{role="primary",model="m"}': {"type": "gauge", "value": 0.125},
        }
    )
    assert rows == [("rate", "primary, m", "0.125", "", ""), ("x", "m", "2", "1.0", "—")]
