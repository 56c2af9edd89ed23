from pathlib import Path

from app.assistant import Assistant
from core.events import (
    EventBus,
    ToolCalled,
    TurnFinished,
)
from core.metrics import Metrics
from llm.base import ChatMessage, GenerationParams
from llm.big_model import BigModel
from llm.fake import FakeLLM
from llm.llama_cpp import LlamaCppLLM
from llm.roles import ModelSlot
from llm.router import Router
from tests.app.turns import Recorder
from tests.helpers import this_turn


def test_a_tool_result_reaches_the_answering_model_and_the_user(tmp_path: Path) -> None:
    from llm.intent import IntentClassifier
    from llm.tool_step import ToolStep
    from llm.tools import builtin_tools

    fake = FakeLLM(["Будет 21."])
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    slots = {"primary": ModelSlot(role="primary", model_id="m", llm=fake)}
    router = Router(bus, slots)
    tools = ToolStep(builtin_tools(), IntentClassifier(tmp_path), BigModel(bus, router, Metrics()))
    assistant = Assistant(bus=bus, slots=slots, router=router, tools=tools)
    assistant.submit("сколько будет 3 умножить на 7?")
    assert assistant.wait(30)
    called = rec.of(ToolCalled)[0]
    assert isinstance(called, ToolCalled) and called.ok and called.result == "21"
    prompt = this_turn(fake.seen[0])
    assert "calculate(expression='3 * 7') → 21" in prompt
    assert assistant.history[0].content == "сколько будет 3 умножить на 7?"  # bare, no context


def test_a_harmony_model_that_calls_a_tool_gets_its_result_and_answers(tmp_path: Path) -> None:
    from llm.intent import IntentClassifier
    from llm.tool_step import ToolStep
    from llm.tools import builtin_tools

    call = (
        "<|channel|>analysis<|message|>Need arithmetic.<|end|><|start|>assistant"
        "<|channel|>commentary to=functions.calculate <|constrain|>json"
        '<|message|>{"expression": "6*7"}<|call|>'
    )
    final = "<|channel|>final<|message|>Сорок два.<|return|>"
    fake = FakeLLM([call, final], model_id="gpt-oss", harmony=True)
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    slots = {"primary": ModelSlot(role="primary", model_id="gpt-oss", llm=fake)}
    router = Router(bus, slots)
    tools = ToolStep(builtin_tools(), IntentClassifier(tmp_path), BigModel(bus, router, Metrics()))
    assistant = Assistant(bus=bus, slots=slots, router=router, tools=tools)
    assistant.submit("расскажи, что получится, если взять шесть раз по семь")
    assert assistant.wait(30)
    called = [
        e for e in rec.of(ToolCalled) if isinstance(e, ToolCalled) and e.decided_by == "model"
    ]
    assert called and called[0].tool == "calculate" and called[0].result == "42"
    assert "calculate" in (fake.params_seen[0].tools_json or "")  # the model was told its tools
    call_message, result = fake.seen[1][-2:]  # answered in harmony's own format
    assert call_message.tool_call is not None and call_message.tool_call.recipient == (
        "functions.calculate"
    )
    assert result.role == "tool" and result.content == "42"
    finished = rec.of(TurnFinished)[0]
    assert isinstance(finished, TurnFinished) and finished.text == "Сорок два."


def test_the_gpt_oss_template_lists_the_tools(tiny_models: dict[str, Path]) -> None:
    import json

    from llm.tools import builtin_tools

    llm = LlamaCppLLM(model_id="g", path=tiny_models["gpt-oss"], n_ctx=1024)
    tools_json = json.dumps(builtin_tools().openai_tools())
    prompt = llm.render(
        [ChatMessage(role="user", content="hi")], GenerationParams(tools_json=tools_json)
    )
    llm.unload()
    assert "namespace functions" in prompt and "type calculate" in prompt


def test_the_real_provider_runs_a_call_gpt_oss_wrote_and_the_answer_follows(
    tmp_path: Path, tiny_models: dict[str, Path]
) -> None:
    """The tiny gpt-oss-architecture model, scripted with gpt-oss's real token ids: the call
    ends at <|call|>, the tool runs, its result goes back through the template, and the next
    generation is the answer the user gets; the reasoning is kept, not shown."""
    from llm.intent import IntentClassifier
    from llm.scripted import Script
    from llm.tool_step import ToolStep
    from llm.tools import builtin_tools
    from models.testing.o200k import harmony_ids

    call = (
        "<|channel|>analysis<|message|>Need arithmetic.<|end|><|start|>assistant"
        "<|channel|>commentary to=functions.calculate <|constrain|>json"
        '<|message|>{"expression": "6*7"}<|call|>'
    )
    final = "<|channel|>final<|message|>Сорок два.<|return|>"
    script = Script([harmony_ids(call), harmony_ids(final)])
    llm = LlamaCppLLM(model_id="gpt-oss", path=tiny_models["gpt-oss"], n_ctx=2048, script=script)
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    slots = {"primary": ModelSlot(role="primary", model_id="gpt-oss", llm=llm)}
    router = Router(bus, slots)
    tools = ToolStep(builtin_tools(), IntentClassifier(tmp_path), BigModel(bus, router, Metrics()))
    assistant = Assistant(bus=bus, slots=slots, router=router, tools=tools)
    try:
        assistant.submit("расскажи, что получится, если взять шесть раз по семь")
        assert assistant.wait(60)
    finally:
        llm.unload()
    called = [e for e in rec.of(ToolCalled) if isinstance(e, ToolCalled)]
    assert [(e.tool, e.result, e.decided_by) for e in called] == [("calculate", "42", "model")]
    finished = rec.of(TurnFinished)[0]
    assert isinstance(finished, TurnFinished) and finished.text == "Сорок два."
    assert "Need arithmetic." in finished.reasoning and script.used == 2
