"""Real answers from the starter model: facts in English and Russian, memory across processes,
tools chosen alike in both languages, and a JSON plan from the real model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from app.assistant import Assistant
from llm.tools import builtin_tools
from tests.real.conftest import ask

pytestmark = pytest.mark.real


def test_the_starter_model_plays_primary_and_lightweight(assistant: Assistant) -> None:
    primary, light = assistant.slots["primary"], assistant.slots["lightweight"]
    assert primary.model_id == light.model_id == "qwen2.5-coder-0.5b-instruct-q4_k_m-v1.0"
    assert primary.llm is light.llm  # one copy in memory for both roles


@pytest.mark.parametrize(
    ("question", "answer"),
    [("What is the capital of France?", "paris"), ("Сколько часов в сутках?", "24")],
)
def test_a_factual_question_is_answered_correctly(
    assistant: Assistant, question: str, answer: str
) -> None:
    reply = ask(assistant, question)
    assert reply.finished is not None
    assert reply.finished.model_used == "qwen2.5-coder-0.5b-instruct-q4_k_m-v1.0"
    assert not reply.finished.fallback_reason and not reply.finished.demo
    assert answer in reply.text.lower(), reply.text


@pytest.mark.parametrize(
    ("question", "result"), [("What is 17 * 23?", "391"), ("Сколько будет 17 * 23?", "391")]
)
def test_the_calculator_is_chosen_in_both_languages(
    assistant: Assistant, question: str, result: str
) -> None:
    from core.events import ToolCalled

    called: list[ToolCalled] = []
    off = assistant.bus.subscribe(ToolCalled, called.append)
    try:
        reply = ask(assistant, question)
    finally:
        off()
    assert [c.tool for c in called] == ["calculate"]
    assert result in reply.text.replace(" ", "").replace(",", ""), reply.text


def test_a_tool_plan_is_valid_json_from_the_real_model(assistant: Assistant) -> None:
    assert assistant.tools is not None
    decision = assistant.tools.plan("please multiply twelve by thirty-four for me")
    assert decision.decided_by == "planner"  # the model answered with JSON that fits the schema
    assert decision.tool == "calculate", decision
    calculate = builtin_tools().get("calculate")
    jsonschema.validate(decision.arguments, calculate.parameters)
    outcome = builtin_tools().call("calculate", decision.arguments)
    assert outcome.ok and outcome.text == "408", outcome


def _chat_once(text: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOMOVOY_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "chat", "--once", text],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def test_a_fact_told_in_one_process_is_recalled_in_the_next(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"  # nothing installed by hand: the starter kit at first start
    told = _chat_once("My sister Olga lives in Kazan.", home)
    assert told.returncode == 0, told.stderr
    assert "qwen2.5-coder" in told.stderr  # the footer names the real model
    assert "%|" not in told.stderr  # no library progress bars in the terminal
    asked = _chat_once("In which city does my sister Olga live?", home)
    assert asked.returncode == 0, asked.stderr
    assert "kazan" in asked.stdout.lower(), asked.stdout
    assert (home / "data" / "domovoy.log").read_text().count("answered") >= 2  # the CLI's log
