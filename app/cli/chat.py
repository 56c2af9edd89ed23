"""``domovoy chat``: the conversation in the terminal, the reply streamed as it is written."""

from __future__ import annotations

import argparse
import sys

from app.views.chat import footer
from core.errors import DomovoyError
from core.events import EventBus, ModelLoading, ReplyCutOff, TurnFinished
from memory.conversations import ReplyFacts


def run(args: argparse.Namespace) -> int:
    from llm.runner_process import start_spare

    start_spare()  # the model's process starts while the app's own imports run
    from app.home import Home
    from app.wiring import build_assistant

    home = Home.open(starter=True)
    bus = EventBus()
    assistant, problem = build_assistant(home, bus, model=args.model)
    if problem is not None:
        if args.model or not assistant.ready_to_chat:
            raise problem
        print(f"domovoy: {problem}\n  → another model answers meanwhile", file=sys.stderr)
    if args.model and assistant.primary is not None:
        # a model named on the command line answers, or the command says why it cannot
        assistant.primary.ensure_loaded(bus)
    assistant.start()  # memory, mood, the intent classifier: the same services as the window
    failed: list[str] = []
    bus.subscribe(ModelLoading, lambda e: print(f"[loading {e.model_id}…]", file=sys.stderr))

    def cut_off(e: ReplyCutOff) -> None:
        sys.stdout.flush()
        print(f" ✂\n[{e.message}]", file=sys.stderr)

    def turn(text: str) -> None:
        handle = assistant.submit(text)
        try:
            for words in handle.words(on_cut=cut_off):
                sys.stdout.write(words)
                sys.stdout.flush()
        except KeyboardInterrupt:
            assistant.stop()
        ending = handle.result()
        if isinstance(ending, TurnFinished):
            sys.stdout.write("\n")
            print(f"[{footer(ReplyFacts.of(ending))}]", file=sys.stderr)
        else:
            failed.append(ending.message)
            print(f"\ndomovoy: {ending.message}", file=sys.stderr)
        assistant.wait()

    try:
        if args.once is not None:
            turn(args.once)
            return 1 if failed else 0
        print("domovoy chat: type a message; Ctrl+C stops a reply, Ctrl+D quits.", file=sys.stderr)
        while True:
            try:
                text = input("you> ")
            except EOFError:
                print(file=sys.stderr)
                return 0
            try:
                turn(text)
            except DomovoyError as exc:  # an empty message: say so and go on
                print(f"domovoy: {exc}", file=sys.stderr)
    finally:
        assistant.shutdown()  # what was said is committed to memory before the process ends
