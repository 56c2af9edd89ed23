"""llama.cpp never takes every core: the window, the audio and the memory keep one."""

from __future__ import annotations

import psutil
import pytest

from llm import threads as llama_threads


@pytest.mark.parametrize(
    ("logical", "physical", "threads"),
    [(2, 1, 1), (2, 2, 1), (4, 4, 3), (16, 8, 8), (1, 1, 1), (12, None, 11)],
)
def test_generation_threads_leave_a_core(
    monkeypatch: pytest.MonkeyPatch, logical: int, physical: int | None, threads: int
) -> None:
    monkeypatch.setattr(llama_threads.os, "cpu_count", lambda: logical)
    monkeypatch.setattr(psutil, "cpu_count", lambda logical=True: physical)
    assert llama_threads.default_threads() == threads
