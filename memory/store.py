"""The durable store: SQLite is the source of truth for every memory.

WAL with ``synchronous=FULL``: a memory is acknowledged only once its transaction has committed,
so a crash or a kill at any moment leaves a database that reopens with everything acknowledged.
An FTS5 index over the text, kept in step by triggers, gives the lexical side of recall.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from memory.fts import fts_terms, name_terms
from memory.sqlite import open_db, transaction

MemoryKind = Literal["episode", "reflection", "summary", "fact"]
KINDS: tuple[MemoryKind, ...] = ("episode", "reflection", "summary", "fact")

SCHEMA = """
CREATE TABLE IF NOT EXISTS memories (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    conversation TEXT NOT NULL DEFAULT '',
    speaker TEXT NOT NULL DEFAULT '',
    importance REAL NOT NULL DEFAULT 5,
    entities TEXT NOT NULL DEFAULT '[]',
    mood TEXT NOT NULL DEFAULT '{}',
    sources TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS memories_kind_time ON memories(kind, created_at);
CREATE INDEX IF NOT EXISTS memories_time ON memories(created_at);
CREATE INDEX IF NOT EXISTS memories_conversation_time ON memories(conversation, created_at);
CREATE INDEX IF NOT EXISTS memories_text ON memories(text);
CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts USING fts5(
    text, content='memories', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS memories_vocab USING fts5vocab(memories_fts, 'row');
CREATE TRIGGER IF NOT EXISTS memories_ai AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS memories_ad AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER IF NOT EXISTS memories_au AFTER UPDATE OF text ON memories BEGIN
    INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO memories_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TABLE IF NOT EXISTS memory_entities (memory_id TEXT NOT NULL, entity TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS memory_entities_entity ON memory_entities(entity);
CREATE INDEX IF NOT EXISTS memory_entities_memory ON memory_entities(memory_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Memory:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    kind: MemoryKind = "episode"
    text: str
    created_at: float = field(default_factory=time.time)
    updated_at: float = 0.0
    conversation: str = ""
    speaker: str = ""
    importance: float = 5.0  # 1..10
    entities: tuple[str, ...] = ()
    mood: dict[str, float] = field(default_factory=dict)
    sources: tuple[str, ...] = ()  # the memories a reflection rests on

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "created_at": self.created_at,
            "updated_at": self.updated_at or self.created_at,
            "conversation": self.conversation,
            "speaker": self.speaker,
            "importance": self.importance,
            "entities": list(self.entities),
            "mood": self.mood,
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Memory:
        return cls(
            id=str(data["id"]),
            kind=data.get("kind", "episode"),
            text=str(data["text"]),
            created_at=float(data.get("created_at", time.time())),
            updated_at=float(data.get("updated_at", 0.0)),
            conversation=str(data.get("conversation", "")),
            speaker=str(data.get("speaker", "")),
            importance=float(data.get("importance", 5.0)),
            entities=tuple(data.get("entities", ())),
            mood={str(k): float(v) for k, v in dict(data.get("mood", {})).items()},
            sources=tuple(data.get("sources", ())),
        )


class Store:
    def __init__(self, file: Path) -> None:
        self.file = file
        self._lock = threading.RLock()
        self._db = open_db(file, SCHEMA)
        # the stems found in more than the bar of lexical(), with how many had them and the
        # store's size then (see _how_many)
        self._common: dict[str, tuple[int, int]] = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One atomic, durable write: committed (and so acknowledged) when the block ends."""
        return transaction(self._lock, self._db)

    # --- writing -------------------------------------------------------------------------------

    def add(self, memory: Memory) -> Memory:
        self.add_many([memory])
        return memory

    def add_many(self, memories: Sequence[Memory]) -> None:
        """All in one transaction: all acknowledged together, or none."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO memories (id, kind, text, created_at, updated_at, conversation, "
                "speaker, importance, entities, mood, sources) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [_row(m) for m in memories],
            )
            db.executemany(
                "INSERT INTO memory_entities (memory_id, entity) VALUES (?, ?)",
                [(m.id, e) for m in memories for e in m.entities],
            )

    def update_text(self, memory_id: str, text: str, importance: float | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE memories SET text = ?, updated_at = ?, "
                "importance = COALESCE(?, importance) WHERE id = ?",
                (text, time.time(), importance, memory_id),
            )

    def delete(self, memory_id: str) -> bool:
        with self.transaction() as db:
            self._common.clear()
            db.execute("DELETE FROM memory_entities WHERE memory_id = ?", (memory_id,))
            return db.execute("DELETE FROM memories WHERE id = ?", (memory_id,)).rowcount > 0

    def delete_all(self) -> int:
        with self.transaction() as db:
            self._common.clear()
            db.execute("DELETE FROM memory_entities")
            return int(db.execute("DELETE FROM memories").rowcount)

    def set_meta(self, key: str, value: object) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    # --- reading -------------------------------------------------------------------------------

    def get(self, memory_id: str) -> Memory | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM memories WHERE id = ?", (memory_id,)).fetchone()
        return _memory(row) if row else None

    def get_many(self, ids: Sequence[str]) -> dict[str, Memory]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM memories WHERE id IN ({marks})", list(ids))
            return {row["id"]: _memory(row) for row in rows}

    def recent(
        self, kind: MemoryKind | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[Memory]:
        query = "SELECT * FROM memories"
        args: list[object] = []
        if kind:
            query += " WHERE kind = ?"
            args.append(kind)
        query += " ORDER BY created_at DESC LIMIT ? OFFSET ?"
        with self._lock:
            return [_memory(r) for r in self._db.execute(query, [*args, limit, offset])]

    def between(
        self, start: float, end: float, limit: int = 200, *, speaker: str | None = None
    ) -> list[Memory]:
        """What was remembered from ``start`` up to ``end`` (timestamps), in order; only what
        ``speaker`` said, when named."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM memories WHERE created_at >= ? AND created_at < ? "
                "AND (? IS NULL OR speaker = ?) ORDER BY created_at LIMIT ?",
                (start, end, speaker, speaker, limit),
            ).fetchall()
        return [_memory(r) for r in rows]

    def times_said(self, texts: Sequence[str]) -> dict[str, int]:
        """How many memories say each of ``texts`` word for word."""
        unique = list(dict.fromkeys(texts))
        if not unique:
            return {}
        marks = ",".join("?" * len(unique))
        with self._lock:
            rows = self._db.execute(
                f"SELECT text, COUNT(*) FROM memories WHERE text IN ({marks}) GROUP BY text",
                unique,
            ).fetchall()
        return {str(text): int(count) for text, count in rows}

    def following(self, memory: Memory, limit: int = 3) -> list[Memory]:
        """The turns after ``memory`` in its conversation, in order (none outside one)."""
        if not memory.conversation:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM memories WHERE conversation = ? AND created_at > ? "
                "ORDER BY created_at LIMIT ?",
                (memory.conversation, memory.created_at, limit),
            ).fetchall()
        return [_memory(r) for r in rows]

    def before(self, memory: Memory) -> Memory | None:
        """The turn just before ``memory`` in its conversation (none outside one)."""
        if not memory.conversation:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM memories WHERE conversation = ? AND created_at < ? "
                "ORDER BY created_at DESC LIMIT 1",
                (memory.conversation, memory.created_at),
            ).fetchone()
        return None if row is None else _memory(row)

    def full_text(self, match: str, *, speaker: str, kind: MemoryKind) -> list[Memory]:
        """Every memory of ``speaker`` and ``kind`` that the full-text expression matches, in
        order (FTS5's syntax: ``"no longer" OR теперь*``)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM memories WHERE rowid IN "
                "(SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?) "
                "AND speaker = ? AND kind = ? ORDER BY created_at",
                (match, speaker, kind),
            ).fetchall()
        return [_memory(r) for r in rows]

    def all(self) -> Iterator[Memory]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM memories ORDER BY created_at").fetchall()
        return (_memory(r) for r in rows)

    def count(self, kind: MemoryKind | None = None) -> int:
        with self._lock:
            if kind:
                row = self._db.execute("SELECT COUNT(*) FROM memories WHERE kind = ?", (kind,))
            else:
                row = self._db.execute("SELECT COUNT(*) FROM memories")
            return int(row.fetchone()[0])

    def meta(self, key: str, default: object = None) -> object:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def by_entities(self, names: Sequence[str], limit: int = 50) -> list[str]:
        """Ids of the memories that mention any of ``names``, the most recent first."""
        if not names:
            return []
        marks = ",".join("?" * len(names))
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT m.id, m.created_at FROM memory_entities e "
                f"JOIN memories m ON m.id = e.memory_id WHERE e.entity IN ({marks}) "
                "ORDER BY m.created_at DESC LIMIT ?",
                [*names, limit],
            ).fetchall()
        return [r["id"] for r in rows]

    def _in_how_many(self, stem: str) -> int:
        """How many memories have a word that begins with ``stem`` (FTS5's own vocabulary)."""
        row = self._db.execute(
            "SELECT COALESCE(SUM(doc), 0) FROM memories_vocab WHERE term >= ? AND term < ?",
            (stem, stem + "\U0010ffff"),
        ).fetchone()
        return int(row[0])

    def _how_many(self, stem: str, total: int, bar: float) -> int:
        """``_in_how_many``, remembered for a common stem until the store has grown by a tenth:
        counting reads every memory the stem is in (half a millisecond for one in 10,000), and
        a word that is in more than the bar stays common while the store grows a little
        (nothing is remembered of rarer stems, nor past a deletion)."""
        known = self._common.get(stem)
        if known is not None and total <= known[1] * 1.1:
            return known[0]
        count = self._in_how_many(stem)
        if count > bar:
            self._common[stem] = (count, total)
        return count

    def entity_names(self) -> list[tuple[str, int]]:
        """Every entity mentioned, with how many memories mention it."""
        with self._lock:
            rows = self._db.execute(
                "SELECT entity, COUNT(*) AS n FROM memory_entities GROUP BY entity ORDER BY n DESC"
            ).fetchall()
        return [(r["entity"], int(r["n"])) for r in rows]

    def lexical(
        self, text: str, limit: int = 50, *, common: bool = True, name: bool = False
    ) -> list[str]:
        """FTS5 BM25: ids of memories sharing words with ``text``, the best first (``name``:
        ``text`` is a name, searched for by its words, not their stems: ``fts.name_terms``).

        A word found in more than ``COMMON`` of the memories (and more than ``COMMON_ROWS``)
        narrows nothing, and scoring every memory it is in takes long over 100,000 of them: the
        rarer words are searched for, any of them; where every word is common, all of them
        together, the newest first (``common=False``: nothing then)."""
        with self._lock:
            total = self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM memories").fetchone()[0]
            bar = max(COMMON_ROWS, COMMON * total)
            terms = name_terms(text) if name else fts_terms(text)
            found = {term: self._how_many(term.stem, total, bar) for term in terms}
        present = [t for t, n in found.items() if n]
        rare = [t for t in present if found[t] <= bar]
        if rare:
            query, order = " OR ".join(t.match for t in rare), "bm25(memories_fts)"
        elif present and common:  # every one of thousands has them all: BM25 tells them apart
            # by length alone, and scoring them took a third of a recall over 100,000
            # memories; the newest written first
            query, order = " AND ".join(t.match for t in present), "memories_fts.rowid DESC"
        else:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT m.id FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid "
                f"WHERE memories_fts MATCH ? ORDER BY {order} LIMIT ?",
                (query, limit),
            ).fetchall()
        return [r["id"] for r in rows]


COMMON = 0.01  # a word in more than this share of the memories...
COMMON_ROWS = 1000  # ...and in more than this many: searching by it narrows nothing


def _row(m: Memory) -> tuple[object, ...]:
    return (
        m.id,
        m.kind,
        m.text,
        m.created_at,
        m.updated_at or m.created_at,
        m.conversation,
        m.speaker,
        m.importance,
        json.dumps(list(m.entities), ensure_ascii=False),
        json.dumps(m.mood),
        json.dumps(list(m.sources)),
    )


def _memory(row: sqlite3.Row) -> Memory:
    return Memory(
        id=row["id"],
        kind=row["kind"],
        text=row["text"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        conversation=row["conversation"],
        speaker=row["speaker"],
        importance=row["importance"],
        entities=tuple(_loads(row["entities"], [])),
        mood=_loads(row["mood"], {}),
        sources=tuple(_loads(row["sources"], [])),
    )


def _loads(text: str, empty: Any) -> Any:
    """JSON, read only where there is something in it: recall reads a hundred rows a question,
    and most hold no entities, mood or sources."""
    return empty if text in ("[]", "{}", "") else json.loads(text)
