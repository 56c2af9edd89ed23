"""``domovoy doctor``: what this machine has, what is installed, and whether each role fits."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.home import Home
from core.config import ROLES
from core.errors import DomovoyError
from core.hardware import Machine, machine
from models.vram import MIB, inventory_from_gguf, plan


def collect(home: Home) -> dict[str, Any]:
    facts = machine(home.paths.models_dir)
    return {
        "machine": facts.to_dict(),
        "paths": {
            "config": str(home.paths.config_file),
            "data": str(home.paths.data_dir),
            "models": str(home.paths.models_dir),
            "cache": str(home.paths.cache_dir),
        },
        "registry_problems": [str(p) for p in home.registry.problems],
        "models": [
            {
                "id": e.id,
                "role": e.manifest.role,
                "origin": e.origin,
                "installed": e.installed,
                "path": str(e.path),
                "demo": e.manifest.is_demo,
            }
            for e in home.registry.entries()
        ],
        "roles": {role: _role_fit(home, role, facts) for role in ROLES},
        "embedder": _embedder(home),
    }


def _embedder(home: Home) -> dict[str, Any]:
    """The embedder memory runs on (the configured one, else the first installed after it)."""
    from app.wiring import embedder_for

    embedder = embedder_for(home)
    embedder.close()
    info = embedder.info
    return {"id": info.model_id, "dimension": info.dimension, "multilingual": info.multilingual}


def _role_fit(home: Home, role: str, facts: Machine) -> dict[str, Any]:
    settings = home.config.llm.role(role)
    out: dict[str, Any] = {"model_id": settings.id, "context_length": settings.context_length}
    if not settings.id:
        out["status"] = "no model set"
        return out
    if settings.id not in home.registry:
        out["status"] = "unknown id: no manifest has it"
        return out
    entry = home.registry.get(settings.id)
    if not entry.installed:
        out["status"] = "not installed"
        return out
    try:
        inventory = inventory_from_gguf(entry.path)
    except DomovoyError as exc:
        out["status"] = f"unusable: {exc.message}"
        return out
    vram = facts.vram_free_mb * MIB if facts.llama_gpu_offload else 0
    placed = plan(inventory, settings.context_length, vram_free_bytes=vram)
    ram_ok = placed.cpu_bytes <= facts.ram_free_mb * MIB
    out.update(
        status="installed",
        demo=entry.manifest.is_demo,
        fits=ram_ok,
        placement=placed.note,
        n_gpu_layers=placed.n_gpu_layers,
        n_cpu_moe=placed.n_cpu_moe,
        needed_mb=(placed.gpu_bytes + placed.cpu_bytes) // MIB,
        gpu_mb=placed.gpu_bytes // MIB,
        ram_mb=placed.cpu_bytes // MIB,
        weights_mb=inventory.weights_bytes // MIB,
        kv_cache_mb=placed.kv_bytes // MIB,
        fit_text=(
            f"{placed.describe()}; "
            + ("fits" if ram_ok else f"does not fit: {facts.ram_free_mb} MB of RAM free")
        ),
    )
    return out


def render_text(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"Python {m['python']} on {m['os']}",
        f"CPU: {m['cpu']} ({m['cpu_cores_logical']} logical cores)",
        f"RAM: {m['ram_total_mb']} MB total, {m['ram_free_mb']} MB free",
        f"Disk: {m['disk_free_mb']} MB free at {m['disk_path']}",
    ]
    if m["gpus"]:
        for g in m["gpus"]:
            lines.append(
                f"GPU {g['index']}: {g['name']}, {g['vram_total_mb']} MB VRAM, "
                f"{g['vram_free_mb']} MB free"
            )
    else:
        lines.append(f"GPU: none ({m['gpu_note']})")
    offload = "yes" if m["llama_gpu_offload"] else "no (CPU build; see README for CUDA)"
    lines.append(f"llama.cpp GPU offload: {offload}")
    lines.append(f"Config: {report['paths']['config']}")
    lines.append(f"Models: {report['paths']['models']}")
    if report["registry_problems"]:
        lines.append("Manifest problems:")
        lines += [f"  {p}" for p in report["registry_problems"]]
    e = report["embedder"]
    reads = (
        "multilingual"
        if e["multilingual"]
        else "English only: Russian is found by its words, not its meaning; "
        "set [embeddings] main to use-multilingual"
    )
    lines.append(f"Memory embedder: {e['id']} ({e['dimension']} dimensions, {reads})")
    lines.append("Roles:")
    for role, r in report["roles"].items():
        detail = r.get("fit_text") or r["status"]
        demo = " [demo model: replies are noise]" if r.get("demo") else ""
        lines.append(f"  {role:<12} {r['model_id'] or '-'}: {detail}{demo}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    home = Home.open(starter=True)
    if args.metrics:
        from core.metrics import load_snapshot, render

        snapshot = load_snapshot(home.paths.metrics_file)
        print(json.dumps(snapshot, indent=2, ensure_ascii=False) if args.json else render(snapshot))
        return 0
    report = collect(home)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render_text(report))
    return 0
