"""The SQLite files of memory (memories, conversations): opened one way, written one way.

WAL with full sync, so a write acknowledged is a write kept; foreign keys on; a writer waits up
to 5 s for another instead of failing at once. Autocommit mode: each write is an explicit
``BEGIN IMMEDIATE`` … ``COMMIT`` (``transaction``), rolled back if the block raises.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def open_db(file: Path, schema: str) -> sqlite3.Connection:
    file.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(file), check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=5000")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(schema)
    return db


@contextmanager
def transaction(lock: threading.RLock, db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic, durable write: committed (and so acknowledged) when the block ends."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
