"""The Assistant: one conversation's turns, Qt-free, reported as events on the bus.

``submit`` returns at once; the turn runs on a worker thread. The router picks the model (and
falls back along the chain when it cannot answer); the prompt is built for the model that
answers, fitted to its context before it is asked (app/context_fit.py: the oldest turns are
summarized, never silently dropped). The answer streams as TokenStreamed events, a harmony
model's reasoning as ReasoningStreamed; the turn ends with TurnFinished (model used, why it was
that one, timings) or TurnFailed (a message that says what to do).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from app.context_fit import ContextFit
from app.conversation import Conversation
from app.tool_round import ToolRound
from app.turn import Turn
from core.errors import DomovoyError, InputError
from core.events import (
    ConversationStarted,
    EventBus,
    ReasoningStreamed,
    ReplyCutOff,
    Timings,
    TokenStreamed,
    TurnFailed,
    TurnFinished,
    TurnRetracted,
    TurnStarted,
)
from core.quiet import Quiet
from core.translatable import said
from llm.base import ChatMessage, CutOff, Effort, Output, ToolCallRequest
from llm.prompt import PromptBuilder, TurnContext
from llm.roles import ModelSlot, Roles
from llm.router import Kind, Router
from llm.tool_step import ToolStep

log = logging.getLogger(__name__)

ContextSource = Callable[[str], TurnContext]
S = TypeVar("S")
MAX_TOOL_ROUNDS = 2  # a model that keeps calling tools answers from what it has after this


class Service(Protocol):
    """Background work that lives as long as the assistant (idle unloading, the big model's
    task queue): started by ``start``, stopped by ``shutdown``."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Assistant:
    def __init__(
        self,
        *,
        bus: EventBus,
        slots: Mapping[str, ModelSlot],
        router: Router | None = None,
        prompts: PromptBuilder | None = None,
        context: ContextSource | None = None,
        effort: Effort = "low",
        tools: ToolStep | None = None,
        services: Sequence[Service] = (),
        quiet: Quiet | None = None,
    ) -> None:
        self.bus = bus
        self.router = router or Router(bus, slots)
        self.prompts = prompts or PromptBuilder()
        self.context: ContextSource = context or (lambda text: TurnContext())
        self.conversation = Conversation()
        self.effort: Effort = effort  # reasoning effort for dialogue (§19: low)
        self.tools = tools
        self.services = list(services)
        self.quiet = quiet or Quiet()  # a turn runs: warm-ups in the background wait
        self._turn_id = 0
        self._cancel = threading.Event()
        self._worker: threading.Thread | None = None
        self._fit = ContextFit(bus, self.router, self.prompts, self.conversation)
        self._tools = ToolRound(bus, tools)

    def service(self, kind: type[S]) -> S | None:
        """The running service of that kind (the chat log, the companion), if there is one."""
        return next((s for s in self.services if isinstance(s, kind)), None)

    @property
    def history(self) -> list[ChatMessage]:
        """The conversation's messages (a copy: they change through this class's methods)."""
        return self.conversation.messages

    @property
    def summary(self) -> str:
        return self.conversation.summary

    @property
    def slots(self) -> Roles:
        return self.router.slots

    @property
    def primary(self) -> ModelSlot | None:
        return self.router.slots.get("primary")

    @property
    def ready_to_chat(self) -> bool:
        return bool(self.router.chain("conversation")[0])

    @property
    def busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def start(self) -> None:
        """Load eager models in the background; the caller (the window) never waits."""
        for service in self.services:
            service.start()
        if self.tools is not None:
            threading.Thread(target=self._warm_tools, name="domovoy-intent", daemon=True).start()
        for slot in self.slots.values():
            if slot.load_eagerly:
                threading.Thread(
                    target=self._load_quietly, args=(slot,), name="domovoy-eager", daemon=True
                ).start()

    def submit(self, text: str, kind: Kind = "conversation") -> Turn:
        """Start a turn; returns its handle at once (its words, how it ended). The turn's
        events go to the bus as well, for the window."""
        text = text.strip()
        if not text:
            raise InputError(said("the message is empty: type something to say"))
        if self.busy:
            raise InputError(said("a reply is still being written: wait for it or press Stop"))
        self._turn_id += 1
        self.conversation.asked(text)
        self._cancel = threading.Event()
        turn = Turn(self._turn_id, text)
        self._worker = threading.Thread(
            target=self._run_turn,
            args=(turn, kind, self._cancel),
            name=f"domovoy-turn-{self._turn_id}",
            daemon=True,
        )
        self._worker.start()
        return turn

    def retry(self, text: str | None = None) -> Turn:
        """Regenerate the last reply (``text`` None), or ask the last question again as the
        user edited it: the last exchange is taken back (history, log, window: TurnRetracted)
        and the question goes as a new turn."""
        if self.busy:
            raise InputError(said("a reply is still being written: wait for it or press Stop"))
        last = self.last_question
        if last is None:
            raise InputError(said("there is no question to ask again yet: type one"))
        if text is not None and not text.strip():
            raise InputError(said("the message is empty: type something to say"))
        self.conversation.take_back(last)
        self.bus.publish(TurnRetracted(text=last))
        return self.submit(last if text is None else text)

    @property
    def last_question(self) -> str | None:
        """The question of the last turn of this conversation (answered or not)."""
        return self.conversation.last_question

    def stop(self) -> None:
        """Cancel the reply being written; what was written so far is kept."""
        self._cancel.set()

    def new_conversation(self, title: str = "") -> None:
        """Stop the reply being written (it is kept in the old conversation) and start afresh."""
        self._switch([], ConversationStarted(title=title))

    def resume_conversation(self, conversation_id: str, history: Sequence[ChatMessage]) -> None:
        """Go back to a kept conversation: its messages become the history again."""
        self._switch(history, ConversationStarted(conversation_id=conversation_id))

    def _switch(self, history: Sequence[ChatMessage], event: ConversationStarted) -> None:
        self.stop()
        self.wait(timeout=10)
        self.conversation.replace(history)
        self.bus.publish(event)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current turn ends (CLI and tests); False on timeout."""
        worker = self._worker
        if worker is None:
            return True
        worker.join(timeout)
        return not worker.is_alive()

    def shutdown(self) -> None:
        self.quiet.close()  # background work waits no longer: writes are committed now
        self.stop()
        self.wait(timeout=10)
        for service in self.services:
            service.stop()
        for slot in self.slots.values():
            slot.llm.unload()

    def _warm_tools(self) -> None:
        try:
            assert self.tools is not None
            self.quiet.wait()
            self.tools.warm_up()
        except Exception:  # the first turn tries again and reports what fails
            log.exception("the intent classifier could not be prepared")

    def _load_quietly(self, slot: ModelSlot) -> None:
        # A failure is published as ModelLoadFailed; the next turn tries again and says why.
        with contextlib.suppress(DomovoyError):
            slot.ensure_loaded(self.bus)
            if slot.role == "primary":
                self.prefill()

    @property
    def voice(self) -> bool:
        return self.prompts.voice

    def set_voice_mode(self, on: bool) -> None:
        """Spoken replies (short, no Markdown), generated on every core: a spoken reply waits
        on each token of its first sentence, and the window is not being typed in meanwhile."""
        from llm.threads import batch_threads

        self.prompts.voice = on
        self.router.threads = batch_threads() if on else None

    def amend_last_reply(self, text: str) -> None:
        """The last reply was not all heard (barge-in): the history keeps what was."""
        self.conversation.amend_last_reply(text)

    def reset(self) -> None:
        """Forget this conversation (history, summary, last question) without announcing a new
        one: the evaluation's and the benchmarks' fresh start."""
        self.stop()
        self.wait(timeout=10)
        self.conversation.replace()

    def prefill(self) -> None:
        """Have the primary read the system prompt and history now, not when the next question
        comes (after a load, or when the prompt changed: voice mode on)."""
        slot = self.primary
        if slot is None or not slot.llm.loaded or self.busy:
            return
        history, summary = self.conversation.state()
        prompt = self.prompts.build(history, "", summary=summary)
        with contextlib.suppress(DomovoyError):
            slot.llm.prefill(prompt.messages, slot.params)

    # --- a turn --------------------------------------------------------------------------------

    def _run_turn(self, turn: Turn, kind: Kind, cancel: threading.Event) -> None:
        with self.quiet.busy():
            try:
                turn.end(self._answer(turn, kind, cancel))
            finally:  # whatever happened, the turn's holder is never left waiting
                turn.end(TurnFailed(turn_id=turn.id, message="the turn ended without a word"))

    def _answer(self, turn: Turn, kind: Kind, cancel: threading.Event) -> TurnFinished | TurnFailed:
        turn_id, text = turn.id, turn.text
        self.bus.publish(TurnStarted(turn_id=turn_id, text=text))
        start = time.perf_counter()
        answer: list[str] = []
        reasoning: list[str] = []
        requested: list[ToolCallRequest] = []
        cut_off: list[str] = []  # what models that crashed mid-reply had said
        first_at: list[float] = []  # when the user saw the first word (recall and tools included)

        def on_output(output: Output) -> None:
            if isinstance(output, ToolCallRequest):
                requested.append(output)
                return
            if isinstance(output, CutOff):  # the next model answers again: this was not it
                partial = "".join(answer)
                cut_off.append(partial)
                answer.clear()
                cut = ReplyCutOff(
                    turn_id=turn_id,
                    model_id=output.model_id,
                    partial=partial,
                    message=output.message,
                )
                turn.cut(cut)
                self.bus.publish(cut)
                return
            if not first_at:
                first_at.append(time.perf_counter())
            if output.channel == "final":
                answer.append(output.text)
                self.bus.publish(TokenStreamed(turn_id=turn_id, text=output.text))
                turn.wrote(output.text)
            else:
                reasoning.append(output.text)
                self.bus.publish(
                    ReasoningStreamed(turn_id=turn_id, text=output.text, channel=output.channel)
                )

        tools_json = (
            json.dumps(self.tools.registry.openai_tools(), ensure_ascii=False)
            if self.tools is not None
            else None
        )  # a harmony model's template lists them: it may call one itself
        try:
            context = self._tools.before(turn_id, text, self.context(text), voice=self.voice)
            messages, fitted_for = self._fit.messages(turn_id, text, context, kind)
            for _round in range(MAX_TOOL_ROUNDS + 1):
                requested.clear()
                answered = self.router.run(
                    kind,
                    messages,
                    on_output,
                    cancel,
                    task="dialogue",
                    effort=self.effort,
                    tools_json=tools_json,
                    fitted_for=fitted_for,
                )
                if not requested or answer or cancel.is_set() or self.tools is None:
                    break
                messages = [*messages, *self._tools.requested(turn_id, requested)]
        except DomovoyError as exc:
            log.warning("turn %d failed: %s", turn_id, exc)
            return self._failed(
                TurnFailed(turn_id=turn_id, message=str(exc), partial="".join(cut_off + answer))
            )
        except Exception as exc:  # a bug must end the turn with a message, never kill the app
            log.exception("turn %d failed unexpectedly", turn_id)
            return self._failed(TurnFailed(turn_id=turn_id, message=f"internal error: {exc!r}"))
        reply = "".join(answer)
        self.conversation.answered(text, reply)
        slot = answered.slot
        finished = TurnFinished(
            turn_id=turn_id,
            text=reply,
            reasoning="".join(reasoning),
            model_used=slot.model_id,
            role=slot.role,
            timings=Timings(
                load_ms=answered.load_ms,
                first_token_ms=(
                    (first_at[0] - start) * 1000 if first_at else answered.first_output_ms
                ),
                total_ms=(time.perf_counter() - start) * 1000,
                tokens=len(answer) + len(reasoning),
            ),
            cancelled=cancel.is_set(),
            fallback_reason=answered.fallback_reason,
            demo=slot.demo,
            prompt_version=self.prompts.version,
            cut_off="\n".join(p for p in cut_off if p),
        )
        self.bus.publish(finished)
        return finished

    def _failed(self, failed: TurnFailed) -> TurnFailed:
        self.bus.publish(failed)
        return failed
