"""Conversations, kept: every message in SQLite in the data folder, searchable, renameable,
deletable, exportable to Markdown and JSON. Each message is committed as it ends, so a crash
loses nothing that was shown."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path

from core.events import TurnFinished
from core.timestamps import minute
from memory.sqlite import open_db, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL, text TEXT NOT NULL, model TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL, note TEXT NOT NULL DEFAULT '', facts TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
"""


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    title: str
    created_at: float
    updated_at: float
    messages: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyFacts:
    """What is known of a reply besides its words: who wrote it, how fast, whether it was
    stopped, why that model answered; or why it failed. Kept as fields (JSON in the log), drawn
    in the user's language by the window."""

    model: str = ""
    tokens: int = 0
    tokens_per_s: float = 0.0
    stopped: bool = False
    fallback_reason: str = ""
    demo: bool = False
    failed: str = ""  # the failure's message; the other fields then say what was written
    cut_off: str = ""  # what a model that crashed mid-reply had said before another answered

    @classmethod
    def of(cls, e: TurnFinished) -> ReplyFacts:
        return cls(
            model=e.model_used,
            tokens=e.timings.tokens,
            tokens_per_s=round(e.timings.tokens_per_s, 1),
            stopped=e.cancelled,
            fallback_reason=e.fallback_reason,
            demo=e.demo,
            cut_off=e.cut_off,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ReplyFacts | None:
        try:
            data = json.loads(text) if text else None
            return cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError):  # a log from another version: its note says it
            return None

    def english(self) -> str:
        """As the Markdown export and old logs read it."""
        if self.failed:
            return f"failed: {self.failed}"
        parts = [self.model, f"{self.tokens} tokens", f"{self.tokens_per_s:.0f} tok/s"]
        if self.stopped:
            parts.append("stopped")
        if self.fallback_reason:
            parts.append(f"fallback: {self.fallback_reason}")
        if self.cut_off:
            parts.append(f"cut off by a crash: {self.cut_off!r}")
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Message:
    role: str
    text: str
    model: str
    created_at: float
    note: str = ""  # a reply written before its facts were kept as fields: them, in English
    facts: ReplyFacts | None = None


class Conversations:
    def __init__(self, file: Path) -> None:
        self._lock = threading.RLock()
        self._db = open_db(file, SCHEMA)
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(messages)")}
        if "facts" not in columns:  # a log from before the facts were fields
            self._db.execute("ALTER TABLE messages ADD COLUMN facts TEXT NOT NULL DEFAULT ''")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._lock, self._db)

    def new(self, title: str = "") -> Conversation:
        return self.write_new(self.draft(title))

    @staticmethod
    def draft(title: str = "") -> Conversation:
        """A conversation not yet written (``write_new`` writes it)."""
        now = time.time()
        return Conversation(uuid.uuid4().hex[:12], title or minute(), now, now)

    def write_new(self, conversation: Conversation) -> Conversation:
        now = conversation.created_at
        with self._write() as db:
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?)",
                (conversation.id, conversation.title, now, now),
            )
        return conversation

    def add(
        self,
        conversation_id: str,
        role: str,
        text: str,
        *,
        model: str = "",
        facts: ReplyFacts | None = None,
        at: float | None = None,  # when it was said (a write kept for later keeps its time)
    ) -> None:
        now = time.time() if at is None else at
        kept = facts.to_json() if facts is not None else ""
        with self._write() as db:
            db.execute(
                "INSERT INTO messages (conversation_id, role, text, model, created_at, facts) "
                "VALUES (?,?,?,?,?,?)",
                (conversation_id, role, text, model, now, kept),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id)
            )

    def drop_last_exchange(self, conversation_id: str) -> int:
        """Delete the last question and everything after it (a reply regenerated, a question
        edited); returns how many messages went."""
        with self._write() as db:
            row = db.execute(
                "SELECT MAX(id) FROM messages WHERE conversation_id = ? AND role = 'user'",
                (conversation_id,),
            ).fetchone()
            if row is None or row[0] is None:
                return 0
            return int(
                db.execute(
                    "DELETE FROM messages WHERE conversation_id = ? AND id >= ?",
                    (conversation_id, row[0]),
                ).rowcount
            )

    def rename(self, conversation_id: str, title: str) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id)
                ).rowcount
                > 0
            )

    def delete(self, conversation_id: str) -> bool:
        with self._write() as db:
            return (
                db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount
                > 0
            )

    def find(self, search: str = "") -> list[Conversation]:
        """Newest first; ``search`` matches titles and message text."""
        query = (
            "SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS n "
            "FROM conversations c"
        )
        args: list[object] = []
        if search:
            query += (
                " WHERE c.title LIKE ? OR EXISTS (SELECT 1 FROM messages m "
                "WHERE m.conversation_id = c.id AND m.text LIKE ?)"
            )
            args += [f"%{search}%", f"%{search}%"]
        query += " ORDER BY c.updated_at DESC"
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [
            Conversation(r["id"], r["title"], r["created_at"], r["updated_at"], r["n"])
            for r in rows
        ]

    def messages(
        self, conversation_id: str, *, offset: int = 0, limit: int = 1000
    ) -> list[Message]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id LIMIT ? OFFSET ?",
                (conversation_id, limit, offset),
            ).fetchall()
        return [
            Message(
                r["role"], r["text"], r["model"], r["created_at"], r["note"],
                ReplyFacts.from_json(r["facts"]),
            )
            for r in rows
        ]  # fmt: skip

    def get(self, conversation_id: str) -> Conversation | None:
        return next((c for c in self.find() if c.id == conversation_id), None)

    # --- export --------------------------------------------------------------------------------

    def to_markdown(self, conversation_id: str) -> str:
        conversation = self.get(conversation_id)
        if conversation is None:
            raise KeyError(conversation_id)
        lines = [f"# {conversation.title}", ""]
        for m in self.messages(conversation_id, limit=10**9):
            when = minute(m.created_at)
            who = "You" if m.role == "user" else f"domovoy ({m.model})" if m.model else "domovoy"
            lines += [f"**{who}**, {when}:", "", m.text, ""]
            note = m.facts.english() if m.facts is not None else m.note
            if note:
                lines += [f"> {note}", ""]
        return "\n".join(lines)

    def to_json(self, conversation_id: str) -> str:
        conversation = self.get(conversation_id)
        if conversation is None:
            raise KeyError(conversation_id)
        data = {
            **asdict(conversation),
            "messages": [asdict(m) for m in self.messages(conversation_id, limit=10**9)],
        }
        return json.dumps(data, ensure_ascii=False, indent=1)
