"""The Qt side of the window benchmarks (bench startup and ui_stall): Qt stays in app/ui.

``python -m bench.probes bare|domovoy`` shows a bare PySide6 window or domovoy's, then prints
"shown"; ``stalls`` measures the GUI thread's timer gaps while turns stream into the window.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

TICK_MS = 10


def show(kind: str) -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    if kind == "bare":  # nothing of domovoy's is imported for the baseline
        window = QMainWindow()
    else:
        from app.ui.main_window import MainWindow
        from core.events import EventBus

        window = MainWindow(bus=EventBus())
    window.show()
    app.processEvents()
    print("shown", flush=True)


@dataclass(frozen=True, slots=True)
class Stalls:
    gaps_ms: list[float]  # each tick's delay past the 10 ms asked for, sorted
    elapsed_s: float
    words_shown: int


def stalls(assistant: object, turns: int, meanwhile: Callable[[threading.Event], None]) -> Stalls:
    """Send ``turns`` messages through the real window; while each reply streams, ``meanwhile``
    runs on another thread until the event it is given is set (the turn is over)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.assistant import Assistant
    from app.ui.launch import settled
    from app.ui.main_window import MainWindow
    from core.events import TurnFailed, TurnFinished

    assert isinstance(assistant, Assistant)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(assistant)
    window.show()
    settled()  # as the app does once it has started
    gaps: list[float] = []
    last = [time.perf_counter()]
    turn_over = threading.Event()

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - TICK_MS)
        last[0] = now

    def ended(_: object) -> None:
        turn_over.set()

    assistant.bus.subscribe(TurnFinished, ended)
    assistant.bus.subscribe(TurnFailed, ended)
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    started = time.perf_counter()
    for turn in range(turns):
        turn_over.clear()
        other = threading.Thread(target=meanwhile, args=(turn_over,), daemon=True)
        window.input.setPlainText(f"Tell me a long story, part {turn + 1}.")
        last[0] = time.perf_counter()
        timer.start()
        other.start()
        window.send()
        while not turn_over.is_set():
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        timer.stop()
        other.join()
    elapsed = time.perf_counter() - started
    words = len(window.transcript_text().split())
    window.close()
    return Stalls(sorted(gaps), elapsed, words)


@dataclass(frozen=True, slots=True)
class LongChat:
    gaps_ms: list[float]  # each tick's delay past the 10 ms asked for, sorted
    open_ms: float  # from "open" to the newest message on screen
    laid_out_ms: float  # from "open" to every row measured
    pages: int  # pages scrolled from the newest message to the first


def long_chat(store_file: str, conversation_id: str) -> LongChat:
    """Open a kept conversation in the real window, as a user does, and scroll it from the
    newest message to the first a page at a time; the GUI timer's gaps all the while."""
    from pathlib import Path

    from PySide6.QtCore import QPoint, QTimer
    from PySide6.QtWidgets import QApplication

    from app.assistant import Assistant
    from app.chat_log import ChatLog
    from app.ui.main_window import MainWindow
    from core.events import EventBus
    from llm.fake import FakeLLM
    from llm.roles import ModelSlot
    from memory.conversations import Conversations

    app = QApplication.instance() or QApplication([])
    bus = EventBus()
    log = ChatLog(bus, Conversations(Path(store_file)))
    slot = ModelSlot(role="primary", model_id="fake", llm=FakeLLM(["ok"]))
    window = MainWindow(Assistant(bus=bus, slots={"primary": slot}, services=[log]))
    window.resize(900, 680)
    window.show()
    view = window.transcript
    rows = window.model
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - TICK_MS)
        last[0] = now

    def pump_until(condition: Callable[[], bool], limit_s: float = 120.0) -> None:
        deadline = time.perf_counter() + limit_s
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("the long conversation did not settle")
            app.processEvents()
            time.sleep(0.001)

    total = len(log.store.messages(conversation_id, limit=1_000_000)) // 2
    pump_until(lambda: window.input.isEnabled())  # the latest (short) conversation reopened
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    app.processEvents()
    last[0] = time.perf_counter()
    timer.start()
    start = time.perf_counter()
    window.open_conversation(conversation_id)

    def newest_on_screen() -> bool:
        bottom = view.indexAt(QPoint(10, view.viewport().height() - 4))
        return rows.rowCount() == total and bottom.row() == total - 1

    pump_until(newest_on_screen)
    opened = (time.perf_counter() - start) * 1000
    pump_until(lambda: view.delegate.rows_measured >= total)
    laid_out = (time.perf_counter() - start) * 1000
    bar = view.verticalScrollBar()
    pages = 0
    while bar.value() > bar.minimum():
        bar.setValue(bar.value() - bar.pageStep())
        pages += 1
        until = time.perf_counter() + 0.02  # a reader's pace: fifty pages a second
        pump_until(lambda until=until: time.perf_counter() > until)  # type: ignore[misc]
    timer.stop()
    window.close()
    return LongChat(sorted(gaps), opened, laid_out, pages)


if __name__ == "__main__":
    show(sys.argv[1] if len(sys.argv) > 1 else "bare")
