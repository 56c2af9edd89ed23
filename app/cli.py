"""The ``domovoy`` command: the window with no arguments, else chat, models and doctor."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import DomovoyError
from core.events import EventBus, ModelLoading, TokenStreamed, TurnFailed, TurnFinished

if TYPE_CHECKING:
    from app.wiring import Home
    from core.registry import Manifest


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
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
    validate.set_defaults(func=_cmd_validate)
    lst = msub.add_parser("list", help="catalogue, installed models, and who plays each role")
    lst.add_argument("--sources", action="store_true", help="also show where each model comes from")
    lst.set_defaults(func=_cmd_list)
    add = msub.add_parser("add", help="register a GGUF file you have")
    add.add_argument("file", type=Path)
    add.add_argument("--id", required=True, dest="model_id")
    add.add_argument("--role", required=True)
    add.add_argument("--replace", action="store_true", help="overwrite a manifest with this id")
    add.set_defaults(func=_cmd_add)
    pull = msub.add_parser("pull", help="download a catalogue model (resumable, verified)")
    pull.add_argument("model_id")
    pull.add_argument(
        "--stage", metavar="ROLE", help="download into staging, warm it up for ROLE, then promote"
    )
    pull.set_defaults(func=_cmd_pull)
    stage = msub.add_parser("stage", help="a new version of a role: warm-up eval, then promote")
    stage.add_argument("file", type=Path)
    stage.add_argument("--id", required=True, dest="model_id")
    stage.add_argument("--role", required=True)
    stage.set_defaults(func=_cmd_stage)
    rollback = msub.add_parser("rollback", help="give a role back to its previous model")
    rollback.add_argument("role")
    rollback.set_defaults(func=_cmd_rollback)
    demo = msub.add_parser(
        "install-demo", help="install tiny demo models (their replies are noise)"
    )
    demo.set_defaults(func=_cmd_install_demo)

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

    home = Home.open()
    bus = EventBus()
    assistant, problem = build_assistant(home, bus, model=args.model)
    if problem is not None:
        if not assistant.ready_to_chat:
            raise problem
        print(f"domovoy: {problem}\n  → another model answers meanwhile", file=sys.stderr)
    done = threading.Event()
    failed: list[str] = []

    def on_token(e: TokenStreamed) -> None:
        sys.stdout.write(e.text)
        sys.stdout.flush()

    def on_finished(e: TurnFinished) -> None:
        sys.stdout.write("\n")
        demo = ", a demo model: its replies are noise" if e.demo else ""
        stopped = ", stopped" if e.cancelled else ""
        fallback = f"; fallback: {e.fallback_reason}" if e.fallback_reason else ""
        print(
            f"[{e.model_used}{demo}; {e.timings.tokens} tokens, "
            f"{e.timings.tokens_per_s:.1f} tok/s{stopped}{fallback}]",
            file=sys.stderr,
        )
        done.set()

    def on_failed(e: TurnFailed) -> None:
        failed.append(e.message)
        print(f"\ndomovoy: {e.message}", file=sys.stderr)
        done.set()

    bus.subscribe(TokenStreamed, on_token)
    bus.subscribe(TurnFinished, on_finished)
    bus.subscribe(TurnFailed, on_failed)
    bus.subscribe(ModelLoading, lambda e: print(f"[loading {e.model_id}…]", file=sys.stderr))

    def turn(text: str) -> None:
        done.clear()
        assistant.submit(text)
        try:
            while not done.wait(0.1):
                pass
        except KeyboardInterrupt:
            assistant.stop()
            done.wait()
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
        assistant.shutdown()


def _cmd_validate(args: argparse.Namespace) -> int:
    from core.paths import Paths
    from core.registry import validate_files
    from core.registry.checksum import ChecksumCache

    paths = Paths.from_env()
    good, problems = validate_files(
        args.files, models_dir=paths.models_dir, checksums=ChecksumCache(paths.checksum_cache)
    )
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(good)} manifest(s) valid")
    return 1 if problems else 0


def _cmd_list(args: argparse.Namespace) -> int:
    from app.wiring import Home
    from core.config import ROLES

    home = Home.open()
    roles = {home.config.llm.role(r).id: r for r in ROLES if home.config.llm.role(r).id}
    print(f"{'ID':<36} {'ROLE':<12} {'ORIGIN':<10} {'INSTALLED':<10} PLAYS")
    for e in home.registry.entries():
        plays = roles.get(e.id, "")
        demo = " (demo: noise)" if e.manifest.is_demo else ""
        installed = "yes" if e.installed else "no"
        print(f"{e.id:<36} {e.manifest.role:<12} {e.origin:<10} {installed:<10} {plays}{demo}")
        source = e.manifest.source
        if args.sources and source is not None:
            where = source.url or f"https://huggingface.co/{source.repo}"
            if source.repo and source.file:
                where += f"/resolve/{source.revision}/{source.file}"
            size = f", about {source.size_bytes / 1e9:.2f} GB" if source.size_bytes else ""
            print(f"    from {where}{size} → {e.path}")
    for role in ROLES:
        model_id = home.config.llm.role(role).id
        if model_id and model_id not in home.registry:
            print(f"warning: the {role} role names {model_id!r}, which no manifest describes")
    for problem in home.registry.problems:
        print(f"warning: {problem}")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from core.paths import Paths
    from models.install import add_gguf

    paths = Paths.from_env()
    paths.ensure()
    manifest, file = add_gguf(
        paths, args.file, model_id=args.model_id, role=args.role, replace=args.replace
    )
    facts = f"{manifest.family}, {manifest.quant}, context {manifest.context_length}"
    print(f"added {manifest.id} ({facts})")
    print(f"manifest: {file}")
    return 0


def _cmd_pull(args: argparse.Namespace) -> int:
    from app.wiring import Home
    from core.events import DownloadProgress
    from models.pull import Puller

    home = Home.open()
    last = [0.0]

    def show(p: DownloadProgress) -> None:
        now = time.monotonic()
        if now - last[0] < 0.2 and p.done != p.total:
            return
        last[0] = now
        if p.total:
            share = p.done / p.total
            bar = "#" * int(share * 30)
            line = f"[{bar:<30}] {share:6.1%} {p.done / 1e6:8.1f} MB"
            line += f"  {p.speed_bps / 1e6:6.1f} MB/s  ETA {p.eta_s:5.0f} s"
        else:
            line = f"{p.done / 1e6:8.1f} MB  {p.speed_bps / 1e6:6.1f} MB/s"
        print(f"\r{line}", end="", file=sys.stderr, flush=True)

    cancel = threading.Event()
    staging = home.paths.models_dir / "staging" if args.stage else None
    try:
        puller = Puller(home.paths, home.registry, progress=show)
        manifest = puller.pull(args.model_id, cancel, staging=staging)
    except KeyboardInterrupt:
        cancel.set()
        print("\ncancelled: run pull again to continue", file=sys.stderr)
        return 130
    finally:
        print(file=sys.stderr)
    _report_fit(home, manifest)
    if args.stage:
        print(f"staged {manifest.id} (sha256 {manifest.checksum_sha256})")
        return _warm_up(home, manifest.id, args.stage)
    print(f"installed {manifest.id} (sha256 {manifest.checksum_sha256})")
    return 0


def _report_fit(home: Home, manifest: Manifest) -> None:
    """How the model will sit on this machine: the planner on its own tensor inventory."""
    if manifest.format != "gguf":
        return
    from core.hardware import machine
    from models.vram import MIB, inventory_from_gguf, plan

    facts = machine(home.paths.models_dir)
    vram = facts.vram_free_mb * MIB if facts.llama_gpu_offload else 0
    path = Path(manifest.path)
    path = path if path.is_absolute() else home.paths.models_dir / path
    context = min(manifest.context_length, 8192)
    try:
        placed = plan(inventory_from_gguf(path), context, vram_free_bytes=vram)
    except DomovoyError as exc:
        print(f"fit: unknown ({exc.message})")
        return
    fits = placed.cpu_bytes <= facts.ram_free_mb * MIB
    verdict = (
        "fits this machine" if fits else f"needs more RAM than the {facts.ram_free_mb} MB free"
    )
    print(f"fit: at {context} tokens of context, {placed.describe()}; {verdict}")


def _warm_up(home: Home, model_id: str, role: str) -> int:
    from app.update_gate import UpdateGate

    print(f"warming up {model_id} as {role} on the control scenarios…", file=sys.stderr)
    result = UpdateGate(home).warm_up(model_id, role)
    if result.promoted:
        print(f"promoted {model_id} to {role}; `domovoy models rollback {role}` undoes it")
        return 0
    print(f"rejected {model_id}: it stays in staging")
    for reason in result.reasons:
        print(f"  {reason}")
    return 1


def _cmd_stage(args: argparse.Namespace) -> int:
    from app.update_gate import UpdateGate
    from app.wiring import Home

    home = Home.open()
    UpdateGate(home).stage(args.file, model_id=args.model_id, role=args.role)
    return _warm_up(home, args.model_id, args.role)


def _cmd_rollback(args: argparse.Namespace) -> int:
    from app.update_gate import UpdateGate
    from app.wiring import Home

    previous = UpdateGate(Home.open()).rollback(args.role)
    print(f"{args.role} is {previous} again")
    return 0


def _cmd_install_demo(args: argparse.Namespace) -> int:
    from core.paths import Paths
    from models.install import DEMO_NOTE, install_demo

    paths = Paths.from_env()
    for manifest in install_demo(paths):
        print(f"installed {manifest.id} as {manifest.role}")
    print(DEMO_NOTE)
    print("Try: domovoy chat --once 'Привет'")
    return 0


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
    sut = AssistantUnderTest(Home.open(), model=args.model)
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

    home = Home.open()
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
