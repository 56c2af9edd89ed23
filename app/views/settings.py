"""The settings panel's Qt-free side: the user edits a copy of the config; ``apply`` writes it to
the TOML file and puts it to work at once.

A role given another model gets a new slot: the old model finishes any reply it is writing, is
unloaded, and the new one loads in the background (RoleSwitched, then ModelLoading/ModelLoaded
say where it stands). Generation settings of a model that stays (temperature, top_p, output
length, reasoning effort) change in place, with nothing reloaded. The GPU choice counts from the
next load, the voice settings from the next time voice starts.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass

from app.assistant import Assistant
from app.home import Home
from app.wiring import remote_slot, slot_for_role
from core import config as config_mod
from core.config import ROLES, Config, LLMRoleConfig
from core.errors import DomovoyError, StorageError
from core.events import ModelLoadFailed, ModelUnloaded, RoleSwitched
from core.translatable import said
from llm.base import GenerationParams
from llm.remote import RemoteLLM
from llm.roles import ModelSlot

log = logging.getLogger(__name__)

CHOOSABLE_ROLES = ("primary", "secondary", "lightweight", "micro")
RELOAD_KEYS = ("id", "provider", "context_length", "load", "idle_unload_seconds")


@dataclass(frozen=True, slots=True)
class Applied:
    """What ``apply`` did, in words for the user, and which roles got another model."""

    switched: list[str]
    notes: list[str]
    restart_for: str = ""  # what needs a restart to take effect ("" when nothing does)


class Settings:
    def __init__(self, home: Home, assistant: Assistant | None = None) -> None:
        self.home = home
        self.assistant = assistant
        self._workers: list[threading.Thread] = []
        self._applying = threading.Lock()  # one apply at a time (the page, the voice bar)

    def draft(self) -> Config:
        """A copy to edit; nothing changes until ``apply``."""
        return self.home.config.model_copy(deep=True)

    def models_for(self, role: str) -> list[str]:
        """The installed models a role can take: GGUF chat models for the LLM roles, else the
        models made for that role (stt, tts)."""
        found = []
        for entry in self.home.registry.entries():
            if not entry.installed:
                continue
            manifest = entry.manifest
            if role in CHOOSABLE_ROLES:
                if manifest.format == "gguf" and "chat" in manifest.capabilities:
                    found.append(entry.id)
            elif manifest.role == role:
                found.append(entry.id)
        return sorted(found)

    def apply(self, new: Config) -> Applied:
        """Save ``new`` (atomically) and put it to work; the file is written first, so a failure
        to write changes nothing."""
        with self._applying:
            return self._apply(new)

    def _apply(self, new: Config) -> Applied:
        new = Config.model_validate(new.model_dump())  # every value checked, as on load
        file = self.home.paths.config_file
        try:
            config_mod.save(new, file)
        except OSError as exc:
            raise StorageError(
                f"the settings could not be saved to {file}: {exc.strerror or exc}",
                hint="free some disk space or check the folder's permissions; nothing changed",
            ) from exc
        old, self.home.config = self.home.config, new
        notes: list[str] = []
        switched: list[str] = []
        for role in ROLES:
            before, after = old.llm.role(role), new.llm.role(role)
            remote_changed = after.provider == "remote" and old.llm.remote != new.llm.remote
            if self.assistant is None or (before == after and not remote_changed):
                continue
            if remote_changed or any(getattr(before, k) != getattr(after, k) for k in RELOAD_KEYS):
                if self._switch(role, after):
                    switched.append(role)
            else:
                self._retune(role, after)
                notes.append(said("{0}: new generation settings apply from the next reply", role))
        if self.assistant is not None:
            self.assistant.effort = new.llm.primary.reasoning_effort
        if old.gpu != new.gpu:
            notes.append(said("GPU use changes from the next model load"))
        if old.audio != new.audio:
            notes.append(said("voice settings apply the next time voice starts"))
        if old.ui != new.ui:
            notes.append(said("the interface language changes at the next start"))
        if old.llm.remote != new.llm.remote:
            allowed = new.llm.remote.allowed
            notes.append(
                said("the remote provider may be used (messages are scrubbed of personal data)")
                if allowed
                else said("offline: nothing leaves this machine")
            )
        restart = "the interface language" if old.ui.language != new.ui.language else ""
        return Applied(switched, notes, restart)

    def adopt(self, model_id: str) -> list[str]:
        """A model just installed takes the roles the config gives it, now (a starter-kit
        model stood in for them); returns those roles. Speech and memory models are taken at
        their next start."""
        self.home.reload_registry()
        registry = self.home.registry
        if (
            self.assistant is None
            or model_id not in registry
            or not registry.get(model_id).installed
        ):
            return []
        taken = []
        with self._applying:
            for role in ROLES:
                settings = self.home.config.llm.role(role)
                slot = self.assistant.router.slots.get(role)
                if settings.id != model_id or settings.provider != "llama_cpp":
                    continue
                if (slot is None or slot.model_id != model_id) and self._switch(role, settings):
                    taken.append(role)
        return taken

    def wait(self, timeout: float = 60.0) -> None:
        """Until the background loads started by ``apply`` end (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        for worker in list(self._workers):
            worker.join(max(0.0, deadline - time.monotonic()))

    # --- roles ---------------------------------------------------------------------------------

    def _retune(self, role: str, settings: LLMRoleConfig) -> None:
        assert self.assistant is not None
        slot = self.assistant.router.slots.get(role)
        if slot is None:
            return
        slot.params = GenerationParams(
            max_tokens=settings.max_output_tokens,
            temperature=settings.temperature,
            top_p=settings.top_p,
        )
        slot.timeout_s = settings.timeout_s

    def _switch(self, role: str, settings: LLMRoleConfig) -> bool:
        """The role's new slot replaces the old one now; loading and unloading run behind."""
        assert self.assistant is not None
        slots = self.assistant.router.slots
        bus = self.assistant.bus
        old = slots.get(role)
        new: ModelSlot | None = None
        if settings.id:
            try:
                new = (
                    remote_slot(self.home, role)
                    if settings.provider == "remote"
                    else slot_for_role(self.home, role)
                )
            except DomovoyError as exc:
                bus.publish(ModelLoadFailed(model_id=settings.id, role=role, message=str(exc)))
                if not (old is not None and isinstance(old.llm, RemoteLLM)):
                    return False  # the old model keeps the role
                new = None  # consent withdrawn: the remote model must not answer again
        slots.replace(role, new)
        bus.publish(
            RoleSwitched(
                role=role,
                model_id=new.model_id if new else "",
                previous=old.model_id if old else "",
            )
        )
        worker = threading.Thread(
            target=self._replace, args=(old, new), name=f"domovoy-switch-{role}", daemon=True
        )
        self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()
        return True

    def _replace(self, old: ModelSlot | None, new: ModelSlot | None) -> None:
        """Unload the old model once it is idle (one card: never both at once), then load the
        new one."""
        assert self.assistant is not None
        bus = self.assistant.bus
        if old is not None and old.llm.loaded and not self._still_used(old):
            deadline = time.monotonic() + 120
            while not old.unload_if_idle() and old.llm.loaded and time.monotonic() < deadline:
                time.sleep(0.05)  # a reply it is writing ends first
            bus.publish(ModelUnloaded(model_id=old.model_id, role=old.role, resident_s=0.0))
        if new is not None:
            with contextlib.suppress(DomovoyError):  # ModelLoadFailed says why
                new.ensure_loaded(bus)

    def _still_used(self, slot: ModelSlot) -> bool:
        assert self.assistant is not None
        return self.assistant.router.slots.shared(slot)
