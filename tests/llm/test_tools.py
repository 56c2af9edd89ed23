import json
from pathlib import Path

import pytest

from core.errors import GenerationError
from core.events import EventBus
from core.metrics import Metrics
from llm.base import ChatMessage, GenerationParams
from llm.big_model import BigModel
from llm.fake import FakeLLM
from llm.intent import Intent, IntentClassifier
from llm.llama_cpp import LlamaCppLLM
from llm.roles import ModelSlot
from llm.router import Router
from llm.structured import ask_json, extract_json
from llm.tool_step import ToolStep
from llm.tools import CALCULATOR, Tool, ToolRegistry, builtin_tools, evaluate

SCHEMA = {
    "type": "object",
    "properties": {"tool": {"enum": ["time", "calculate", "none"]}},
    "required": ["tool"],
    "additionalProperties": False,
}


@pytest.fixture(scope="session")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> IntentClassifier:
    return IntentClassifier(tmp_path_factory.mktemp("intent"))


def router_with(**slots: FakeLLM) -> Router:
    return Router(
        EventBus(),
        {role: ModelSlot(role=role, model_id=llm.model_id, llm=llm) for role, llm in slots.items()},
    )


def planner(router: Router) -> BigModel:
    """The big model's service over ``router``: the tool step plans through it."""
    return BigModel(router.bus, router, Metrics())


# --- tools -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "value"),
    [("2+2", 4), ("3 * (4 - 1)", 9), ("2 ** 10", 1024), ("sqrt(81)", 9), ("7 / 2", 3.5)],
)
def test_the_calculator_does_arithmetic(expression: str, value: float) -> None:
    assert evaluate(expression) == value


@pytest.mark.parametrize("expression", ["__import__('os')", "open('x')", "2 ** 100000", "a + 1"])
def test_the_calculator_runs_nothing_but_arithmetic(expression: str) -> None:
    outcome = builtin_tools().call("calculate", {"expression": expression})
    assert not outcome.ok and "FAILED" in outcome.transcript()


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("сколько будет 3 умножить на 7", "3 * 7"),
        ("what's 2 plus 2?", "2 + 2"),
        ("корень из 81", "sqrt(81)"),
        ("how much is 1200 minus 350", "1200 - 350"),
        ("у меня 2 кота", None),
    ],
)
def test_arguments_are_taken_from_the_users_words(text: str, expression: str | None) -> None:
    found = CALCULATOR.extract(text)
    assert (found or {}).get("expression") == expression


def test_a_tool_that_raises_or_returns_garbage_is_reported_not_raised() -> None:
    registry = ToolRegistry(
        [
            Tool("boom", "fails", {"type": "object"}, run=lambda a: 1 / 0),
            Tool("junk", "returns junk", {"type": "object"}, run=lambda a: object()),
        ]
    )
    boom = registry.call("boom", {})
    assert not boom.ok and "ZeroDivisionError" in boom.text
    junk = registry.call("junk", {})
    assert not junk.ok and "returned object, not text" in junk.text
    assert not registry.call("nope", {}).ok


# --- structured output -------------------------------------------------------------------------


def test_json_is_found_in_what_models_write() -> None:
    assert extract_json('{"a": 1}') == {"a": 1}
    assert extract_json('Sure! ```json\n{"a": [1, 2]}\n``` done') == {"a": [1, 2]}
    assert extract_json('The plan is {"tool": "time"} as asked') == {"tool": "time"}
    with pytest.raises(ValueError):
        extract_json("no json here")


def test_a_grammar_makes_even_a_tiny_random_model_write_valid_json(
    tiny_models: dict[str, Path],
) -> None:
    llm = LlamaCppLLM(model_id="tiny", path=tiny_models["llama"], n_ctx=512)
    slot = ModelSlot(
        role="lightweight", model_id="tiny", llm=llm, params=GenerationParams(max_tokens=64)
    )
    router = Router(EventBus(), {"lightweight": slot})
    value, answered = ask_json(
        router, [ChatMessage(role="user", content="Which tool?")], SCHEMA, retries=0
    )
    llm.unload()
    assert value["tool"] in {"time", "calculate", "none"} and answered.slot is slot


def test_a_harmony_model_gets_no_grammar_and_is_asked_again_on_a_mistake() -> None:
    bad = "<|channel|>final<|message|>I think the time tool.<|return|>"
    good = '<|channel|>final<|message|>{"tool": "time"}<|return|>'
    fake = FakeLLM([bad, good], harmony=True)
    value, _ = ask_json(
        router_with(lightweight=fake), [ChatMessage(role="user", content="?")], SCHEMA
    )
    assert value == {"tool": "time"}
    assert fake.params_seen[0].json_schema == json.dumps(SCHEMA)  # asked; the backend decides
    retry = fake.seen[1][-1].content
    assert retry.startswith("That was not valid: no JSON object in the reply")


def test_json_that_never_comes_is_a_clear_error() -> None:
    fake = FakeLLM(['{"tool": "weather"}'])
    with pytest.raises(GenerationError, match="did not produce valid JSON after 2 tries"):
        ask_json(
            router_with(lightweight=fake),
            [ChatMessage(role="user", content="?")],
            SCHEMA,
            retries=1,
        )


def test_a_model_that_gives_no_valid_json_is_passed_over_for_the_next_one() -> None:
    rambling = "<|channel|>final<|message|>Well, I would judge it fair.<|return|>"
    judge = FakeLLM([rambling], model_id="gpt-oss", harmony=True)  # no grammar: it can fail
    primary = FakeLLM(['{"tool": "none"}'], model_id="phi")
    router = router_with(optional_moe=judge, primary=primary)
    value, answered = ask_json(
        router, [ChatMessage(role="user", content="?")], SCHEMA, kind="deep", retries=1
    )
    assert value == {"tool": "none"} and answered.slot.model_id == "phi"
    assert len(judge.seen) == 2  # it had its retry first
    assert answered.fallback_reason.startswith("gpt-oss gave no valid JSON (no JSON object")


def test_when_no_model_gives_valid_json_each_one_is_named() -> None:
    router = router_with(
        optional_moe=FakeLLM(["nope"], model_id="big"), primary=FakeLLM(["no"], model_id="small")
    )
    with pytest.raises(GenerationError) as err:
        ask_json(router, [ChatMessage(role="user", content="?")], SCHEMA, kind="deep", retries=0)
    assert "big did not produce valid JSON after 1 tries" in str(err.value)
    assert "small did not produce valid JSON after 1 tries" in str(err.value)


# --- the intent classifier and the tool step ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Который сейчас час?", "time"),
        ("what's the date today?", "time"),
        ("сколько будет 3 умножить на 7", "calculate"),
        ("calculate 15 times 3", "calculate"),
        ("расскажи сказку про кота", "chat"),
        ("how are you today?", "chat"),
    ],
)
def test_the_classifier_knows_russian_and_english_intents(
    classifier: IntentClassifier, text: str, label: str
) -> None:
    assert classifier.predict(text).label == label


def test_the_classifier_is_trained_once_and_cached(tmp_path: Path) -> None:
    from llm.intent import EXAMPLES

    examples = tmp_path / "data" / "intents.yaml"  # examples of the user's: none built for them
    examples.parent.mkdir()
    examples.write_text(EXAMPLES.read_text(encoding="utf-8") + "  - ещё один пример\n")
    first = IntentClassifier(tmp_path / "cache", examples)
    first.predict("hi")
    assert first.trained_now
    second = IntentClassifier(tmp_path / "cache", examples)
    assert second.predict("который час").label == "time" and not second.trained_now


def test_the_shipped_examples_are_built_at_install_time(tmp_path: Path) -> None:
    classifier = IntentClassifier(tmp_path)  # an empty cache, as at a first start
    assert classifier.predict("который час").label == "time"
    assert not classifier.trained_now  # `make` trained it (python -m llm.intent)
    assert not list(tmp_path.iterdir())


def test_a_sure_tool_runs_without_asking_any_model(classifier: IntentClassifier) -> None:
    light = FakeLLM(["should not be asked"])
    step = ToolStep(builtin_tools(), classifier, planner(router_with(lightweight=light)))
    decision, outcome = step.run("сколько будет 3 умножить на 7")
    assert decision.decided_by == "classifier" and decision.tool == "calculate"
    assert outcome is not None and outcome.ok and outcome.text == "21"
    assert light.seen == []


class FixedIntent:
    """A classifier that always says the same: to put the tool step in a given state."""

    ready = True  # trained: the tool step asks it rather than guessing

    def __init__(self, label: str, confidence: float) -> None:
        self.intent = Intent(label, confidence)

    def predict(self, text: str) -> Intent:
        return self.intent


def test_when_unsure_the_lightweight_models_plan_decides() -> None:
    light = FakeLLM(['{"tool": "calculate", "arguments": {"expression": "6*7"}}'])
    step = ToolStep(
        builtin_tools(), FixedIntent("calculate", 0.4), planner(router_with(lightweight=light))
    )  # type: ignore[arg-type]
    decision, outcome = step.run("what is the answer to everything, six by seven")
    assert decision.decided_by == "planner" and outcome is not None and outcome.text == "42"
    assert "calculate" in light.seen[0][0].content  # the plan prompt lists the tools
    assert json.loads(light.params_seen[0].json_schema or "{}")["properties"]["tool"] == {
        "enum": ["calculate", "none"]
    }  # the planner chooses between the likely tool and none


def test_a_planner_may_say_no_tool() -> None:
    light = FakeLLM(['{"tool": "none", "arguments": {}}'])
    step = ToolStep(
        builtin_tools(), FixedIntent("time", 0.4), planner(router_with(lightweight=light))
    )  # type: ignore[arg-type]
    decision, outcome = step.run("time flies like an arrow")
    assert decision.tool is None and decision.decided_by == "planner" and outcome is None


def test_a_plain_message_needs_no_tool(classifier: IntentClassifier) -> None:
    step = ToolStep(builtin_tools(), classifier, planner(router_with(lightweight=FakeLLM(["x"]))))
    decision, outcome = step.run("расскажи сказку про кота")
    assert decision.tool is None and outcome is None


def test_a_planner_that_fails_means_no_tool_not_no_answer() -> None:
    step = ToolStep(
        builtin_tools(),
        FixedIntent("time", 0.4),  # type: ignore[arg-type]
        planner(router_with(lightweight=FakeLLM(["garbage"]))),
    )
    decision, outcome = step.run("hmm")
    assert decision.decided_by == "nobody" and outcome is None


def test_before_the_classifier_is_trained_clear_cases_still_get_their_tool(
    tmp_path: Path,
) -> None:
    from llm.intent import IntentClassifier, quick_guess

    classifier = IntentClassifier(tmp_path)
    step = ToolStep(builtin_tools(), classifier, planner(Router(EventBus(), {})))
    decision = step.decide("Сколько будет 17 * 23?")
    assert decision.tool == "calculate" and decision.arguments == {"expression": "17 * 23"}
    assert not classifier.ready  # the turn did not wait for training
    assert quick_guess("3 умножить на 7").label == "calculate"
    assert quick_guess("который час?").label == "time"
    assert quick_guess("как дела?").label == "chat"
