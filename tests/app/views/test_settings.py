"""Settings, Qt-free: a role switch is saved to the TOML file, loads the new model in the
background and unloads the old one; generation settings change in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.home import Home
from app.views.settings import Settings
from app.wiring import build_assistant
from core import config as config_mod
from core.errors import DomovoyError
from core.events import (
    EventBus,
    ModelLoaded,
    ModelLoadFailed,
    ModelUnloaded,
    RoleSwitched,
    TurnFinished,
)


@pytest.fixture
def home(demo_home: Home) -> Home:
    return demo_home


def test_switching_the_primary_role_loads_the_new_model_and_unloads_the_old(home: Home) -> None:
    bus = EventBus(strict=True)
    seen: list[object] = []
    for kind in (RoleSwitched, ModelLoaded, ModelUnloaded):
        bus.subscribe(kind, seen.append)
    assistant, problem = build_assistant(home, bus)
    assert problem is None
    old = assistant.router.slots["primary"]
    old.ensure_loaded(bus)
    settings = Settings(home, assistant)
    assert "demo-tiny-phi3" in settings.models_for("primary")
    assert "demo-tiny-emotion" not in settings.models_for("primary")

    draft = settings.draft()
    draft.llm.primary.id = "demo-tiny-phi3"
    applied = settings.apply(draft)
    settings.wait()

    assert applied.switched == ["primary"]
    new = assistant.router.slots["primary"]
    assert new.model_id == "demo-tiny-phi3" and new.llm.loaded
    assert not old.llm.loaded
    switched = [e for e in seen if isinstance(e, RoleSwitched)]
    assert switched == [
        RoleSwitched(role="primary", model_id="demo-tiny-phi3", previous=old.model_id)
    ]
    order = [
        type(e).__name__ for e in seen if not isinstance(e, ModelLoaded) or e.role == "primary"
    ]
    assert order[-3:] == ["RoleSwitched", "ModelUnloaded", "ModelLoaded"]  # one card: old out first
    assert config_mod.load(home.paths.config_file).llm.primary.id == "demo-tiny-phi3"

    finished: list[TurnFinished] = []
    bus.subscribe(TurnFinished, finished.append)
    assistant.submit("привет")
    assert assistant.wait(30)
    assert finished and finished[0].model_used == "demo-tiny-phi3"  # the chat uses it at once
    assistant.shutdown()


def test_generation_settings_change_in_place_without_a_reload(home: Home) -> None:
    assistant, _ = build_assistant(home, EventBus())
    slot = assistant.router.slots["primary"]
    settings = Settings(home, assistant)
    draft = settings.draft()
    draft.llm.primary.temperature = 0.15
    draft.llm.primary.max_output_tokens = 77
    draft.llm.primary.reasoning_effort = "high"
    applied = settings.apply(draft)
    assert applied.switched == []
    assert assistant.router.slots["primary"] is slot  # the same model, not reloaded
    assert (slot.params.temperature, slot.params.max_tokens) == (0.15, 77)
    assert assistant.effort == "high"
    saved = config_mod.load(home.paths.config_file)
    assert (saved.llm.primary.temperature, saved.llm.primary.max_output_tokens) == (0.15, 77)


def test_a_role_given_a_model_that_is_not_installed_keeps_its_model(home: Home) -> None:
    bus = EventBus()
    failures: list[object] = []
    bus.subscribe(ModelLoadFailed, failures.append)
    assistant, _ = build_assistant(home, bus)
    before = assistant.router.slots["primary"]
    settings = Settings(home, assistant)
    draft = settings.draft()
    draft.llm.primary.id = "gpt-oss-20b-q4km"  # in the catalogue, not downloaded
    applied = settings.apply(draft)
    assert applied.switched == []
    assert assistant.router.slots["primary"] is before
    assert failures and "gpt-oss-20b-q4km" in str(failures[0])


def test_emptying_an_optional_role_removes_its_slot(home: Home) -> None:
    assistant, _ = build_assistant(home, EventBus())
    assert "lightweight" in assistant.router.slots
    settings = Settings(home, assistant)
    draft = settings.draft()
    draft.llm.lightweight.id = None
    assert settings.apply(draft).switched == ["lightweight"]
    settings.wait()
    assert "lightweight" not in assistant.router.slots
    assert config_mod.load(home.paths.config_file).llm.lightweight.id is None


def test_a_config_that_cannot_be_written_changes_nothing(home: Home) -> None:
    assistant, _ = build_assistant(home, EventBus())
    settings = Settings(home, assistant)
    home.paths.config_file.unlink(missing_ok=True)
    home.paths.config_file.mkdir(parents=True)  # the file's place is taken: it cannot be written
    draft = settings.draft()
    draft.llm.primary.id = "demo-tiny-phi3"
    with pytest.raises(DomovoyError, match="could not be saved"):
        settings.apply(draft)
    assert assistant.router.slots["primary"].model_id == "demo-tiny-llama"
    assert home.config.llm.primary.id == "demo-tiny-llama"


def test_going_offline_takes_the_role_from_the_remote_provider_at_once(home: Home) -> None:
    from llm.remote import RemoteLLM

    home.config.llm.remote.enabled = True
    home.config.llm.remote.consent = True
    home.config.llm.secondary.id = "my-server-model"
    home.config.llm.secondary.provider = "remote"
    bus = EventBus()
    switched: list[RoleSwitched] = []
    bus.subscribe(RoleSwitched, switched.append)
    assistant, _ = build_assistant(home, bus)
    assert isinstance(assistant.router.slots["secondary"].llm, RemoteLLM)
    settings = Settings(home, assistant)
    draft = settings.draft()
    draft.llm.remote.enabled = False  # the offline switch
    settings.apply(draft)
    settings.wait()
    assert "secondary" not in assistant.router.slots  # nothing can leave the machine now
    assert switched[-1] == RoleSwitched(role="secondary", model_id="", previous="my-server-model")
    assert not config_mod.load(home.paths.config_file).llm.remote.allowed


def test_a_model_installed_while_the_app_runs_takes_the_role_the_config_gives_it(
    home: Home, tiny_models: dict[str, Path]
) -> None:
    from models.install import add_model

    home.config.llm.lightweight.id = "new-light"  # chosen, not installed yet
    bus = EventBus(strict=True)
    seen: list[RoleSwitched] = []
    bus.subscribe(RoleSwitched, seen.append)
    assistant, _ = build_assistant(home, bus)
    before = assistant.router.slots.get("lightweight")
    assert before is None or before.model_id != "new-light"
    settings = Settings(home, assistant)
    assert settings.adopt("new-light") == []  # nothing there yet: nothing changes
    add_model(home.paths, tiny_models["phi3"], model_id="new-light", role="lightweight")
    assert settings.adopt("new-light") == ["lightweight"]  # a pull just put it in place
    settings.wait()
    assert assistant.router.slots["lightweight"].model_id == "new-light"
    assert [e.model_id for e in seen] == ["new-light"]
    assert settings.adopt("new-light") == []  # it plays the role already
