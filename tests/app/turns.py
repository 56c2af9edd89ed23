"""What the Assistant's tests share: an event recorder and a one-model assistant."""

import threading

from app.assistant import Assistant
from core.events import Event, EventBus
from llm.fake import FakeLLM
from llm.llama_cpp import LlamaCppLLM
from llm.roles import ModelSlot


class Recorder:
    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()
        bus.subscribe(Event, self._add)

    def _add(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]


def make(llm: FakeLLM | LlamaCppLLM, **slot: object) -> tuple[Assistant, Recorder]:
    bus = EventBus(strict=True)
    recorder = Recorder(bus)
    primary = ModelSlot(role="primary", model_id=llm.model_id, llm=llm, **slot)  # type: ignore[arg-type]
    return Assistant(bus=bus, slots={"primary": primary}), recorder
