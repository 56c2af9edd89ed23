"""A kept conversation read back for the window and for the model."""

from app.views.chat import ChatTranscript, footer
from memory.conversations import Message, ReplyFacts


def msg(role: str, text: str, facts: ReplyFacts | None = None, note: str = "") -> Message:
    return Message(role, text, "m" if role == "assistant" else "", 0.0, note, facts)


def test_a_kept_conversation_comes_back_with_footers_failures_and_a_history() -> None:
    t = ChatTranscript()
    t.load(
        [
            msg("user", "привет"),
            msg("assistant", "здравствуй", ReplyFacts(model="m", tokens=3, tokens_per_s=12.0)),
            msg("user", "а дальше?"),
            msg("assistant", "и", ReplyFacts(failed="the model ran out of memory")),
            msg("user", "ещё раз"),
            msg("assistant", "старое", note="m · 5 tokens"),  # kept by an older domovoy
            msg("user", "и последнее"),  # the app closed before the reply
        ]
    )
    assert [(e.user, e.answer) for e in t.entries] == [
        ("привет", "здравствуй"),
        ("а дальше?", "и"),
        ("ещё раз", "старое"),
        ("и последнее", ""),
    ]
    first = t.entries[0].facts
    assert first is not None and footer(first) == "m · 3 tokens · 12 tok/s"
    assert not t.entries[0].error
    assert t.entries[1].error == "the model ran out of memory" and t.entries[1].facts is None
    assert t.entries[2].old_footer == "m · 5 tokens" and t.entries[2].facts is None
    history = [(m.role, m.content) for m in t.history()]
    assert history == [
        ("user", "привет"),
        ("assistant", "здравствуй"),
        ("user", "а дальше?"),
        ("assistant", "и"),
        ("user", "ещё раз"),
        ("assistant", "старое"),
    ]
