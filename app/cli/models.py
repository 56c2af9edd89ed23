"""``domovoy models …``: the catalogue, what is installed, downloads and safe updates."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.home import Home
    from core.registry import Manifest


def cmd_validate(args: argparse.Namespace) -> int:
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


def cmd_list(args: argparse.Namespace) -> int:
    from app.home import Home
    from app.views.models import playing
    from core.config import ROLES

    home = Home.open(starter=True)
    print(f"{'ID':<40} {'ROLE':<12} {'ORIGIN':<10} {'INSTALLED':<10} PLAYS")
    for e in home.registry.entries():
        plays = ", ".join(playing(home, e.id))
        mark = " (demo: noise)" if e.manifest.is_demo else ""
        if plays and e.manifest.stands_in:
            mark = " (starter kit: small, until the design's model is installed)"
        installed = "yes" if e.installed else "no"
        print(f"{e.id:<40} {e.manifest.role:<12} {e.origin:<10} {installed:<10} {plays}{mark}")
        source = e.manifest.source
        if args.sources and source is not None:
            where = source.url or f"https://huggingface.co/{source.repo}"
            if source.repo and source.file:
                where += f"/resolve/{source.revision}/{source.file}"
            size = f", about {source.size_bytes / 1e9:.2f} GB" if source.size_bytes else ""
            print(f"    from {where}{size} → {e.path}")
    for role in ROLES:
        model_id = home.config.llm.role(role).id
        stand_in = home.registry.player_id(role, model_id) if model_id else None
        if model_id and model_id not in home.registry:
            print(f"warning: the {role} role names {model_id!r}, which no manifest describes")
        elif stand_in not in (model_id, None):
            print(f"{role}: {model_id} is not installed yet; {stand_in} plays it meanwhile")
    for problem in home.registry.problems:
        print(f"warning: {problem}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from core.paths import Paths
    from models.install import add_model

    paths = Paths.from_env()
    paths.ensure()
    manifest, file = add_model(
        paths,
        args.file,
        model_id=args.model_id,
        role=args.role,
        replace=args.replace,
        give_role=True,
    )
    facts = f"{manifest.format}, {manifest.family}, {manifest.quant}"
    if manifest.format == "gguf":
        facts += f", context {manifest.context_length}"
    print(f"added {manifest.id} ({facts})")
    print(f"manifest: {file}")
    print(f"{manifest.id} now plays {args.role} (config: {paths.config_file})")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from app.home import Home
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
    """How the model will sit on this machine: the models page's badge, in words."""
    if manifest.format != "gguf":
        return
    from app.views.models import estimate_fit
    from core.hardware import machine
    from core.registry.catalogue import Entry
    from core.registry.validate import resolve_path

    file = home.paths.manifests_dir / f"{manifest.id}.yaml"
    entry = Entry(manifest, file, "user", resolve_path(manifest, home.paths.models_dir))
    fit = estimate_fit(entry, machine(home.paths.models_dir))
    print(
        f"fit: unknown ({fit.detail})"
        if fit.badge == "unknown"
        else f"fit: {fit.badge}, {fit.detail}"
    )


def _warm_up(home: Home, model_id: str, role: str) -> int:
    from app.evaluation.update_gate import UpdateGate

    print(f"warming up {model_id} as {role} on the control scenarios…", file=sys.stderr)
    result = UpdateGate(home).warm_up(model_id, role)
    if result.promoted:
        print(f"promoted {model_id} to {role}; `domovoy models rollback {role}` undoes it")
        return 0
    print(f"rejected {model_id}: it stays in staging")
    for reason in result.reasons:
        print(f"  {reason}")
    return 1


def cmd_stage(args: argparse.Namespace) -> int:
    from app.evaluation.update_gate import UpdateGate
    from app.home import Home

    home = Home.open()
    UpdateGate(home).stage(args.file, model_id=args.model_id, role=args.role)
    return _warm_up(home, args.model_id, args.role)


def cmd_rollback(args: argparse.Namespace) -> int:
    from app.evaluation.update_gate import UpdateGate
    from app.home import Home

    previous = UpdateGate(Home.open()).rollback(args.role)
    print(f"{args.role} is {previous} again")
    return 0


def cmd_install_demo(args: argparse.Namespace) -> int:
    from core.paths import Paths
    from models.install import DEMO_NOTE, install_demo

    paths = Paths.from_env()
    for manifest in install_demo(paths):
        print(f"installed {manifest.id} as {manifest.role}")
    print(DEMO_NOTE)
    print("Try: domovoy chat --once 'Привет'")
    return 0


def run(args: argparse.Namespace) -> int:
    actions = {
        "cmd_validate": cmd_validate,
        "cmd_list": cmd_list,
        "cmd_add": cmd_add,
        "cmd_pull": cmd_pull,
        "cmd_stage": cmd_stage,
        "cmd_rollback": cmd_rollback,
        "cmd_install_demo": cmd_install_demo,
    }
    return actions[args.action](args)
