"""The window on the starter kit, as a new user meets it: nothing installed by hand, a real
question typed, a real answer shown, photographed into reports/screenshots/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.home import Home
from app.wiring import conversations_file
from core.paths import Paths
from memory.conversations import Conversations

pytestmark = [pytest.mark.real, pytest.mark.qt]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "reports" / "screenshots"
XVFB = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24"]


def test_the_window_answers_a_real_question(domovoy_home: Paths) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    question = "What is the capital of France?"
    done = subprocess.run(
        [*XVFB, sys.executable, "-m", "app.ui.screenshots", str(SHOTS), "--pages", "chat",
         "--suffix", "_starter", "--question", question],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    shot = SHOTS / "chat_starter.png"
    assert str(shot) in done.stdout and QImage(str(shot)).width() == 900
    store = Conversations(conversations_file(Home.open(domovoy_home)))
    try:
        latest = store.find("")[0]
        messages = store.messages(latest.id)
    finally:
        store.close()
    assert [m.role for m in messages][-2:] == ["user", "assistant"]
    assert messages[-2].text == question
    assert "paris" in messages[-1].text.lower(), messages[-1].text
