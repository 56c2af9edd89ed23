from pathlib import Path

from llm.base import ChatMessage
from llm.prompt import PROMPTS_DIR, PromptBuilder, Templates, TurnContext, _compile


def history(n: int) -> list[ChatMessage]:
    out = []
    for i in range(n):
        out += [
            ChatMessage(role="user", content=f"question {i}"),
            ChatMessage(role="assistant", content=f"answer {i}"),
        ]
    return out


def test_the_prefix_stays_the_same_from_turn_to_turn() -> None:
    builder = PromptBuilder()
    turn1 = builder.build(history(3), "next", TurnContext(mood="calm", memories=("a cat",)))
    turn2 = builder.build(
        [
            *history(3),
            ChatMessage(role="user", content="next"),
            ChatMessage(role="assistant", content="ok"),
        ],
        "and then?",
        TurnContext(mood="cheerful", memories=("a dog",)),
    )
    prefix = turn1.messages[:-1]  # system + history: everything but the new message
    assert turn2.messages[: len(prefix)] == prefix
    assert turn2.messages[len(prefix)].content == "next"  # the history keeps the bare words


def test_per_turn_context_goes_last_inside_the_user_message() -> None:
    prompt = PromptBuilder().build(
        history(1), "Как дела?", TurnContext(mood="tired", memories=("(2026-11-20) Masha is ill",))
    )
    last = prompt.messages[-1]
    assert last.role == "user" and last.content.endswith("Как дела?")
    assert (
        "Your current mood: tired" in last.content and "- (2026-11-20) Masha is ill" in last.content
    )
    assert (
        "tired" not in prompt.messages[0].content
    )  # the system prompt does not change with the mood


def test_without_context_the_user_message_is_the_bare_text() -> None:
    assert PromptBuilder().build([], "hi").messages[-1].content == "hi"


def test_the_summary_and_voice_mode_go_into_the_system_prompt() -> None:
    system = PromptBuilder(voice=True).build([], "hi", summary="They spoke of cats.").messages[0]
    assert "Summary of the earlier conversation:\nThey spoke of cats." in system.content
    assert "no markdown" in system.content


def test_the_version_follows_the_template_files(tmp_path: Path) -> None:
    for f in PROMPTS_DIR.glob("*.j2"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    templates = Templates(tmp_path)
    builder = PromptBuilder(templates)
    assert builder.version == PromptBuilder().version
    assert PromptBuilder(templates, voice=True).version != builder.version
    (tmp_path / "system.j2").write_text("You are a teapot.", encoding="utf-8")
    changed = builder.build([], "hi")
    assert changed.version != PromptBuilder().version
    assert changed.messages[0].content == "You are a teapot."  # the new file is used at once


def test_templates_are_compiled_once_per_content() -> None:
    builder = PromptBuilder()
    builder.build([], "warm up")
    before = _compile.cache_info()
    for i in range(5):
        builder.build(history(i), f"message {i}")
    after = _compile.cache_info()
    assert after.misses == before.misses and after.hits >= before.hits + 10
