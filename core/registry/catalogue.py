"""The registry: the shipped catalogue plus the user's own manifests, and who plays which role.

Ids are unique within each source (rule 1). A user manifest with a catalogue id replaces the
catalogue entry: that is how a pulled or re-described model is installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.config import Config
from core.errors import ManifestProblem, ModelFileError, NoModelForRoleError, UnknownModelError
from core.paths import Paths
from core.registry.checksum import ChecksumCache
from core.registry.manifest import Manifest
from core.registry.validate import resolve_path, validate_files

Origin = Literal["catalogue", "user"]


@dataclass(frozen=True, slots=True)
class Entry:
    manifest: Manifest
    file: Path
    origin: Origin
    path: Path  # the model's file or folder on disk

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def installed(self) -> bool:
        if self.manifest.format == "package":  # shipped inside a Python package
            return importlib.util.find_spec(self.manifest.path) is not None
        return self.path.exists()


class Registry:
    def __init__(
        self,
        entries: Iterable[Entry],
        *,
        problems: list[ManifestProblem],
        checksums: ChecksumCache,
    ) -> None:
        self._entries = {e.id: e for e in entries}
        self.problems = problems
        self.checksums = checksums

    @classmethod
    def load(cls, paths: Paths, catalogue_dirs: Iterable[Path] = ()) -> Registry:
        """Read every manifest; invalid ones are left out and listed in ``problems``."""
        checksums = ChecksumCache(paths.checksum_cache)
        entries: dict[str, Entry] = {}
        problems: list[ManifestProblem] = []
        sources: list[tuple[Origin, list[Path]]] = [
            ("catalogue", [f for d in catalogue_dirs for f in sorted(d.glob("*.yaml"))]),
            (
                "user",
                sorted(paths.manifests_dir.glob("*.yaml")) if paths.manifests_dir.is_dir() else [],
            ),
        ]
        for origin, files in sources:
            good, errs = validate_files(files)
            problems.extend(errs)
            for manifest, file in good:
                entries[manifest.id] = Entry(
                    manifest, file, origin, resolve_path(manifest, paths.models_dir)
                )
        return cls(entries.values(), problems=problems, checksums=checksums)

    def include(self, entry: Entry) -> None:
        """Take one more entry (a staged model under evaluation), replacing one with its id."""
        self._entries[entry.id] = entry

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._entries

    def get(self, model_id: str) -> Entry:
        try:
            return self._entries[model_id]
        except KeyError:
            raise UnknownModelError(model_id, list(self._entries)) from None

    def entries(self) -> list[Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.manifest.role, e.id))

    def for_role(self, role: str, config: Config) -> Entry:
        """The installed model that plays an LLM role (``plays`` with the config's choice)."""
        return self.plays(role, config.llm.role(role).id)

    def plays(self, role: str, model_id: str | None) -> Entry:
        """The model that plays a role: the one chosen for it when that is installed, else a
        starter-kit model that stands in for the role until the chosen one is installed."""
        chosen = self._entries.get(model_id) if model_id else None
        if chosen is not None and chosen.installed:
            return chosen
        stand_in = self.stand_in(role)
        if stand_in is not None:
            return stand_in
        raise NoModelForRoleError(role, model_id)

    def stand_in(self, role: str) -> Entry | None:
        """The installed starter-kit model for a role, if there is one."""
        return next(
            (e for e in self.entries() if role in e.manifest.stands_in and e.installed), None
        )

    def player_id(self, role: str, model_id: str | None) -> str | None:
        """``plays`` as an id, None when nothing installed plays the role."""
        try:
            return self.plays(role, model_id).id
        except NoModelForRoleError:
            return None

    def verify(self, entry: Entry) -> None:
        """Rule 4 at load time: the file must hash to its manifest's sha256."""
        manifest = entry.manifest
        if manifest.skip_checksum:
            return
        if manifest.files_sha256:  # several files: each, beside the model's file or in its folder
            base = entry.path if entry.path.is_dir() else entry.path.parent
            for name, digest in manifest.files_sha256.items():
                self.checksums.verify(base / name, digest)
            return
        if manifest.checksum_sha256 is None:
            raise ModelFileError(
                entry.path,
                f"manifest {entry.file} gives no checksum_sha256 for an installed model",
                hint="add the sha256 to the manifest (`sha256sum FILE`) or set skip_checksum: true",
            )
        self.checksums.verify(entry.path, manifest.checksum_sha256)
