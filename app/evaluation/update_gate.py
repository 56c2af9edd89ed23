"""The update process (design seed §15): a new model version lands in ``models/staging/``; a
warm-up runs the control scenarios on it and compares each metric with the active version's
baseline; worse than its threshold on any, it is rejected and stays in staging with its report;
otherwise it is promoted to ``models/active/``, its revision bumped, and the previous version
kept so that ``domovoy models rollback ROLE`` restores it at once."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.evaluation.judges import judge_roles
from app.home import Home
from core import config as config_mod
from core.errors import InputError, ManifestError
from core.fs import atomic_write_text
from core.registry import Entry, Manifest, Registry, parse_file
from core.registry.checksum import ChecksumCache
from eval.report import figure
from eval.runner import RunReport
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


@dataclass(slots=True)
class Evaluation:
    """One run of the control scenarios: each metric's total (None: not measured), the replies
    that came from another model than the one under test, and who judged."""

    totals: dict[str, float | None]
    foreign: list[str] = field(default_factory=list)
    judges: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the scenarios whose checks did not hold
    report: RunReport | None = None  # the whole run, for its written report


# a home of its own, the model id, its role, and the roles whose models judge (the same for the
# baseline's run and the candidate's)
Evaluate = Callable[[Home, str, str, Sequence[str]], Evaluation]


@dataclass(slots=True)
class GateResult:
    model_id: str
    role: str
    promoted: bool
    totals: dict[str, float | None]
    baseline: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)
    judges: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the candidate's failed control scenarios
    report: Path | None = None  # the Markdown report of the candidate's run


def compare(
    totals: dict[str, float | None],
    baseline: dict[str, float | None],
    *,
    allow_unmeasured: bool = False,
) -> list[str]:
    """Why the candidate may not be promoted; empty when it may. A metric the candidate's run
    could not measure blocks promotion unless ``allow_unmeasured``: a model whose judge calls
    all failed is not thereby judged good."""
    reasons = []
    for metric, (higher_better, allowed) in THRESHOLDS.items():
        new, old = totals.get(metric), baseline.get(metric)
        if new is None:
            if not allow_unmeasured:
                reasons.append(f"{metric} was not measured")
            continue
        if old is None:
            continue  # the baseline has none: nothing to be worse than
        if higher_better and new < old * (1 - allowed):
            reasons.append(
                f"{metric} {new:.3f} is more than {allowed:.0%} below the baseline {old:.3f}"
            )
        if not higher_better and new > old + allowed:
            reasons.append(
                f"{metric} {new:.3f} is over the baseline {old:.3f} by more than {allowed:g}"
            )
    return reasons


HEADER = ("metric", "baseline", "candidate", "allowed", "verdict")


def comparison_rows(
    baseline: dict[str, float | None], totals: dict[str, float | None] | None = None
) -> list[tuple[str, str, str, str, str]]:
    """The decision as a table: each gated metric's baseline, the candidate's figure, the
    worst change allowed, and its verdict ("pending" before the candidate has run)."""
    rows = []
    for metric, (higher_better, allowed) in THRESHOLDS.items():
        old = baseline.get(metric)
        new = None if totals is None else totals.get(metric)
        if totals is None:
            verdict = "pending"
        elif new is None:
            verdict = "not measured"
        elif old is None:
            verdict = "no baseline"
        elif higher_better:
            verdict = "worse" if new < old * (1 - allowed) else "ok"
        else:
            verdict = "worse" if new > old + allowed else "ok"
        limit = f"-{allowed:.0%}" if higher_better else f"+{allowed:g}"
        rows.append((metric, figure(old), figure(new), limit, verdict))
    return rows


def comparison(result: GateResult) -> list[str]:
    """The comparison table as text lines."""
    widths = (20, 9, 9, 9)
    lines = []
    for row in [HEADER, *comparison_rows(result.baseline, result.totals)]:
        figures = [c.rjust(w) for c, w in zip(row[1:4], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *figures]
        lines.append(" ".join(cells) + "  " + row[4])
    return lines


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

    def warm_up(self, model_id: str, role: str, *, allow_unmeasured: bool = False) -> GateResult:
        """Run the control scenarios on the staged model in ``role`` and decide: promote or
        reject. Every reply scored must be the candidate's: one from a fallback voids the run."""
        staged = self._staged(model_id)
        judges = judge_roles(self.home, model_id)
        run = self.evaluate(self._evaluation_home(staged), model_id, role, judges)
        if run.foreign:  # nothing of it counts: no baseline is needed to reject it
            baseline = {}
            reasons = [
                f"void: {len(run.foreign)} replies did not come from {model_id} "
                f"(first: {run.foreign[0]})"
            ]
        else:
            baseline = self._baseline(role, judges)
            reasons = compare(run.totals, baseline, allow_unmeasured=allow_unmeasured)
        promoted = not reasons
        result = GateResult(
            model_id, role, promoted, run.totals, baseline, reasons, run.judges, run.failed
        )
        result.report = self._write_report(result, run)
        atomic_write_text(
            self.staging / f"{model_id}.report.json",
            json.dumps(
                {
                    "promoted": promoted,
                    "role": role,
                    "judges": run.judges,
                    "totals": run.totals,
                    "baseline": baseline,
                    "reasons": reasons,
                    "failed": run.failed,
                    "foreign": run.foreign,
                    "report": None if result.report is None else str(result.report),
                },
                indent=1,
            ),
        )
        if promoted:
            self.promote(model_id, role, run.totals, self._judge_ids(judges))
        return result

    # --- promotion and rollback ----------------------------------------------------------------

    def promote(
        self,
        model_id: str,
        role: str,
        totals: dict[str, float | None] | None = None,
        judges: Sequence[str] = (),
    ) -> Manifest:
        """``totals``: the candidate's figures, kept as the role's baseline (by ``judges``)."""
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
        self._give_role(role, model_id)
        if totals is not None:
            self._save_baseline(role, totals, judges)
        self.home.registry = Registry.load(self.home.paths, [CATALOGUE_DIR])
        return promoted

    def rollback(self, role: str) -> str:
        """The previous version takes the role again: its file and manifest were kept."""
        history = self._history()
        if not history.get(role):
            raise InputError(f"there is no earlier {role} model to go back to")
        previous = history[role].pop()
        self._give_role(role, previous)
        atomic_write_text(self.history_file, json.dumps(history, indent=1))
        self.baselines.joinpath(f"{role}.json").unlink(missing_ok=True)  # measured anew next time
        return previous

    # --- helpers -------------------------------------------------------------------------------

    def _write_report(self, result: GateResult, run: Evaluation) -> Path | None:
        """The candidate's run as a report that opens with the gate's decision, beside the
        earlier runs for the role (their drift): ``DATA/reports/ROLE/``."""
        if run.report is None:
            return None
        from eval.report import Decision, write

        verdict = f"{'promoted to' if result.promoted else 'rejected for'} {result.role}"
        rows = comparison_rows(result.baseline, result.totals)
        decision = Decision(verdict, result.reasons, HEADER, rows)
        run.report.judges = list(result.judges)
        folder = self.home.paths.data_dir / "reports" / result.role
        return write(run.report, folder, decision)["markdown"]

    def _give_role(self, role: str, model_id: str) -> None:
        """This role, and nothing else of the config, changes: read from the file, saved."""
        config = config_mod.load(self.home.paths.config_file)
        config.llm.role(role).id = model_id
        config_mod.save(config, self.home.paths.config_file)
        self.home.config = config

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

    def _evaluation_home(self, staged: Manifest | None = None) -> Home:
        """A home for one evaluation run: the registry (with the staged model, if any) and a
        copy of the config that the run may change; the gate's own stays as it is."""
        registry = Registry.load(self.home.paths, [CATALOGUE_DIR])
        if staged is not None:
            file = self.staging / f"{staged.id}.yaml"
            registry.include(Entry(staged, file, "user", Path(staged.path)))
        config = self.home.config.model_copy(deep=True)
        return Home(paths=self.home.paths, config=config, registry=registry)

    def _baseline(self, role: str, judges: Sequence[str]) -> dict[str, float | None]:
        """The active model's figures in ``role``, judged by the models of ``judges``: kept from
        an earlier run by the same judges, else measured now (and kept)."""
        kept = self.kept_baseline(role, judges)
        if kept is not None:
            return kept
        ids = self._judge_ids(judges)
        # the model that plays the role now (a starter-kit model may stand in for the chosen)
        active = self.home.registry.player_id(role, self.home.config.llm.role(role).id)
        if active is None:
            return {}  # nothing to compare with: the first model of a role passes on its own
        run = self.evaluate(self._evaluation_home(), active, role, judges)
        if run.foreign:
            return {}  # the active model could not answer: no baseline to keep
        self._save_baseline(role, run.totals, ids)
        return run.totals

    def kept_baseline(
        self, role: str, judges: Sequence[str] | None = None
    ) -> dict[str, float | None] | None:
        """The role's baseline kept from an earlier run by the same judges (``judges``: roles;
        None: any judges); None when it must be measured."""
        file = self.baselines / f"{role}.json"
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if judges is None or data.get("judges") == self._judge_ids(judges):
                return {k: (None if v is None else float(v)) for k, v in data["totals"].items()}
        except (OSError, ValueError, AttributeError, KeyError):
            pass  # none kept or unreadable
        return None

    def _judge_ids(self, roles: Sequence[str]) -> list[str]:
        config, registry = self.home.config, self.home.registry
        return [str(registry.player_id(r, config.llm.role(r).id)) for r in roles]

    def _save_baseline(
        self, role: str, totals: dict[str, float | None], judges: Sequence[str]
    ) -> None:
        atomic_write_text(
            self.baselines / f"{role}.json",
            json.dumps({"judges": list(judges), "totals": totals}, indent=1),
        )

    def _history(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.history_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): [str(x) for x in v] for k, v in data.items()}


def run_control_scenarios(
    home: Home, model_id: str, role: str, judges: Sequence[str] | None = None
) -> Evaluation:
    from app.evaluation.under_test import AssistantUnderTest, VoidRun
    from eval.runner import run
    from eval.scenario import load_scenarios

    sut = AssistantUnderTest(home, role=role, model=model_id, judges=judges)
    judged_by = [j.model_id for j in sut.judges]
    try:
        report = run(sut, load_scenarios([CONTROL_DIR]))
    except VoidRun:
        return Evaluation({}, list(sut.foreign), judged_by)  # the first foreign reply ends it
    finally:
        sut.close()
    return Evaluation(report.totals, [], judged_by, report.failed, report)
