"""``domovoy conversations``: the kept conversations, listed, shown, exported, renamed, deleted."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from app.home import Home
    from app.wiring import conversations_file
    from core.errors import InputError
    from core.fs import atomic_write_text
    from memory.conversations import Conversations

    store = Conversations(conversations_file(Home.open()))
    try:
        if args.action == "list":
            for c in store.find(args.search):
                print(f"{c.id}  {c.title}  ({c.messages} messages)")
            return 0
        if store.get(args.id) is None:
            raise InputError(
                f"no conversation has the id {args.id!r}", hint="`domovoy conversations list`"
            )
        if args.action == "show":
            print(store.to_markdown(args.id))
        elif args.action == "export":
            text = (
                store.to_json(args.id)
                if args.file.suffix == ".json"
                else store.to_markdown(args.id)
            )
            atomic_write_text(args.file, text)
            print(f"exported to {args.file}")
        elif args.action == "rename":
            store.rename(args.id, args.title)
        elif args.action == "delete":
            store.delete(args.id)
        return 0
    finally:
        store.close()
