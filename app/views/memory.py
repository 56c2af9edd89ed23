"""The memory page's Qt-free side: browse and search what domovoy remembers, correct or forget
one memory, forget everything, export it all, and edit the entity dictionaries.

Everything here may block on SQLite, Chroma or the embedder: the page calls it off the GUI
thread.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from core.errors import InputError
from core.fs import atomic_write_text
from core.timestamps import minute
from memory.portable import export_memories
from memory.service import MemoryService
from memory.store import KINDS, Memory, MemoryKind

PAGE = 500  # rows read at a time; the list asks for more as it scrolls


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def dictionaries(folder: Path) -> dict[str, str]:
    """The entity dictionaries (YAML files) by file name, as the user wrote them."""
    if not folder.is_dir():
        return {}
    return {f.name: f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.yaml"))}


def export_everything(
    service: MemoryService, data_dir: Path, entities_dir: Path, file: Path
) -> int:
    """Memories, the mood and the entity dictionaries in one JSON file; returns how many
    memories went."""
    extra = {
        "emotion": read_json(data_dir / "emotion.json"),
        "entities": dictionaries(entities_dir),
    }
    return export_memories(service, file, extra)


class MemoryBrowser:
    def __init__(self, service: MemoryService, data_dir: Path, entities_dir: Path) -> None:
        self.service = service
        self.data_dir = data_dir
        self.entities_dir = entities_dir

    def memories(
        self, search: str = "", kind: MemoryKind | None = None, *, offset: int = 0
    ) -> list[Memory]:
        """Newest first; with ``search``, the best matches by recall (meaning and words)."""
        if kind is not None and kind not in KINDS:
            raise InputError(f"{kind!r} is not a kind of memory", hint=", ".join(KINDS))
        if search.strip():
            found = [r.memory for r in self.service.recall(search, 50)]
            return [m for m in found if kind is None or m.kind == kind]
        return self.service.store.recent(kind, limit=PAGE, offset=offset)

    def count(self, kind: MemoryKind | None = None) -> int:
        return self.service.store.count(kind)

    def revise(self, memory_id: str, text: str) -> Memory:
        updated = self.service.revise(memory_id, text)
        if updated is None:
            raise InputError(f"no memory has the id {memory_id!r}", hint="it was forgotten")
        return updated

    def forget(self, memory_id: str) -> bool:
        return self.service.forget(memory_id)

    def forget_all(self) -> int:
        return self.service.forget_all()

    def export(self, file: Path) -> int:
        return export_everything(self.service, self.data_dir, self.entities_dir, file)

    def entities(self) -> list[tuple[str, int]]:
        """Names met in memories, with how many memories name each."""
        return self.service.store.entity_names()

    def dictionaries(self) -> dict[str, str]:
        return dictionaries(self.entities_dir)

    def save_dictionary(self, name: str, text: str) -> Path:
        """Check the YAML (a list of names, or names to lists of aliases), write it, and let
        the extractor read the dictionaries again. A bad text is refused; the file stays."""
        if not name.endswith(".yaml") or "/" in name or name.startswith("."):
            raise InputError(f"{name!r} is not a dictionary file name", hint="like people.yaml")
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise InputError(
                f"{name}: not valid YAML: {exc}", hint="fix the line it names"
            ) from exc
        shape_ok = isinstance(data, list) or (
            isinstance(data, dict) and all(isinstance(v, list | None) for v in data.values())
        )
        if not shape_ok:
            raise InputError(
                f"{name}: a dictionary is a list of names, or names each with a list of aliases",
                hint="e.g.  Маша: [Мария, Маня]",
            )
        self.entities_dir.mkdir(parents=True, exist_ok=True)
        file = self.entities_dir / name
        atomic_write_text(file, text)  # the extractor sees the new file at its next read
        return file


def when(memory: Memory) -> str:
    return minute(memory.created_at)
