"""Carrying memory between homes: an export is one JSON file; importing it skips what is there."""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import InputError
from core.fs import atomic_write_text
from memory.service import MemoryService
from memory.store import Memory

FORMAT = "domovoy-memory"


def export_memories(
    service: MemoryService, file: Path, extra: dict[str, object] | None = None
) -> int:
    """Every memory, plus ``extra`` sections (the emotional state, the entity dictionaries)."""
    memories = [m.to_json() for m in service.store.all()]
    data = {"format": FORMAT, "version": 1, "memories": memories, **(extra or {})}
    atomic_write_text(file, json.dumps(data, ensure_ascii=False, indent=1))
    return len(memories)


def import_memories(service: MemoryService, file: Path) -> tuple[int, dict[str, object]]:
    """Add the memories of an export (those already here are skipped); returns how many were
    added and the export's other sections."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        memories = [Memory.from_json(m) for m in data["memories"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{file}: not a domovoy memory export ({exc})",
            hint="export one with `domovoy memory export FILE.json`",
        ) from exc
    fresh = [m for m in memories if service.store.get(m.id) is None]
    service.ingest(fresh)
    extra = {k: v for k, v in data.items() if k not in ("format", "version", "memories")}
    return len(fresh), extra
