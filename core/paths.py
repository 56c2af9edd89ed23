"""Where domovoy keeps its config, data, models and caches.

``DOMOVOY_HOME`` puts everything under one folder (tests and scripts use it); otherwise the
platform's user directories are used (platformdirs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "domovoy"
HOME_ENV = "DOMOVOY_HOME"


@dataclass(frozen=True, slots=True, kw_only=True)
class Paths:
    config_dir: Path
    data_dir: Path
    models_dir: Path
    cache_dir: Path
    metrics_at: Path | None = None  # where the metrics go, where not in data_dir (evaluation)

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def manifests_dir(self) -> Path:
        """The user's own manifests: ``models add``, ``install-demo`` and ``pull`` write here."""
        return self.models_dir / "manifests"

    @property
    def entities_dir(self) -> Path:
        """The user's entity dictionaries (people, places, objects), YAML, editable."""
        return self.config_dir / "entities"

    @property
    def metrics_file(self) -> Path:
        """The running app's latest metrics, for ``domovoy doctor --metrics``."""
        return self.metrics_at or self.data_dir / "metrics.json"

    @property
    def checksum_cache(self) -> Path:
        return self.cache_dir / "checksums.json"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Paths:
        env = os.environ if environ is None else environ
        home = env.get(HOME_ENV)
        if home:
            root = Path(home).expanduser().resolve()
            return cls(
                config_dir=root / "config",
                data_dir=root / "data",
                models_dir=root / "models",
                cache_dir=root / "cache",
            )
        data = Path(platformdirs.user_data_dir(APP_NAME))
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
            data_dir=data,
            models_dir=data / "models",
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
        )

    def ensure(self) -> None:
        for d in (
            self.config_dir,
            self.data_dir,
            self.models_dir,
            self.manifests_dir,
            self.cache_dir,
        ):
            d.mkdir(parents=True, exist_ok=True)
