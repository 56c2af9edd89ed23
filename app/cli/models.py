"""``domovoy models …``: the catalogue, what is installed, downloads and safe updates."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.home import Home
    from core.events import DownloadProgress
    from core.registry import Manifest
    from models.pull import Puller


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
    from app.views.models import playing, source_lines
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
        if args.sources:
            for line in source_lines(e):
                print(f"    {line}")
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
    from core.errors import InputError
    from models.pull import Puller

    if bool(args.model_id) == bool(args.starter):
        raise InputError(
            "name one model to pull, or --starter for every role's model",
            hint="`domovoy models list --sources` shows what can be pulled",
        )
    home = Home.open()
    cancel = threading.Event()
    puller = Puller(
        home.paths,
        home.registry,
        progress=ProgressLine(),
        downloads=home.config.models.downloads,
    )
    try:
        if args.starter:
            return _pull_starter(home, puller, cancel)
        staging = home.paths.models_dir / "staging" if args.stage else None
        manifest = puller.pull(args.model_id, cancel, staging=staging)
    except KeyboardInterrupt:
        cancel.set()
        print("\npaused: run pull again to continue from there", file=sys.stderr)
        return 130
    finally:
        print(file=sys.stderr)
    _report_fit(home, manifest)
    if args.stage:
        print(f"staged {manifest.id} ({_checksums(manifest)})")
        return _warm_up(home, manifest.id, args.stage, allow_unmeasured=args.allow_unmeasured)
    print(f"installed {manifest.id} ({_checksums(manifest)})")
    return 0


def _pull_starter(home: Home, puller: Puller, cancel: threading.Event) -> int:
    """Every role's model not installed yet: the sizes and the disk first, one progress."""
    from app.views.models import playing
    from models.catalogue import STARTER_SET

    wanted = puller.missing(STARTER_SET)
    if not wanted:
        print("the starter set is installed")
        return 0
    plans = [puller.plan(model_id) for model_id in wanted]
    need, free = puller.space(plans)
    verdict = "fits" if need <= free else "does NOT fit"
    print(
        f"the starter set: {len(plans)} models, {sum(p.total for p in plans) / 1e9:.2f} GB "
        f"({need / 1e9:.2f} GB with a margin); {free / 1e9:.2f} GB free: {verdict}"
    )
    for plan in plans:
        print(f"  {plan.manifest.id:<36} {plan.manifest.role:<12} {plan.total / 1e9:7.2f} GB")

    def installed(manifest: Manifest) -> None:
        plays = ", ".join(playing(home, manifest.id)) or manifest.role
        print(f"\rinstalled {manifest.id} ({plays}){' ' * 40}", file=sys.stderr)

    puller.pull_plans(plans, cancel, installed=installed)
    print(f"installed the starter set ({len(plans)} models)")
    return 0


def _checksums(manifest: Manifest) -> str:
    files = f"{len(manifest.files_sha256)} files, each checked" if manifest.files_sha256 else ""
    if manifest.checksum_sha256:
        return f"sha256 {manifest.checksum_sha256}" + (f"; {files}" if files else "")
    return files


class ProgressLine:
    """One line on stderr for the whole pull: a bar, bytes, speed, time left, the file."""

    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, p: DownloadProgress) -> None:
        now = time.monotonic()
        if now - self._last < 0.2 and p.done != p.total:
            return
        self._last = now
        if p.total:
            share = p.done / p.total
            line = f"[{'#' * int(share * 30):<30}] {share:6.1%} {p.done / 1e6:8.1f} MB"
            line += f"  {p.speed_bps / 1e6:6.1f} MB/s  ETA {p.eta_s:5.0f} s"
        else:
            line = f"{p.done / 1e6:8.1f} MB  {p.speed_bps / 1e6:6.1f} MB/s"
        name = p.file if len(p.file) <= 32 else "…" + p.file[-31:]
        print(f"\r{line}  {name:<32}", end="", file=sys.stderr, flush=True)


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


def _warm_up(home: Home, model_id: str, role: str, *, allow_unmeasured: bool = False) -> int:
    from app.evaluation.update_gate import UpdateGate, comparison

    print(f"warming up {model_id} as {role} on the control scenarios…", file=sys.stderr)
    result = UpdateGate(home).warm_up(model_id, role, allow_unmeasured=allow_unmeasured)
    print(f"judged by {' and '.join(result.judges) or 'no independent judge'}")
    for line in comparison(result):
        print(f"  {line}")
    if result.report is not None:
        print(f"report: {result.report}")
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
    return _warm_up(home, args.model_id, args.role, allow_unmeasured=args.allow_unmeasured)


def cmd_rollback(args: argparse.Namespace) -> int:
    from app.evaluation.update_gate import UpdateGate
    from app.home import Home

    previous = UpdateGate(Home.open()).rollback(args.role)
    print(f"{args.role} is {previous} again")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from app.home import Home
    from app.views.models import verify

    print(verify(Home.open(), args.model_id))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.home import Home
    from app.views.models import playing
    from models.import_dir import import_models

    home = Home.open()
    for imported in import_models(home.paths, home.registry, args.folder):
        home.reload_registry()
        manifest = imported.manifest
        plays = ", ".join(playing(home, manifest.id)) or f"none yet (a {manifest.role} model)"
        print(f"imported {manifest.id} from {imported.source} ({_checksums(manifest)})")
        print(f"  plays: {plays}")
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
        "cmd_import": cmd_import,
        "cmd_verify": cmd_verify,
    }
    return actions[args.action](args)
