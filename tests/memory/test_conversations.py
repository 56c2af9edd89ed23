import json
from pathlib import Path

import pytest

from app.chat_log import ChatLog
from core.events import EventBus, Timings, TurnFailed, TurnFinished, TurnStarted
from memory.conversations import Conversations


def test_turns_are_kept_as_they_happen_and_exported(tmp_path: Path) -> None:
    bus = EventBus(strict=True)
    store = Conversations(tmp_path / "c.sqlite3")
    log = ChatLog(bus, store, title="Про кота")
    bus.publish(TurnStarted(turn_id=1, text="Как зовут моего кота?"))
    bus.publish(
        TurnFinished(
            turn_id=1,
            text="Барсик.",
            model_used="phi",
            role="lightweight",
            timings=Timings(tokens=2),
            fallback_reason="primary failed",
        )
    )
    bus.publish(TurnStarted(turn_id=2, text="А собаку?"))
    bus.publish(TurnFailed(turn_id=2, message="no model could answer", partial=""))
    reopened = Conversations(tmp_path / "c.sqlite3")  # written as it happened: readable at once
    [conversation] = reopened.find()
    assert conversation.title == "Про кота" and conversation.messages == 4
    messages = reopened.messages(conversation.id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    first, failed = messages[1].facts, messages[3].facts
    assert first is not None and first.fallback_reason == "primary failed" and first.tokens == 2
    assert failed is not None and failed.failed == "no model could answer"
    markdown = reopened.to_markdown(conversation.id)
    assert "# Про кота" in markdown and "**domovoy (phi)**" in markdown and "Барсик." in markdown
    data = json.loads(reopened.to_json(conversation.id))
    assert data["messages"][0]["text"] == "Как зовут моего кота?"
    log.stop()
    reopened.close()


def test_search_rename_delete(tmp_path: Path) -> None:
    store = Conversations(tmp_path / "c.sqlite3")
    a = store.new("Погода")
    b = store.new("Рецепты")
    store.add(b.id, "user", "как сварить борщ")
    assert [c.id for c in store.find("борщ")] == [b.id]
    assert [c.id for c in store.find("Погода")] == [a.id]
    assert store.rename(a.id, "Погода в Казани") and store.get(a.id).title == "Погода в Казани"  # type: ignore[union-attr]
    assert store.delete(b.id) and store.messages(b.id) == [] and store.get(b.id) is None
    with pytest.raises(KeyError):
        store.to_markdown(b.id)
    store.close()


def test_the_cli_lists_shows_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    assert main(["models", "install-demo"]) == 0
    assert main(["chat", "--once", "Привет"]) == 0
    capsys.readouterr()
    assert main(["conversations", "list", "--search", "Привет"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    conversation_id = line.split()[0]
    assert "(2 messages)" in line
    assert main(["conversations", "export", conversation_id, str(tmp_path / "c.md")]) == 0
    assert "Привет" in (tmp_path / "c.md").read_text(encoding="utf-8")
    assert main(["conversations", "show", "nope"]) == 1


def test_a_new_conversation_is_named_after_its_first_question(tmp_path: Path) -> None:
    from app.chat_log import TITLE_CHARS, title_for

    bus = EventBus(strict=True)
    store = Conversations(tmp_path / "c.sqlite3")
    log = ChatLog(bus, store)
    bus.publish(TurnStarted(turn_id=1, text="  Как сварить\nборщ?  "))
    bus.publish(TurnStarted(turn_id=2, text="А щи?"))  # the second question renames nothing
    assert [c.title for c in store.find()] == ["Как сварить борщ?"]
    long = title_for("Расскажи " * 20)
    assert long.endswith("…") and len(long) <= TITLE_CHARS + 1 and not long.startswith(" ")
    assert long[:-1].split() == ["Расскажи"] * len(long[:-1].split())  # cut between words
    assert title_for("x" * 100) == "x" * TITLE_CHARS + "…"  # one endless word is cut inside
    log.stop()


def test_a_full_disk_loses_no_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from core.events import ConversationSaved, StorageTrouble

    bus = EventBus(strict=True)
    heard: list[object] = []
    bus.subscribe(StorageTrouble, heard.append)
    bus.subscribe(ConversationSaved, heard.append)
    store = Conversations(tmp_path / "c.sqlite3")
    log = ChatLog(bus, store)
    log.writes.retry_s = 60  # this test frees the disk itself
    real_add = store.add
    full = [True]

    def add(*args: object, **kwargs: object) -> None:
        if full[0]:
            raise sqlite3.OperationalError("database or disk is full")
        real_add(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "add", add)
    bus.publish(TurnStarted(turn_id=1, text="Запомни: ключи под ковриком"))
    bus.publish(
        TurnFinished(turn_id=1, text="Запомнил.", model_used="m", role="primary", timings=Timings())
    )
    assert [type(h).__name__ for h in heard] == ["StorageTrouble"]  # no "saved" while it is not
    full[0] = False
    bus.publish(TurnStarted(turn_id=2, text="Где ключи?"))
    [conversation] = store.find()
    texts = [(m.role, m.text) for m in store.messages(conversation.id)]
    assert texts == [
        ("user", "Запомни: ключи под ковриком"),
        ("assistant", "Запомнил."),
        ("user", "Где ключи?"),
    ]
    assert conversation.title == "Запомни: ключи под ковриком"
    kinds = [(type(h).__name__, getattr(h, "resolved", None)) for h in heard]
    assert kinds == [
        ("StorageTrouble", False),
        ("StorageTrouble", True),
        ("ConversationSaved", None),
    ]
    log.stop()
