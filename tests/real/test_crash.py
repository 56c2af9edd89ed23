"""The starter model killed mid-answer (``kill -SEGV`` of the process that has the GGUF mapped):
the reply ends with a clear message, the fallback answers, the next question is answered by the
restarted primary, and the app (the window, ``domovoy chat``) keeps running."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from core.events import TokenStreamed, TurnFinished
from tests.real.conftest import ask

pytestmark = pytest.mark.real

LONG = "Explain step by step, with examples, how to reverse a list in Python in three ways."
ROOT = Path(__file__).resolve().parents[2]


def mapping(parent: int, gguf: Path) -> int | None:
    """The process below ``parent`` that has ``gguf`` mapped: the one llama.cpp runs in."""
    for child in psutil.Process(parent).children(recursive=True):
        try:
            if any(m.path == str(gguf) for m in child.memory_maps()):
                return child.pid
        except psutil.Error:
            continue
    return None


def starter_gguf(home: Home) -> Path:
    return next((home.paths.models_dir / "starter").rglob("*.gguf"))


@pytest.fixture
def short(assistant: Assistant) -> Assistant:
    """Replies of at most 160 tokens: long enough to be cut mid-way, short enough to wait for."""
    for slot in assistant.slots.values():
        slot.params = dataclasses.replace(slot.params, max_tokens=160)
    return assistant


def kill_after(assistant: Assistant, gguf: Path, tokens: int) -> list[int]:
    """SIGSEGV to the model's process once ``tokens`` pieces of the next reply are out."""
    killed: list[int] = []
    seen: list[str] = []

    def token(e: TokenStreamed) -> None:
        seen.append(e.text)
        if len(seen) == tokens and not killed:
            pid = mapping(os.getpid(), gguf)
            assert pid is not None and pid != os.getpid()
            killed.append(pid)
            os.kill(pid, signal.SIGSEGV)

    assistant.bus.subscribe(TokenStreamed, token)
    return killed


def test_the_starter_model_killed_mid_answer_is_survived(short: Assistant, home: Home) -> None:
    assistant = short
    gguf = starter_gguf(home)
    assert assistant.primary is not None
    assistant.primary.ensure_loaded(assistant.bus)
    assert mapping(os.getpid(), gguf) is not None  # loaded in its runner, not here
    assert not any(m.path == str(gguf) for m in psutil.Process().memory_maps())
    killed = kill_after(assistant, gguf, tokens=5)
    crashed = ask(assistant, LONG)
    ending = crashed.finished
    assert isinstance(ending, TurnFinished) and len(killed) == 1
    assert ending.cut_off.strip()  # what was said before the crash is kept
    assert "crashed" in ending.fallback_reason and "SIGSEGV" in ending.fallback_reason
    assert ending.role == "lightweight" and len(ending.text.split()) > 20  # answered anyway
    fresh = mapping(os.getpid(), gguf)
    assert fresh is not None and fresh != killed[0]  # a fresh runner answered

    reply = ask(assistant, "What is the capital of France?")
    assert reply.finished is not None and reply.finished.role == "primary"
    assert not reply.finished.fallback_reason
    assert "paris" in reply.text.lower(), reply.text


def test_the_window_keeps_running_through_a_crash(
    qtbot: QtBot, short: Assistant, home: Home
) -> None:
    assistant = short
    from app.ui.main_window import MainWindow

    window = MainWindow(assistant)
    window.attach(assistant, home=home)
    qtbot.addWidget(window)
    window.show()
    finished: list[TurnFinished] = []
    assistant.bus.subscribe(TurnFinished, finished.append)
    killed = kill_after(assistant, starter_gguf(home), tokens=5)
    window.input.setPlainText(LONG)
    window.send()
    qtbot.waitUntil(lambda: bool(finished) and window.send_button.isEnabled(), timeout=240_000)
    assert killed and finished[0].cut_off
    text = window.transcript_text()
    assert "cut off" in text and "crashed" in text and "SIGSEGV" in text
    entry = window.model.entries[-1]
    assert entry.cut_off == finished[0].cut_off and entry.answer == finished[0].text
    window.input.setPlainText("What is the capital of France?")
    window.send()
    qtbot.waitUntil(lambda: len(finished) == 2 and window.send_button.isEnabled(), timeout=120_000)
    assert finished[1].role == "primary" and "paris" in finished[1].text.lower()


class Terminal:
    """``domovoy chat`` in a child process, its output gathered as it comes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "chat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.out = b""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := os.read(self.proc.stdout.fileno(), 4096):
            self.out += chunk

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", errors="replace")

    def wait_for(self, what: str, after: int = 0, timeout: float = 240.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            at = self.text.find(what, after)
            if at >= 0:
                return at + len(what)
            assert self.proc.poll() is None, f"domovoy chat ended:\n{self.text[-3000:]}"
            time.sleep(0.05)
        raise AssertionError(f"no {what!r} within {timeout} s:\n{self.text[-3000:]}")

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()


def test_domovoy_chat_keeps_running_through_a_crash(home: Home) -> None:
    gguf = starter_gguf(home)
    chat = Terminal()
    try:
        at = chat.wait_for("you> ")
        chat.say(LONG)
        deadline = time.monotonic() + 120
        while len(chat.text) < at + 30 and time.monotonic() < deadline:  # the answer began
            time.sleep(0.05)
        runner = mapping(chat.proc.pid, gguf)
        assert runner is not None
        os.kill(runner, signal.SIGSEGV)
        at = chat.wait_for("crashed (killed by SIGSEGV", at)
        at = chat.wait_for("you> ", at)  # the fallback answered, and the prompt is back
        assert "fallback:" in chat.text[:at]
        chat.say("What is the capital of France?")
        at = chat.wait_for("you> ", at)
        assert "paris" in chat.text.lower().rsplit("france?", 1)[-1], chat.text[-2000:]
        last = mapping(chat.proc.pid, gguf)
        assert last is not None and last != runner  # the restarted runner answered
        assert chat.proc.stdin is not None
        chat.proc.stdin.close()  # Ctrl+D
        assert chat.proc.wait(60) == 0
        assert not psutil.pid_exists(last) or psutil.Process(last).status() == "zombie"
    finally:
        chat.proc.kill()
