"""The update process (design seed §15): a new model version lands in ``models/staging/``; a
warm-up runs the control scenarios on it and compares each metric with the active version's
baseline; worse than its threshold on any, it is rejected and stays in staging with its report;
otherwise it is promoted to ``models/active/``, its revision bumped, and the previous version
kept so that ``domovoy models rollback ROLE`` restores it at once."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.home import Home
from core import config as config_mod
from core.errors import InputError, ManifestError
from core.fs import atomic_write_text
from core.registry import Entry, Manifest, Registry, parse_file
from core.registry.checksum import ChecksumCache
from eval.scenarios import CONTROL_DIR
from models.catalogue import CATALOGUE_DIR
from models.gguf_info import read_gguf_info

# metric → (higher is better?, the worst allowed change: relative for scores, absolute for rates)
THRESHOLDS: dict[str, tuple[bool, float]] = {
    "persona_adherence": (True, 0.05),  # the seed's example: 5 % below the baseline rejects
    "pass_rate": (True, 0.05),
    "rag_relevance": (True, 0.10),
    "mrr": (True, 0.10),
    "hallucination_rate": (False, 0.10),
}

Evaluate = Callable[[Home, str], dict[str, float | None]]  # home, model id → metric totals


@dataclass(slots=True)
class GateResult:
    model_id: str
    role: str
    promoted: bool
    totals: dict[str, float | None]
    baseline: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)


def compare(totals: dict[str, float | None], baseline: dict[str, float | None]) -> list[str]:
    """Why the candidate is worse than the baseline; empty when it may be promoted."""
    reasons = []
    for metric, (higher_better, allowed) in THRESHOLDS.items():
        new, old = totals.get(metric), baseline.get(metric)
        if new is None or old is None:
            continue
        if higher_better and new < old * (1 - allowed):
            reasons.append(
                f"{metric} {new:.3f} is more than {allowed:.0%} below the baseline {old:.3f}"
            )
        if not higher_better and new > old + allowed:
            reasons.append(
                f"{metric} {new:.3f} is over the baseline {old:.3f} by more than {allowed:g}"
            )
    return reasons


def next_revision(revision: str) -> str:
    """v1.0 → v1.1, r1 → r2, anything else gets .1 appended."""
    if match := re.fullmatch(r"v(\d+)\.(\d+)", revision):
        return f"v{match.group(1)}.{int(match.group(2)) + 1}"
    if match := re.fullmatch(r"r(\d+)", revision):
        return f"r{int(match.group(1)) + 1}"
    return f"{revision}.1"


class UpdateGate:
    def __init__(self, home: Home, evaluate: Evaluate | None = None) -> None:
        self.home = home
        self.evaluate = evaluate or run_control_scenarios
        self.staging = home.paths.models_dir / "staging"
        self.active = home.paths.models_dir / "active"
        self.history_file = self.active / "history.json"
        self.baselines = home.paths.data_dir / "baselines"

    # --- staging and warm-up -------------------------------------------------------------------

    def stage(self, file: Path, *, model_id: str, role: str) -> Manifest:
        """Copy a new version into staging, described by its own GGUF metadata."""
        info = read_gguf_info(file)  # refuses what is not a usable GGUF
        if model_id in self.home.registry:
            raise InputError(
                f"{model_id!r} is already in use", hint="give the new version its own id"
            )
        target = self.staging / model_id / file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        manifest = Manifest(
            id=model_id,
            family=info.architecture,
            role=role,
            path=str(target),
            format="gguf",
            quant=info.file_type,
            context_length=info.context_length or 4096,
            capabilities=["chat"],
            revision="staged",
            checksum_sha256=ChecksumCache(self.home.paths.checksum_cache).sha256(target),
            load="eager" if role == "primary" else "on_demand",
            adapter="llama_cpp",
            description=info.name,
            metadata={"staged_for": role},
        )
        atomic_write_text(self.staging / f"{model_id}.yaml", manifest.to_yaml())
        return manifest

    def warm_up(self, model_id: str, role: str) -> GateResult:
        """Run the control scenarios on the staged model and decide: promote or reject."""
        staged = self._staged(model_id)
        baseline = self._baseline(role)
        candidate = self._with_manifest(staged)
        candidate.config.llm.role(role).id = model_id
        totals = self.evaluate(candidate, model_id)
        reasons = compare(totals, baseline)
        result = GateResult(model_id, role, not reasons, totals, baseline, reasons)
        atomic_write_text(
            self.staging / f"{model_id}.report.json",
            json.dumps(
                {
                    "promoted": not reasons,
                    "totals": totals,
                    "baseline": baseline,
                    "reasons": reasons,
                },
                indent=1,
            ),
        )
        if not reasons:
            self.promote(model_id, role, totals)
        return result

    # --- promotion and rollback ----------------------------------------------------------------

    def promote(
        self, model_id: str, role: str, totals: dict[str, float | None] | None = None
    ) -> Manifest:
        staged = self._staged(model_id)
        source = Path(staged.path)
        target = self.active / model_id / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), target)
        previous = self.home.config.llm.role(role).id
        previous_revision = (
            self.home.registry.get(previous).manifest.revision
            if previous and previous in self.home.registry
            else "v1.0"
        )
        promoted = staged.model_copy(
            update={"path": str(target), "revision": next_revision(previous_revision)}
        )
        atomic_write_text(self.home.paths.manifests_dir / f"{model_id}.yaml", promoted.to_yaml())
        (self.staging / f"{model_id}.yaml").unlink(missing_ok=True)
        shutil.rmtree(self.staging / model_id, ignore_errors=True)
        history = self._history()
        if previous:
            history.setdefault(role, []).append(previous)
        atomic_write_text(self.history_file, json.dumps(history, indent=1))
        self.home.config.llm.role(role).id = model_id
        config_mod.save(self.home.config, self.home.paths.config_file)
        if totals is not None:
            self._save_baseline(role, totals)
        self.home.registry = Registry.load(self.home.paths, [CATALOGUE_DIR])
        return promoted

    def rollback(self, role: str) -> str:
        """The previous version takes the role again: its file and manifest were kept."""
        history = self._history()
        if not history.get(role):
            raise InputError(f"there is no earlier {role} model to go back to")
        previous = history[role].pop()
        self.home.config.llm.role(role).id = previous
        config_mod.save(self.home.config, self.home.paths.config_file)
        atomic_write_text(self.history_file, json.dumps(history, indent=1))
        self.baselines.joinpath(f"{role}.json").unlink(missing_ok=True)  # measured anew next time
        return previous

    # --- helpers -------------------------------------------------------------------------------

    def _staged(self, model_id: str) -> Manifest:
        file = self.staging / f"{model_id}.yaml"
        if not file.exists():
            raise InputError(
                f"nothing named {model_id!r} is in staging",
                hint="`domovoy models stage FILE --id ID --role ROLE`",
            )

        manifest, problems = parse_file(file)
        if manifest is None:
            raise ManifestError(problems)
        return manifest

    def _with_manifest(self, manifest: Manifest) -> Home:
        registry = Registry.load(self.home.paths, [CATALOGUE_DIR])

        registry._entries[manifest.id] = Entry(
            manifest, self.staging / f"{manifest.id}.yaml", "user", Path(manifest.path)
        )
        config = self.home.config.model_copy(deep=True)
        return Home(paths=self.home.paths, config=config, registry=registry)

    def _baseline(self, role: str) -> dict[str, float | None]:
        file = self.baselines / f"{role}.json"
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            return {k: (None if v is None else float(v)) for k, v in data.items()}
        except (OSError, ValueError):
            pass
        active = self.home.config.llm.role(role).id
        if not active:
            return {}  # nothing to compare with: the first model of a role passes on its own
        totals = self.evaluate(self.home, active)
        self._save_baseline(role, totals)
        return totals

    def _save_baseline(self, role: str, totals: dict[str, float | None]) -> None:
        atomic_write_text(self.baselines / f"{role}.json", json.dumps(totals, indent=1))

    def _history(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.history_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): [str(x) for x in v] for k, v in data.items()}


def run_control_scenarios(home: Home, model_id: str) -> dict[str, float | None]:
    from app.evaluation.under_test import AssistantUnderTest
    from eval.runner import run
    from eval.scenario import load_scenarios

    control = CONTROL_DIR
    sut = AssistantUnderTest(home, model=model_id)
    try:
        return run(sut, load_scenarios([control])).totals
    finally:
        sut.close()
