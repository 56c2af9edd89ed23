"""The runner process: a model in its own process answers as in-process llama.cpp does, stops
when cancelled, and its death by any signal is an error the app survives, never a hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from core.errors import ModelCrashedError, ModelFileError, ModelLoadError
from llm.base import ChatMessage, Delta, GenerationParams, final_text
from llm.llama_cpp import LlamaCppLLM
from llm.supervised import SupervisedLLM

HELLO = [ChatMessage(role="user", content="Hello there")]
PARAMS = GenerationParams(max_tokens=24, seed=5)


@pytest.fixture
def llm(tiny_models: dict[str, Path], tmp_path: Path) -> Iterator[SupervisedLLM]:
    model = SupervisedLLM(
        model_id="tiny", path=tiny_models["llama"], n_ctx=512, log_dir=tmp_path / "runners"
    )
    yield model
    model.unload()


def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def test_the_runner_answers_as_llama_cpp_in_process(
    llm: SupervisedLLM, tiny_models: dict[str, Path]
) -> None:
    here = LlamaCppLLM(model_id="tiny", path=tiny_models["llama"], n_ctx=512)
    expected = final_text(here.stream(HELLO, PARAMS))
    here.unload()
    assert expected
    assert final_text(llm.stream(HELLO, PARAMS)) == expected
    assert llm.render(HELLO, PARAMS) == here.render(HELLO, PARAMS)
    assert llm.count_tokens(HELLO, PARAMS) == here.count_tokens(HELLO, PARAMS)


def test_a_tool_round_reaches_the_runner_whole(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    from llm.base import ToolCallRequest

    call = ToolCallRequest(recipient="functions.time", arguments="{}", content_type="json")
    followed = [
        *HELLO,
        ChatMessage(role="assistant", content="", tool_call=call),
        ChatMessage(role="tool", content="12:30"),
    ]
    here = LlamaCppLLM(model_id="g", path=tiny_models["gpt-oss"], n_ctx=512)
    there = SupervisedLLM(model_id="g", path=tiny_models["gpt-oss"], n_ctx=512, log_dir=tmp_path)
    try:
        expected = here.render(followed, PARAMS)
        assert "to=functions.time<|channel|>commentary json<|message|>{}<|call|>" in expected
        assert there.render(followed, PARAMS) == expected
    finally:
        here.unload()
        there.unload()


def test_the_model_lives_in_its_own_process_until_it_unloads(llm: SupervisedLLM) -> None:
    llm.load()
    pid = llm.pid
    assert llm.loaded and pid is not None and pid != os.getpid()
    path = str(llm.path)
    assert any(m.path == path for m in psutil.Process(pid).memory_maps())
    assert not any(m.path == path for m in psutil.Process().memory_maps())
    llm.unload()
    assert not llm.loaded and llm.pid is None
    assert gone(pid)


def test_the_runner_gives_way_to_the_window(llm: SupervisedLLM) -> None:
    from llm.runner_process import NICE

    llm.load()
    assert llm.pid is not None
    assert psutil.Process(llm.pid).nice() == psutil.Process().nice() + NICE
    assert os.sched_getscheduler(llm.pid) == os.SCHED_BATCH  # never preempts it on waking
    for thread in psutil.Process(llm.pid).threads():  # llama.cpp's threads inherit both
        assert os.sched_getscheduler(thread.id) == os.SCHED_BATCH


def test_a_cancel_reaches_the_runner_and_stops_the_reply(llm: SupervisedLLM) -> None:
    cancel = threading.Event()
    received = []
    for output in llm.stream(HELLO, GenerationParams(max_tokens=400, seed=5), cancel):
        received.append(output)
        if len(received) == 3:
            cancel.set()
    assert 3 <= len(received) < 10
    assert final_text(llm.stream(HELLO, PARAMS))  # the runner serves the next request


def test_a_reply_left_unread_does_not_block_the_next_request(llm: SupervisedLLM) -> None:
    stream = llm.stream(HELLO, GenerationParams(max_tokens=400, seed=5))
    next(stream)
    stream.close()  # the caller went away mid-reply
    assert llm.count_tokens(HELLO, PARAMS) > 0
    assert final_text(llm.stream(HELLO, PARAMS))


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL, signal.SIGILL])
def test_a_runner_killed_mid_reply_is_a_clear_error_and_restarts(
    llm: SupervisedLLM, sig: signal.Signals
) -> None:
    received = []
    with pytest.raises(ModelCrashedError) as caught:
        for output in llm.stream(HELLO, GenerationParams(max_tokens=400, seed=5)):
            received.append(output)
            if len(received) == 2:
                assert llm.pid is not None
                os.kill(llm.pid, sig)
    assert len(received) >= 2 and all(isinstance(o, Delta) for o in received)
    error = caught.value
    assert error.model_id == "tiny" and sig.name in error.how and not error.broken
    assert "restarted on the next question" in str(error)
    assert not llm.loaded
    assert final_text(llm.stream(HELLO, PARAMS))  # a fresh runner answers
    assert llm.loaded and llm.broken is None


def kill_when_started(llm: SupervisedLLM, sig: signal.Signals) -> threading.Thread:
    def killer() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            runner = llm._runner
            if runner is not None and runner.alive:
                os.kill(runner.pid, sig)
                return
            time.sleep(0.001)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    return thread


def test_a_runner_that_crashes_at_every_start_is_marked_broken(llm: SupervisedLLM) -> None:
    for attempt in (1, 2):
        killer = kill_when_started(llm, signal.SIGILL)
        with pytest.raises(ModelCrashedError) as caught:
            llm.load()
        killer.join()
        assert "SIGILL" in caught.value.how
        assert caught.value.broken == (attempt == 2)
    with pytest.raises(ModelCrashedError) as again:  # refused at once: no third process
        llm.load()
    assert again.value.broken and "not used again until domovoy restarts" in str(again.value)
    assert llm._runner is None


def test_the_crash_message_carries_the_last_lines_of_its_log(llm: SupervisedLLM) -> None:
    llm.load()
    assert llm.pid is not None
    with open(llm.log_file, "a", encoding="utf-8") as log:  # what llama.cpp wrote before dying
        log.write("GGML_ASSERT(n_tokens <= n_batch) failed\n")
    os.kill(llm.pid, signal.SIGABRT)
    with pytest.raises(ModelCrashedError) as caught:
        llm.count_tokens(HELLO, PARAMS)
    assert "SIGABRT" in caught.value.how
    assert "GGML_ASSERT(n_tokens <= n_batch) failed" in str(caught.value)
    assert str(llm.log_file) in str(caught.value)


def test_a_junk_or_truncated_gguf_is_refused_with_its_cause(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"this is not a model" * 100)
    with pytest.raises(ModelFileError):
        SupervisedLLM(model_id="junk", path=junk).load()
    data = tiny_models["llama"].read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    model = SupervisedLLM(model_id="cut", path=cut, log_dir=tmp_path)
    with pytest.raises((ModelFileError, ModelLoadError)) as caught:
        model.load()
    assert not isinstance(caught.value, ModelCrashedError)
    model.unload()


CHILD = """
import sys, time
from pathlib import Path
from llm.supervised import SupervisedLLM
llm = SupervisedLLM(model_id="tiny", path=Path(sys.argv[1]), n_ctx=256)
llm.load()
print(llm.pid, flush=True)
time.sleep(120)
"""


def test_a_killed_app_leaves_no_runner_behind(tiny_models: dict[str, Path]) -> None:
    app = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tiny_models["llama"])],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert app.stdout is not None
        runner = int(app.stdout.readline())
        assert psutil.pid_exists(runner)
        app.send_signal(signal.SIGKILL)
        app.wait()
        assert gone(runner), "the runner outlived the app that was killed"
    finally:
        app.kill()


def test_a_spare_runner_started_early_serves_the_first_model(llm: SupervisedLLM) -> None:
    from llm import runner_process

    runner_process.start_spare()
    spare = runner_process._SPARE[0].pid
    assert final_text(llm.stream(HELLO, PARAMS))
    assert llm.pid == spare and not runner_process._SPARE  # taken, not started anew
    assert os.readlink(f"/proc/{spare}/fd/2") == str(llm.log_file)  # its stderr: the model's log
