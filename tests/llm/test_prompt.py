from pathlib import Path

from llm.base import ChatMessage
from llm.chat_template import template_messages
from llm.prompt import PROMPTS_DIR, PromptBuilder, Templates, TurnContext, _compile, fit


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
    prefix = turn1.messages[:-2]  # system + history: all but the turn's note and message
    assert turn2.messages[: len(prefix)] == prefix
    assert turn2.messages[len(prefix)].content == "next"  # the history keeps the bare words


def test_per_turn_context_is_a_note_just_before_the_user_message() -> None:
    prompt = PromptBuilder().build(
        history(1), "Как дела?", TurnContext(mood="tired", memories=("(2026-11-20) Masha is ill",))
    )
    note, last = prompt.messages[-2:]
    assert last.role == "user" and last.content == "Как дела?"  # the user's words alone
    assert note.role == "system"
    assert "Your current mood: tired" in note.content
    assert "- (2026-11-20) Masha is ill" in note.content
    assert "tired" not in prompt.messages[0].content  # the system prompt does not change with it


def test_a_harmony_template_gets_the_note_at_the_head_of_the_user_message() -> None:
    """gpt-oss's template reads only the first system message: the note would be lost."""
    prompt = PromptBuilder().build(history(1), "Как дела?", TurnContext(mood="tired"))
    plain = template_messages(prompt.messages, harmony=False)
    harmony = template_messages(prompt.messages, harmony=True)
    assert [m["role"] for m in plain] == ["system", "user", "assistant", "system", "user"]
    assert [m["role"] for m in harmony] == ["system", "user", "assistant", "user"]
    assert harmony[-1]["content"] == prompt.messages[-2].content + "\n\nКак дела?"


def test_fitting_a_smaller_context_drops_old_exchanges_never_the_note() -> None:
    prompt = PromptBuilder().build(history(3), "next", TurnContext(mood="calm"))
    kept = fit(prompt.messages, lambda m: 10 * len(m), context=50, reply=0, model_id="m")
    assert [m.role for m in kept] == ["system", "user", "assistant", "system", "user"]
    assert kept[-2:] == prompt.messages[-2:] and kept[1].content == "question 2"


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
