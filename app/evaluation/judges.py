"""Judges that are not the model under test (design seed §11, §19).

A judged metric (answer relevance, persona adherence) means something only when the judge is
another model: the installed models of the roles optional_moe, secondary, primary and
lightweight, in that order, each counted once and never the candidate. The first judges; the
second, where there is one, judges the same items, and ``judge_agreement`` compares the two.
A harmony model (gpt-oss) judges at high reasoning effort, the §19 judge path. With no
independent judge, the judged metrics are not measured, and the report says so.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from core.errors import DomovoyError
from core.events import EventBus
from llm.base import ChatMessage
from llm.big_model import JUDGE_SCHEMA, judge_prompt
from llm.roles import ModelSlot
from llm.router import Router
from llm.structured import ask_json

JUDGE_ROLES = ("optional_moe", "secondary", "primary", "lightweight")


class Judge:
    def __init__(self, bus: EventBus, slot: ModelSlot) -> None:
        self.model_id = slot.model_id
        self._router = Router(bus, {"optional_moe": slot})  # the deep chain: this model alone

    def __call__(self, question: str, answer: str, criteria: str) -> tuple[bool, float] | None:
        """The verdict and a 0–1 score; None when this judge gave none (a metric not measured)."""
        messages = [ChatMessage(role="user", content=judge_prompt(question, answer, criteria))]
        try:
            value, _ = ask_json(
                self._router, messages, JUDGE_SCHEMA, kind="deep", task="judge", retries=1,
                cancel=threading.Event(),
            )  # fmt: skip
        except DomovoyError:
            return None
        return bool(value["verdict"]), min(1.0, max(0.0, float(value["score"])))


def independent_judges(
    bus: EventBus, slots: Mapping[str, ModelSlot], candidate: str
) -> list[Judge]:
    """Up to two judges, each a model other than ``candidate``."""
    chosen: list[ModelSlot] = []
    for role in JUDGE_ROLES:
        slot = slots.get(role)
        if slot is None or slot.model_id == candidate:
            continue
        if any(s.model_id == slot.model_id for s in chosen):
            continue
        chosen.append(slot)
    return [Judge(bus, slot) for slot in chosen[:2]]
