"""Judges that are not the model under test (design seed §11, §19).

A judged metric (answer relevance, the persona's register, whether an answer keeps to what was
remembered) means something only when the judge is another model: the installed models of the
roles optional_moe, secondary, primary and lightweight, in that order, each counted once and
never the candidate. The update gate chooses them once, and the same judges score the baseline's
replies and the candidate's, so that the two columns of its table can be compared. The first
judges; the second, where there is one, judges the same items, and ``judge_agreement`` compares
the two. With no independent judge, the judged metrics are not measured, and the report says so.

How a judge answers:
- a plain model is asked a yes-or-no question and read once: the score is the probability it
  gives "Yes" against "No" (``Chooser``). A small model asked for a score as JSON writes
  ``{"verdict": true, "score": 1.0}`` for a right and a wrong answer alike; the probability of
  its first word separates them.
- a harmony model (gpt-oss) reasons before it answers: it is asked for JSON at high reasoning
  effort, the §19 judge path.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence

from app.home import Home
from core.errors import DomovoyError, GenerationError
from core.events import EventBus
from llm.base import ChatMessage, Chooser, GenerationParams
from llm.big_model import JUDGE_SCHEMA, judge_prompt
from llm.roles import ModelSlot
from llm.router import Router
from llm.structured import ask_json

JUDGE_ROLES = ("optional_moe", "secondary", "primary", "lightweight")
MAX_JUDGES = 2
SILENT_AFTER = 3  # verdicts in a row not given: the judge is not asked again in this run
YES, NO = "Yes", "No"


def yes_no_prompt(question: str, answer: str, criterion: str, context: str = "") -> str:
    """The judge's question: one reply, one criterion, answered Yes or No."""
    knew = f"What the assistant knew: {context}\n" if context else ""
    return (
        "Judge one reply of an assistant.\n\n"
        f"{knew}The user said: {question}\nThe assistant replied: {answer}\n\n"
        f"Criterion: {criterion}\nDoes the reply meet the criterion? Answer Yes or No."
    )


class Judge:
    def __init__(self, bus: EventBus, slot: ModelSlot) -> None:
        self.model_id = slot.model_id
        self._bus = bus
        self._slot = slot
        self._router = Router(bus, {"optional_moe": slot})  # the deep chain: this model alone
        self._plain = isinstance(slot.llm, Chooser)  # until it says it reasons first
        self._missed = 0  # verdicts in a row it could not give

    def __call__(
        self, question: str, answer: str, criterion: str, context: str = ""
    ) -> tuple[bool, float] | None:
        """The verdict and a 0–1 score; None when this judge gave none (a metric not measured).
        ``context``: what the assistant had to go by (the memories recalled for the turn)."""
        if self._missed >= SILENT_AFTER:
            return None  # it gave none so often that asking again only costs time
        verdict = self._verdict(question, answer, criterion, context)
        self._missed = 0 if verdict is not None else self._missed + 1
        return verdict

    def _verdict(
        self, question: str, answer: str, criterion: str, context: str
    ) -> tuple[bool, float] | None:
        if self._plain:
            try:
                p = self._yes(yes_no_prompt(question, answer, criterion, context))
                return p >= 0.5, p
            except GenerationError:
                self._plain = False  # a harmony model: it is asked for JSON from now on
            except DomovoyError:
                return None
        criteria = f"{criterion} (what the assistant knew: {context})" if context else criterion
        messages = [ChatMessage(role="user", content=judge_prompt(question, answer, criteria))]
        try:
            value, _ = ask_json(
                self._router, messages, JUDGE_SCHEMA, kind="deep", task="judge", retries=1,
                cancel=threading.Event(),
            )  # fmt: skip
        except DomovoyError:
            return None
        return bool(value["verdict"]), min(1.0, max(0.0, float(value["score"])))

    def close(self) -> None:
        """End the judge's model (its runner process); one shared with the run ends with it."""
        self._slot.llm.unload()

    def _yes(self, prompt: str) -> float:
        """P(Yes) against P(No) as the reply's first word, holding the GPU while it reads."""
        slot = self._slot
        assert isinstance(slot.llm, Chooser)
        messages = [
            ChatMessage(role="system", content="You are a careful, strict judge."),
            ChatMessage(role="user", content=prompt),
        ]
        slot.begin()
        lease = None
        try:
            if slot.scheduler is not None and slot.llm.uses_gpu:
                lease = slot.scheduler.acquire(f"judge:{slot.model_id}", timeout=slot.timeout_s)
            slot.ensure_loaded(self._bus)
            yes, no = slot.llm.choice_logprobs(messages, GenerationParams(), (YES, NO))
        finally:
            if lease is not None:
                lease.release()
            slot.end()
        if math.isinf(yes) and math.isinf(no):
            raise DomovoyError(f"{slot.model_id} gives neither {YES} nor {NO} any chance")
        return 1.0 / (1.0 + math.exp(no - yes))


def judge_roles(home: Home, candidate: str) -> list[str]:
    """The roles whose installed models judge ``candidate``: up to two, each model once, never
    the candidate itself."""
    roles: list[str] = []
    seen: set[str] = {candidate}
    for role in JUDGE_ROLES:
        settings = home.config.llm.role(role)
        if settings.provider == "remote" or (role != "primary" and not settings.id):
            continue
        player = home.registry.player_id(role, settings.id)
        if player is None or player in seen:
            continue
        seen.add(player)
        roles.append(role)
    return roles[:MAX_JUDGES]


def independent_judges(
    bus: EventBus, home: Home, roles: Sequence[str], running: Mapping[str, ModelSlot]
) -> list[Judge]:
    """A judge for each of ``roles`` as ``home`` (the config before the run changed it) casts
    them; a model already loaded for the run (``running``) is shared, not loaded twice."""
    from app.wiring import slot_for_role

    judges: list[Judge] = []
    for role in roles:
        player = home.registry.player_id(role, home.config.llm.role(role).id)
        same = next((s for s in running.values() if s.model_id == player), None)
        try:
            slot = slot_for_role(home, role, shares=same)
        except DomovoyError:
            continue  # a judge that cannot be had: its metrics are not measured
        slot.params = GenerationParams(temperature=0.0, seed=0, max_tokens=256)
        judges.append(Judge(bus, slot))
    return judges
