"""A kept conversation read back for the window and for the model."""

from app.views.chat import ChatTranscript
from memory.conversations import Message


def msg(role: str, text: str, note: str = "") -> Message:
    return Message(role, text, "m" if role == "assistant" else "", 0.0, note)


def test_a_kept_conversation_comes_back_with_footers_failures_and_a_history() -> None:
    t = ChatTranscript()
    t.load(
        [
            msg("user", "привет"),
            msg("assistant", "здравствуй", "m · 3 tokens"),
            msg("user", "а дальше?"),
            msg("assistant", "и", "failed: the model ran out of memory"),
            msg("user", "ещё раз"),  # the app closed before the reply
        ]
    )
    assert [(e.user, e.answer) for e in t.entries] == [
        ("привет", "здравствуй"),
        ("а дальше?", "и"),
        ("ещё раз", ""),
    ]
    assert t.entries[0].footer == "m · 3 tokens" and not t.entries[0].error
    assert t.entries[1].error == "the model ran out of memory" and not t.entries[1].footer
    history = [(m.role, m.content) for m in t.history()]
    assert history == [
        ("user", "привет"),
        ("assistant", "здравствуй"),
        ("user", "а дальше?"),
        ("assistant", "и"),
    ]
