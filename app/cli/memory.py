"""``domovoy memory …``: the user sees, searches, forgets and carries what domovoy remembers."""

from __future__ import annotations

import argparse
import json

from app.home import Home
from app.views.memory import export_everything
from app.wiring import open_memory
from core import config as config_mod
from core.errors import InputError
from core.fs import atomic_write_text
from core.timestamps import minute
from memory.embeddings import CachedEmbedder, EmbedderInfo, SentenceTransformerEmbedder
from memory.portable import import_memories
from memory.service import MemoryService
from memory.store import Memory


def run(args: argparse.Namespace) -> int:
    return run_memory_command(Home.open(), args)


def run_memory_command(home: Home, args: argparse.Namespace) -> int:
    service = open_memory(home)
    service.open()
    try:
        return _run(home, service, args)
    finally:
        service.close()


def _run(home: Home, service: MemoryService, args: argparse.Namespace) -> int:
    action = args.action
    if action == "list":
        for memory in service.store.recent(args.kind, limit=args.limit):
            print(_line(memory))
        print(f"{service.store.count()} memories in all")
    elif action == "search":
        for found in service.recall(args.text, args.k):
            print(f"{found.score:.2f}  {_line(found.memory)}")
    elif action == "show":
        shown = service.store.get(args.id)
        if shown is None:
            raise InputError(f"no memory has the id {args.id!r}", hint="`domovoy memory list`")
        print(json.dumps(shown.to_json(), ensure_ascii=False, indent=2))
    elif action == "forget":
        if args.everything:
            print(f"forgot {service.forget_all()} memories")
        elif args.id:
            if not service.forget(args.id):
                raise InputError(f"no memory has the id {args.id!r}", hint="`domovoy memory list`")
            print(f"forgot {args.id}")
        else:
            raise InputError("say which memory to forget (an id), or --all")
    elif action == "export":
        count = export_everything(service, home.paths.data_dir, home.paths.entities_dir, args.file)
        print(f"exported {count} memories, the mood and the entity dictionaries to {args.file}")
    elif action == "migrate":
        _migrate(home, service, args.target)
    elif action == "import":
        added, extra = import_memories(service, args.file)
        if isinstance(extra.get("emotion"), dict):
            atomic_write_text(home.paths.data_dir / "emotion.json", json.dumps(extra["emotion"]))
        entities = extra.get("entities")
        if isinstance(entities, dict):
            for name, text in entities.items():
                atomic_write_text(home.paths.entities_dir / str(name), str(text))
        print(f"imported {added} memories from {args.file}")
    else:
        raise InputError(f"unknown memory action {action!r}")
    return 0


def _migrate(home: Home, service: MemoryService, target_id: str) -> None:
    """Build the target model's index (resumable: run again after an interruption), then
    switch recall and the config to it. The old index stays for an instant switch back."""
    entry = home.registry.get(target_id)
    if entry.manifest.role != "embedding" or not entry.installed:
        raise InputError(
            f"{target_id!r} is not an installed embedding model",
            hint="`domovoy models list` shows the embedding models and which are installed",
        )
    dimension = int(entry.manifest.metadata.get("dimension", 0)) or home.config.embeddings.main.dim
    target = CachedEmbedder(
        SentenceTransformerEmbedder(
            EmbedderInfo(entry.id, entry.manifest.revision, dimension), entry.path
        ),
        home.paths.cache_dir / "embeddings",
    )

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} memories indexed with {entry.id}", end="", flush=True)

    service.migrate(target, progress=progress)
    print()
    service.switch_to(target)
    home.config.embeddings.main.id = entry.id
    home.config.embeddings.main.dim = dimension
    config_mod.save(home.config, home.paths.config_file)
    print(f"recall now uses {entry.id}; the previous index is kept for switching back")


def _line(memory: Memory) -> str:
    day = minute(memory.created_at)
    who = f"{memory.speaker}: " if memory.speaker else ""
    facts = f"{memory.kind}, {day}, importance {memory.importance:.0f}"
    return f"{memory.id}  [{facts}] {who}{memory.text}"
