import threading
import time

from core.events import Event, EventBus, ModelUnloaded
from llm.base import ChatMessage
from llm.fake import FakeLLM
from llm.idle_unload import IdleUnloader
from llm.roles import ModelSlot
from llm.router import Router

HELLO = [ChatMessage(role="user", content="hi")]


def test_an_on_demand_model_nobody_uses_is_unloaded_after_its_idle_time() -> None:
    now = [1000.0]
    bus = EventBus(strict=True)
    events: list[Event] = []
    bus.subscribe(ModelUnloaded, events.append)
    light = FakeLLM(model_id="phi")
    eager = FakeLLM(model_id="big")
    slots = {
        "lightweight": ModelSlot(role="lightweight", model_id="phi", llm=light, idle_unload_s=300),
        "primary": ModelSlot(
            role="primary", model_id="big", llm=eager, load_eagerly=True, idle_unload_s=300
        ),
    }
    unloader = IdleUnloader(bus, slots, clock=lambda: now[0])
    for slot in slots.values():
        slot.ensure_loaded(bus)
    slots["lightweight"].last_used = 1000.0
    now[0] = 1200.0
    assert unloader.tick() == [] and light.loaded  # used 200 s ago: stays
    now[0] = 1301.0
    assert unloader.tick() == ["phi"] and not light.loaded
    assert eager.loaded  # an eager model stays
    assert isinstance(events[0], ModelUnloaded) and events[0].resident_s == 301.0


def test_a_working_model_or_one_kept_resident_is_not_unloaded() -> None:
    now = [0.0]
    bus = EventBus(strict=True)
    slot = ModelSlot(
        role="optional_moe", model_id="moe", llm=FakeLLM(model_id="moe"), idle_unload_s=10
    )
    keep = [True]
    unloader = IdleUnloader(
        bus, {"optional_moe": slot}, clock=lambda: now[0], keep_resident=lambda s: keep[0]
    )
    slot.ensure_loaded(bus)
    now[0] = 100.0
    assert unloader.tick() == []  # the residency rule keeps it
    keep[0] = False
    slot.begin()
    assert unloader.tick() == []  # it is answering
    slot.end()
    now[0] = time.monotonic() + 100  # nobody used it for 100 s after that reply
    assert unloader.tick() == ["moe"]


def test_an_unloaded_model_loads_again_on_its_next_use() -> None:
    bus = EventBus(strict=True)
    fake = FakeLLM(["again"], model_id="phi")
    slot = ModelSlot(role="lightweight", model_id="phi", llm=fake, idle_unload_s=1)
    router = Router(bus, {"lightweight": slot})
    router.run("quick", HELLO, lambda o: None, threading.Event())
    fake.unload()
    router.run("quick", HELLO, lambda o: None, threading.Event())
    assert fake.loaded and slot.last_used > 0
