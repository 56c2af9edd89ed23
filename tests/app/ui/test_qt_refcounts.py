"""The window lives on signals: a long reply is thousands of emits through the bridge.

PySide6 6.12.0 releases the bool that ``Signal.emit`` returns one time too many; on Python 3.11,
where True and None are not immortal, the interpreter aborts after a few thousand emits
("bool_dealloc: deallocating True or False"), i.e. in the middle of a reply. pyproject keeps that
release out; this runs the bridge hard in a child process (an abort would take pytest with it)
and fails if the installed PySide6 brings the bug back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import sys, threading
from PySide6.QtCore import QCoreApplication
from app.ui.bridge import QtBridge
from core.events import EventBus, TokenStreamed

app = QCoreApplication([])
bus = EventBus()
bridge = QtBridge(bus)
got = []
bridge.on(TokenStreamed, got.append)
before = sys.getrefcount(True), sys.getrefcount(None)
N = 20000

def stream():
    for i in range(N):
        bus.publish(TokenStreamed(turn_id=1, text=str(i)))

worker = threading.Thread(target=stream)
worker.start()
while worker.is_alive() or len(got) < N:
    app.processEvents()
worker.join()
stream()  # the same thread too
app.processEvents()
after = sys.getrefcount(True), sys.getrefcount(None)
print(len(got), after[0] - before[0], after[1] - before[1])
"""


def test_twenty_thousand_tokens_through_the_bridge_leave_true_and_none_alone() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    delivered, true_drift, none_drift = (int(v) for v in done.stdout.split())
    assert delivered == 40000
    # a reference or two may move with interpreter state; a per-emit bug moves thousands
    assert abs(true_drift) < 100 and abs(none_drift) < 100
