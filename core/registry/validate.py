"""Reading manifest files and checking the design seed's five rules (§9.1).

1. ids are unique;
2. role=primary → load != on_demand;
3. idle_unload_seconds → load = on_demand;
4. the file's sha256 matches checksum_sha256 on first load, unless skip_checksum;
5. reasoning_modes only for role=optional_moe or capabilities containing plan or judge.

Plus the naming convention ``<family>-<size>-<purpose>-<quant>-v<major>.<minor>`` where an id
claims it (ends in ``-vN.N``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from core.errors import ChecksumMismatchError, ManifestProblem, ModelFileError
from core.registry.checksum import ChecksumCache
from core.registry.manifest import CLAIMS_NAMING, NAMING, Manifest


def parse_file(file: Path) -> tuple[Manifest | None, list[ManifestProblem]]:
    """Read one YAML manifest; schema problems are returned, one per field."""

    def problem(field: str, message: str, rule: str) -> ManifestProblem:
        return ManifestProblem(file=file, field=field, message=message, rule=rule)

    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [problem("-", f"cannot read the file: {exc.strerror or exc}", "yaml")]
    except UnicodeDecodeError:
        return None, [problem("-", "not UTF-8 text", "yaml")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return None, [
            problem("-", f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", "yaml")
        ]
    if not isinstance(raw, dict):
        return None, [problem("-", "a manifest is a YAML mapping of fields", "yaml")]
    try:
        return Manifest.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "-"
            msg = err["msg"]
            if err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field (a typo?)"
            problems.append(problem(field, msg, "schema"))
        return None, problems


def check_rules(
    manifest: Manifest,
    file: Path,
    *,
    models_dir: Path | None = None,
    checksums: ChecksumCache | None = None,
) -> list[ManifestProblem]:
    """Rules 2–5 and the naming convention for one manifest (rule 1 needs all of them)."""
    out: list[ManifestProblem] = []

    def add(field: str, message: str, rule: str) -> None:
        out.append(ManifestProblem(file=file, field=field, message=message, rule=rule))

    if manifest.role == "primary" and manifest.load == "on_demand":
        add("load", "the primary model loads at start: load must be eager, not on_demand", "2")
    if manifest.idle_unload_seconds is not None and manifest.load_policy != "on_demand":
        add(
            "idle_unload_seconds",
            f"only an on_demand model is unloaded when idle (load is {manifest.load_policy})",
            "3",
        )
    if (
        manifest.checksum_sha256 is None
        and not manifest.skip_checksum
        and not manifest.files_sha256
    ):
        recorded_later = manifest.source is not None and not manifest.source.sha256_published
        if not recorded_later:
            add(
                "checksum_sha256",
                "missing: give the file's sha256, or set skip_checksum: true",
                "4",
            )
    if manifest.reasoning_modes and not (
        manifest.role == "optional_moe" or {"plan", "judge"} & set(manifest.capabilities)
    ):
        add(
            "reasoning_modes",
            "allowed only for role optional_moe or capabilities with plan or judge",
            "5",
        )
    if CLAIMS_NAMING.search(manifest.id) and not NAMING.match(manifest.id):
        add(
            "id",
            f"{manifest.id!r} ends in a version but does not follow "
            "<family>-<size>-<purpose>-<quant>-v<major>.<minor>",
            "naming",
        )
    if models_dir is not None and checksums is not None and manifest.checksum_sha256:
        path = resolve_path(manifest, models_dir)
        if path.is_file():
            try:
                checksums.verify(path, manifest.checksum_sha256)
            except ChecksumMismatchError as exc:
                add("checksum_sha256", f"the file {path} has sha256 {exc.actual}", "4")
            except ModelFileError as exc:
                add("path", exc.cause, "4")
    return out


def check_unique(entries: Iterable[tuple[Manifest, Path]]) -> list[ManifestProblem]:
    """Rule 1: one problem per repeated id, naming every file that uses it."""
    seen: dict[str, list[Path]] = {}
    for manifest, file in entries:
        seen.setdefault(manifest.id, []).append(file)
    out = []
    for model_id, files in seen.items():
        for file in files[1:]:
            out.append(
                ManifestProblem(
                    file=file,
                    field="id",
                    message=f"{model_id!r} is also the id in {files[0]}",
                    rule="1",
                )
            )
    return out


def validate_files(
    files: Iterable[Path],
    *,
    models_dir: Path | None = None,
    checksums: ChecksumCache | None = None,
) -> tuple[list[tuple[Manifest, Path]], list[ManifestProblem]]:
    """Parse and check manifests; returns the valid ones and every problem found."""
    good: list[tuple[Manifest, Path]] = []
    problems: list[ManifestProblem] = []
    parsed: list[tuple[Manifest, Path]] = []
    for file in files:
        manifest, errs = parse_file(file)
        problems.extend(errs)
        if manifest is None:
            continue
        parsed.append((manifest, file))
        errs = check_rules(manifest, file, models_dir=models_dir, checksums=checksums)
        problems.extend(errs)
        if not errs:
            good.append((manifest, file))
    duplicates = check_unique(parsed)
    problems.extend(duplicates)
    dup_files = {p.file for p in duplicates}
    good = [(m, f) for m, f in good if f not in dup_files]
    return good, problems


def resolve_path(manifest: Manifest, models_dir: Path) -> Path:
    """A manifest's path: absolute as written, else relative to the models folder."""
    path = Path(manifest.path).expanduser()
    return path if path.is_absolute() else models_dir / path
