"""The ``domovoy`` command: the window with no arguments, else chat, models and doctor."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import DomovoyError


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _quiet_libraries()
    if args.command != "window":  # the window installs its own, with the same file
        from core import logbook
        from core.paths import Paths

        logbook.install(Paths.from_env().data_dir / "domovoy.log")
    try:
        # each command's module is imported when it runs: the window opens without the others
        command = importlib.import_module(f"app.cli.{args.command}")
        code: int = command.run(args)
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
    p.set_defaults(command="window")
    sub = p.add_subparsers(title="commands")

    chat = sub.add_parser("chat", help="chat in the terminal, the reply streamed")
    chat.add_argument("--model", help="a model id from `domovoy models list`, or a .gguf file")
    chat.add_argument("--once", metavar="TEXT", help="print one reply to TEXT and exit")
    chat.set_defaults(command="chat")

    models = sub.add_parser("models", help="the model catalogue and installed models")
    msub = models.add_subparsers(title="models commands", required=True)
    validate = msub.add_parser("validate", help="check manifest files against the schema and rules")
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(command="models", action="cmd_validate")
    lst = msub.add_parser("list", help="catalogue, installed models, and who plays each role")
    lst.add_argument("--sources", action="store_true", help="also show where each model comes from")
    lst.set_defaults(command="models", action="cmd_list")
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
    add.set_defaults(command="models", action="cmd_add")
    pull = msub.add_parser(
        "pull", help="download a model from the hub (HF_ENDPOINT): resumable, every file checked"
    )
    pull.add_argument("model_id", nargs="?")
    pull.add_argument(
        "--starter", action="store_true", help="every role's model (the design's starter set)"
    )
    pull.add_argument(
        "--stage", metavar="ROLE", help="download into staging, warm it up for ROLE, then promote"
    )
    pull.add_argument(
        "--allow-unmeasured", action="store_true", help="with --stage: see `models stage`"
    )
    pull.set_defaults(command="models", action="cmd_pull")
    stage = msub.add_parser("stage", help="a new version of a role: warm-up eval, then promote")
    stage.add_argument("file", type=Path)
    stage.add_argument("--id", required=True, dest="model_id")
    stage.add_argument("--role", required=True)
    stage.add_argument(
        "--allow-unmeasured",
        action="store_true",
        help="promote even when a metric could not be measured (no independent judge)",
    )
    stage.set_defaults(command="models", action="cmd_stage")
    rollback = msub.add_parser("rollback", help="give a role back to its previous model")
    rollback.add_argument("role")
    rollback.set_defaults(command="models", action="cmd_rollback")
    verify = msub.add_parser("verify", help="hash an installed model's files again")
    verify.add_argument("model_id")
    verify.set_defaults(command="models", action="cmd_verify")
    imp = msub.add_parser(
        "import",
        help="install models downloaded elsewhere: a hub cache folder or a folder of model files",
    )
    imp.add_argument("folder", type=Path, metavar="DIR")
    imp.set_defaults(command="models", action="cmd_import")
    demo = msub.add_parser(
        "install-demo", help="install tiny demo models (their replies are noise)"
    )
    demo.set_defaults(command="models", action="cmd_install_demo")

    voice = sub.add_parser("voice", help="the voice loop over an audio file, offline")
    voice.add_argument("--input", type=Path, required=True, help="a wav/flac file: the microphone")
    voice.add_argument("--output-dir", type=Path, required=True, help="where reply audio goes")
    voice.add_argument("--json", action="store_true")
    voice.set_defaults(command="voice")

    chats = sub.add_parser("conversations", help="kept conversations: list, show, export, delete")
    csub = chats.add_subparsers(title="conversation commands", required=True)
    c_list = csub.add_parser("list", help="newest first")
    c_list.add_argument("--search", default="")
    c_list.set_defaults(command="conversations", action="list")
    c_show = csub.add_parser("show", help="one conversation as Markdown")
    c_show.add_argument("id")
    c_show.set_defaults(command="conversations", action="show")
    c_export = csub.add_parser("export", help="to FILE.md or FILE.json")
    c_export.add_argument("id")
    c_export.add_argument("file", type=Path)
    c_export.set_defaults(command="conversations", action="export")
    c_rename = csub.add_parser("rename")
    c_rename.add_argument("id")
    c_rename.add_argument("title")
    c_rename.set_defaults(command="conversations", action="rename")
    c_delete = csub.add_parser("delete")
    c_delete.add_argument("id")
    c_delete.set_defaults(command="conversations", action="delete")

    memory = sub.add_parser("memory", help="what domovoy remembers: list, search, forget, export")
    mem = memory.add_subparsers(title="memory commands", required=True)
    m_list = mem.add_parser("list", help="the latest memories")
    m_list.add_argument("--kind", choices=["episode", "reflection", "summary", "fact"])
    m_list.add_argument("--limit", type=int, default=20)
    m_list.set_defaults(command="memory", action="list")
    m_search = mem.add_parser("search", help="recall as the assistant does")
    m_search.add_argument("text")
    m_search.add_argument("-k", type=int, default=5)
    m_search.set_defaults(command="memory", action="search")
    m_show = mem.add_parser("show", help="one memory, all of it")
    m_show.add_argument("id")
    m_show.set_defaults(command="memory", action="show")
    m_forget = mem.add_parser("forget", help="forget one memory, or all of them")
    m_forget.add_argument("id", nargs="?")
    m_forget.add_argument("--all", action="store_true", dest="everything")
    m_forget.set_defaults(command="memory", action="forget")
    m_export = mem.add_parser("export", help="memories, mood and entity dictionaries to JSON")
    m_export.add_argument("file", type=Path)
    m_export.set_defaults(command="memory", action="export")
    m_migrate = mem.add_parser("migrate", help="re-index memory with another embedding model")
    m_migrate.add_argument("--to", required=True, dest="target", help="an embedding model's id")
    m_migrate.set_defaults(command="memory", action="migrate")
    m_import = mem.add_parser("import", help="bring an export back")
    m_import.add_argument("file", type=Path)
    m_import.set_defaults(command="memory", action="import")

    evaluate = sub.add_parser("eval", help="run scenario evaluations and write reports")
    esub = evaluate.add_subparsers(title="eval commands", required=True)
    erun = esub.add_parser("run", help="run scenarios (default: the control set)")
    erun.add_argument("scenarios", nargs="*", type=Path)
    erun.add_argument("--model", help="the model that plays the role for this run")
    erun.add_argument(
        "--role", default="primary", help="the role under test (its request kind answers)"
    )
    erun.add_argument("--reports", type=Path, default=Path("reports"))
    erun.set_defaults(command="evaluation")

    doctor = sub.add_parser("doctor", help="this machine, installed models, what fits")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument(
        "--metrics", action="store_true", help="the latencies and rates the app last recorded"
    )
    doctor.set_defaults(command="doctor")
    return p


if __name__ == "__main__":
    raise SystemExit(main())
