"""Putting the real pieces together: paths, config, registry, the models for each role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.assistant import Assistant, ModelSlot
from core import config as config_mod
from core.config import Config
from core.errors import DomovoyError, ModelFileError
from core.events import EventBus
from core.paths import Paths
from core.registry import Registry
from llm.base import GenerationParams
from llm.llama_cpp import LlamaCppLLM
from models.catalogue import CATALOGUE_DIR


@dataclass(slots=True)
class Home:
    """Everything the app reads at start: where things live, the config, the registry."""

    paths: Paths
    config: Config
    registry: Registry

    @classmethod
    def open(cls, paths: Paths | None = None) -> Home:
        paths = paths or Paths.from_env()
        paths.ensure()
        config = config_mod.load(paths.config_file)
        registry = Registry.load(paths, [CATALOGUE_DIR])
        return cls(paths=paths, config=config, registry=registry)

    @classmethod
    def open_with_defaults(cls, paths: Paths | None = None) -> Home:
        """The default config in memory, the file left as it is (it failed to load)."""
        paths = paths or Paths.from_env()
        paths.ensure()
        return cls(paths=paths, config=Config(), registry=Registry.load(paths, [CATALOGUE_DIR]))


def slot_for_role(home: Home, role: str) -> ModelSlot:
    """The model the config names for an LLM role, ready to load lazily."""
    entry = home.registry.for_role(role, home.config)
    settings = home.config.llm.role(role)
    if entry.manifest.format != "gguf":
        raise ModelFileError(
            entry.path, f"{entry.id} is {entry.manifest.format}, not a GGUF chat model"
        )
    return ModelSlot(
        role=role,
        model_id=entry.id,
        llm=LlamaCppLLM(model_id=entry.id, path=entry.path, n_ctx=settings.context_length),
        params=_params(home.config, role),
        demo=entry.manifest.is_demo,
        load_eagerly=entry.manifest.load_policy == "eager",
        prepare=lambda: home.registry.verify(entry),
    )


def slot_for_file(home: Home, path: Path, role: str = "primary") -> ModelSlot:
    """A GGUF given by path (``domovoy chat --model FILE``): not registered, not checksummed."""
    settings = home.config.llm.role(role)
    path = path.expanduser().resolve()
    return ModelSlot(
        role=role,
        model_id=path.name,
        llm=LlamaCppLLM(model_id=path.name, path=path, n_ctx=settings.context_length),
        params=_params(home.config, role),
    )


def build_assistant(
    home: Home, bus: EventBus, *, model: str | None = None
) -> tuple[Assistant, DomovoyError | None]:
    """The assistant, and why it cannot chat yet (no model for the primary role) if so."""
    try:
        if model and (model.endswith(".gguf") or Path(model).expanduser().exists()):
            slot = slot_for_file(home, Path(model))
        elif model:
            entry = home.registry.get(model)
            home.config.llm.primary.id = entry.id
            slot = slot_for_role(home, "primary")
        else:
            slot = slot_for_role(home, "primary")
    except DomovoyError as exc:
        return Assistant(bus=bus, primary=None), exc
    return Assistant(bus=bus, primary=slot), None


def _params(config: Config, role: str) -> GenerationParams:
    settings = config.llm.role(role)
    return GenerationParams(
        max_tokens=settings.max_output_tokens,
        temperature=settings.temperature,
        top_p=settings.top_p,
    )
