"""The ``domovoy`` command: the window with no arguments, else chat, models and doctor."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import cli_models
from core.errors import DomovoyError
from core.events import EventBus, ModelLoading, TurnFinished


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _quiet_libraries()
    if args.func is not _cmd_window:  # the window installs its own, with the same file
        from core import logbook
        from core.paths import Paths

        logbook.install(Paths.from_env().data_dir / "domovoy.log")
    try:
        code: int = args.func(args)
        return code
    except DomovoyError as exc:
        print(f"domovoy: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `domovoy models list | head`
        sys.stderr.close()
        return 0


def _quiet_libraries() -> None:
    """The terminal is for the conversation: no library progress bars (tqdm, the hub's,
    transformers'); library warnings go to the log file, not the screen."""
    for name in (
        "TQDM_DISABLE",
        "HF_HUB_DISABLE_PROGRESS_BARS",
        "TRANSFORMERS_NO_ADVISORY_WARNINGS",
    ):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.captureWarnings(True)
    # libraries that read those at import, imported already (the command run in process)
    if "transformers" in sys.modules:
        sys.modules["transformers"].utils.logging.disable_progress_bar()
    if "huggingface_hub" in sys.modules:
        sys.modules["huggingface_hub"].utils.disable_progress_bars()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="domovoy", description="An offline desktop assistant.")
    p.set_defaults(func=_cmd_window)
    sub = p.add_subparsers(title="commands")

    chat = sub.add_parser("chat", help="chat in the terminal, the reply streamed")
    chat.add_argument("--model", help="a model id from `domovoy models list`, or a .gguf file")
    chat.add_argument("--once", metavar="TEXT", help="print one reply to TEXT and exit")
    chat.set_defaults(func=_cmd_chat)

    models = sub.add_parser("models", help="the model catalogue and installed models")
    msub = models.add_subparsers(title="models commands", required=True)
    validate = msub.add_parser("validate", help="check manifest files against the schema and rules")
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(func=cli_models.cmd_validate)
    lst = msub.add_parser("list", help="catalogue, installed models, and who plays each role")
    lst.add_argument("--sources", action="store_true", help="also show where each model comes from")
    lst.set_defaults(func=cli_models.cmd_list)
    add = msub.add_parser(
        "add",
        help="register a model you have and give it a role: a GGUF (chat roles), a Whisper "
        "folder (stt), a piper .onnx (tts), a sentence-transformers folder (embedding), a "
        "transformers classifier folder (emotion)",
    )
    add.add_argument("file", type=Path, metavar="PATH")
    add.add_argument("--id", required=True, dest="model_id")
    add.add_argument("--role", required=True)
    add.add_argument("--replace", action="store_true", help="overwrite a manifest with this id")
    add.set_defaults(func=cli_models.cmd_add)
    pull = msub.add_parser("pull", help="download a catalogue model (resumable, verified)")
    pull.add_argument("model_id")
    pull.add_argument(
        "--stage", metavar="ROLE", help="download into staging, warm it up for ROLE, then promote"
    )
    pull.set_defaults(func=cli_models.cmd_pull)
    stage = msub.add_parser("stage", help="a new version of a role: warm-up eval, then promote")
    stage.add_argument("file", type=Path)
    stage.add_argument("--id", required=True, dest="model_id")
    stage.add_argument("--role", required=True)
    stage.set_defaults(func=cli_models.cmd_stage)
    rollback = msub.add_parser("rollback", help="give a role back to its previous model")
    rollback.add_argument("role")
    rollback.set_defaults(func=cli_models.cmd_rollback)
    demo = msub.add_parser(
        "install-demo", help="install tiny demo models (their replies are noise)"
    )
    demo.set_defaults(func=cli_models.cmd_install_demo)

    voice = sub.add_parser("voice", help="the voice loop over an audio file, offline")
    voice.add_argument("--input", type=Path, required=True, help="a wav/flac file: the microphone")
    voice.add_argument("--output-dir", type=Path, required=True, help="where reply audio goes")
    voice.add_argument("--json", action="store_true")
    voice.set_defaults(func=_cmd_voice)

    chats = sub.add_parser("conversations", help="kept conversations: list, show, export, delete")
    csub = chats.add_subparsers(title="conversation commands", required=True)
    c_list = csub.add_parser("list", help="newest first")
    c_list.add_argument("--search", default="")
    c_list.set_defaults(func=_cmd_conversations, action="list")
    c_show = csub.add_parser("show", help="one conversation as Markdown")
    c_show.add_argument("id")
    c_show.set_defaults(func=_cmd_conversations, action="show")
    c_export = csub.add_parser("export", help="to FILE.md or FILE.json")
    c_export.add_argument("id")
    c_export.add_argument("file", type=Path)
    c_export.set_defaults(func=_cmd_conversations, action="export")
    c_rename = csub.add_parser("rename")
    c_rename.add_argument("id")
    c_rename.add_argument("title")
    c_rename.set_defaults(func=_cmd_conversations, action="rename")
    c_delete = csub.add_parser("delete")
    c_delete.add_argument("id")
    c_delete.set_defaults(func=_cmd_conversations, action="delete")

    memory = sub.add_parser("memory", help="what domovoy remembers: list, search, forget, export")
    mem = memory.add_subparsers(title="memory commands", required=True)
    m_list = mem.add_parser("list", help="the latest memories")
    m_list.add_argument("--kind", choices=["episode", "reflection", "summary", "fact"])
    m_list.add_argument("--limit", type=int, default=20)
    m_list.set_defaults(func=_cmd_memory, action="list")
    m_search = mem.add_parser("search", help="recall as the assistant does")
    m_search.add_argument("text")
    m_search.add_argument("-k", type=int, default=5)
    m_search.set_defaults(func=_cmd_memory, action="search")
    m_show = mem.add_parser("show", help="one memory, all of it")
    m_show.add_argument("id")
    m_show.set_defaults(func=_cmd_memory, action="show")
    m_forget = mem.add_parser("forget", help="forget one memory, or all of them")
    m_forget.add_argument("id", nargs="?")
    m_forget.add_argument("--all", action="store_true", dest="everything")
    m_forget.set_defaults(func=_cmd_memory, action="forget")
    m_export = mem.add_parser("export", help="memories, mood and entity dictionaries to JSON")
    m_export.add_argument("file", type=Path)
    m_export.set_defaults(func=_cmd_memory, action="export")
    m_migrate = mem.add_parser("migrate", help="re-index memory with another embedding model")
    m_migrate.add_argument("--to", required=True, dest="target", help="an embedding model's id")
    m_migrate.set_defaults(func=_cmd_memory, action="migrate")
    m_import = mem.add_parser("import", help="bring an export back")
    m_import.add_argument("file", type=Path)
    m_import.set_defaults(func=_cmd_memory, action="import")

    evaluate = sub.add_parser("eval", help="run scenario evaluations and write reports")
    esub = evaluate.add_subparsers(title="eval commands", required=True)
    erun = esub.add_parser("run", help="run scenarios (default: the control set)")
    erun.add_argument("scenarios", nargs="*", type=Path)
    erun.add_argument("--model", help="the model that plays the primary role for this run")
    erun.add_argument("--reports", type=Path, default=Path("reports"))
    erun.set_defaults(func=_cmd_eval)

    doctor = sub.add_parser("doctor", help="this machine, installed models, what fits")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument(
        "--metrics", action="store_true", help="the latencies and rates the app last recorded"
    )
    doctor.set_defaults(func=_cmd_doctor)
    return p


def _cmd_window(args: argparse.Namespace) -> int:
    from app.ui.launch import launch

    return launch()


def _cmd_chat(args: argparse.Namespace) -> int:
    from app.wiring import Home, build_assistant

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

    def turn(text: str) -> None:
        handle = assistant.submit(text)
        try:
            for words in handle.words():
                sys.stdout.write(words)
                sys.stdout.flush()
        except KeyboardInterrupt:
            assistant.stop()
        ending = handle.result()
        if isinstance(ending, TurnFinished):
            sys.stdout.write("\n")
            print(f"[{footer(ending)}]", file=sys.stderr)
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


def footer(e: TurnFinished) -> str:
    """Who answered, how fast, and why it was that model: the line under a reply."""
    demo = ", a demo model: its replies are noise" if e.demo else ""
    stopped = ", stopped" if e.cancelled else ""
    fallback = f"; fallback: {e.fallback_reason}" if e.fallback_reason else ""
    return (
        f"{e.model_used}{demo}; {e.timings.tokens} tokens, "
        f"{e.timings.tokens_per_s:.1f} tok/s{stopped}{fallback}"
    )


def _cmd_voice(args: argparse.Namespace) -> int:
    import numpy as np
    import soundfile

    from app.voice import run_file
    from app.wiring import Home, build_assistant

    home = Home.open(starter=True)
    bus = EventBus()
    assistant, problem = build_assistant(home, bus)
    if problem is not None and not assistant.ready_to_chat:
        raise problem
    assistant.start()
    try:
        turns, timings = run_file(home, assistant, bus, args.input)
    finally:
        assistant.shutdown()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, turn in enumerate(turns, start=1):
        wav = ""
        if turn.audio:
            path = args.output_dir / f"turn-{number:02d}.wav"
            samples = np.concatenate([a.samples for a in turn.audio])
            soundfile.write(str(path), samples, turn.audio[0].sample_rate)
            wav = str(path)
        print(f"{turn.start_s:7.2f}–{turn.end_s:7.2f} s  you: {turn.transcript}")
        print(f"{'':17}domovoy: {turn.reply or turn.error}")
        rows.append(
            {"start_s": round(turn.start_s, 3), "end_s": round(turn.end_s, 3),
             "transcript": turn.transcript, "reply": turn.reply, "audio": wav}
        )  # fmt: skip
    if args.json:
        print(
            json.dumps(
                {"turns": rows, "timings": {k: round(v, 1) for k, v in timings.items()}},
                ensure_ascii=False,
            )
        )
    return 0


def _cmd_conversations(args: argparse.Namespace) -> int:
    from app.wiring import Home, conversations_file
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


def _cmd_memory(args: argparse.Namespace) -> int:
    from app.memory_cli import run_memory_command
    from app.wiring import Home

    return run_memory_command(Home.open(), args)


def _cmd_eval(args: argparse.Namespace) -> int:
    from app.evaluate import AssistantUnderTest
    from app.wiring import Home
    from eval.report import write
    from eval.runner import run
    from eval.scenario import load_scenarios

    control = Path(__file__).resolve().parents[1] / "eval" / "scenarios" / "control"
    scenarios = load_scenarios(args.scenarios or [control])
    sut = AssistantUnderTest(Home.open(starter=True), model=args.model)
    try:
        report = run(sut, scenarios)
    finally:
        sut.close()
    files = write(report, args.reports)
    for metric, value in report.totals.items():
        print(f"{metric:<24} {'—' if value is None else f'{value:.3f}'}")
    print(f"report: {files['json']}\n        {files['markdown']}")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from app.doctor import collect, render_text
    from app.wiring import Home

    home = Home.open(starter=True)
    if args.metrics:
        from core.metrics import load_snapshot, render

        snapshot = load_snapshot(home.paths.metrics_file)
        print(json.dumps(snapshot, indent=2, ensure_ascii=False) if args.json else render(snapshot))
        return 0
    report = collect(home)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render_text(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
