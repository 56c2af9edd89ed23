"""Which model answers (design seed §3.1), and the fallback chain when it cannot.

Request kinds map to roles: a conversation with full context goes to the primary, a
latency-critical request (or any request while the machine is under pressure) to the lightweight
model, an A/B comparison to the secondary, a yes/no check to the micro model. When the chosen
model cannot load, fails, or stays silent past its role's timeout before it has said anything,
the request moves to the next model in the chain (primary → lightweight → a clear error). Once a
model has started answering, a failure ends the turn with what was said and a message, except a
crash: a model whose runner died mid-reply is cut off (a CutOff in the stream, after what it said)
and the next model answers the same question.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections.abc import Callable, Collection, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from core.errors import DomovoyError, GenerationError, ModelCrashedError, NoModelForRoleError
from core.events import EventBus
from core.scheduler import Lease, Priority
from llm.base import ChatMessage, CutOff, Effort, GenerationParams, Output
from llm.prompt import fit
from llm.roles import ModelSlot, Roles

Kind = Literal["conversation", "quick", "compare", "deep"]
ROLE_FOR_KIND: dict[Kind, str] = {
    "conversation": "primary",
    "quick": "lightweight",
    "compare": "secondary",
    "deep": "optional_moe",  # judging, planning, long context (§19)
}
Task = Literal["dialogue", "summary", "plan", "judge", "logic"]
# Reasoning effort by use case (design seed §19): dialogue low for latency, long summaries
# medium, structured planning medium/high, hard logic high. Only harmony models use it.
EFFORT: dict[Task, Effort] = {
    "dialogue": "low",
    "summary": "medium",
    "plan": "high",
    "judge": "high",
    "logic": "high",
}
FALLBACKS: dict[str, tuple[str, ...]] = {
    "optional_moe": ("primary", "lightweight"),
    "primary": ("lightweight",),
    "secondary": ("primary", "lightweight"),
    "micro": ("lightweight",),
    "lightweight": (),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered:
    """Who answered a request, and why it was not the first choice."""

    slot: ModelSlot
    load_ms: float
    first_output_ms: float
    fallback_reason: str = ""


class Router:
    def __init__(
        self,
        bus: EventBus,
        slots: Mapping[str, ModelSlot],
        *,
        pressure: Callable[[], str | None] = lambda: None,
    ) -> None:
        # CPU threads for generation, for every model (None: each backend's default); voice
        # mode asks for every core, since a spoken reply waits on each token
        self.threads: int | None = None
        self.bus = bus
        self.slots = slots if isinstance(slots, Roles) else Roles(slots)
        self.pressure = pressure

    def chain(self, kind: Kind) -> tuple[list[ModelSlot], str]:
        """The slots to try in order, and why the first choice was passed over (if it was)."""
        role = ROLE_FOR_KIND[kind]
        reason = ""
        under_pressure = self.pressure() if role == "primary" else None
        if under_pressure and "lightweight" in self.slots:
            reason = f"{under_pressure}: the lightweight model answers"
            role = "lightweight"
        roles = [role, *FALLBACKS.get(role, ())]
        if role != ROLE_FOR_KIND[kind]:
            roles.append(ROLE_FOR_KIND[kind])
        seen: list[ModelSlot] = []
        for r in roles:
            slot = self.slots.get(r)
            if slot is not None and all(s is not slot for s in seen):
                seen.append(slot)
        return seen, reason

    def run(
        self,
        kind: Kind,
        messages: Sequence[ChatMessage],
        on_output: Callable[[Output], None],
        cancel: threading.Event,
        *,
        task: Task = "dialogue",
        effort: Effort | None = None,
        json_schema: str | None = None,
        tools_json: str | None = None,
        exclude: Collection[str] = (),
        fitted_for: str | None = None,
        priority: Priority | None = None,
    ) -> Answered:
        """Stream the first model of the chain that answers; raise when none can.

        ``messages`` are ready: the caller built (and compacted) them for ``fitted_for``; any
        other model that answers reads them with the oldest exchanges left out where its
        context is smaller (``llm.prompt.fit``). Nothing calls back out of the router.
        ``effort`` (else the task's, §19) is the reasoning effort a harmony model is asked for.
        ``exclude``: model ids passed over (they answered, but not usefully: invalid JSON).
        ``priority``: the GPU lease's, where not the slot's (background work: summaries).
        """
        slots, reason = self.chain(kind)
        slots = [s for s in slots if s.model_id not in exclude]
        effort = effort or EFFORT[task]
        if not slots:
            raise NoModelForRoleError(ROLE_FOR_KIND[kind])
        failures: list[str] = []
        errors: list[DomovoyError] = []
        for slot in slots:
            start = time.perf_counter()
            params = dataclasses.replace(
                slot.params,
                reasoning_effort=effort,
                json_schema=json_schema,
                tools_json=tools_json,
                threads=self.threads or slot.params.threads,
            )
            fit_here = slot.model_id != fitted_for
            stream = _Attempt(
                self.bus, slot, messages, cancel, params, fit=fit_here, priority=priority
            )
            first_ms = 0.0
            said_anything = False
            try:
                for output in stream.outputs():
                    if not said_anything:
                        first_ms = (time.perf_counter() - start) * 1000
                        said_anything = True
                    on_output(output)
            except DomovoyError as exc:
                crashed = isinstance(exc, ModelCrashedError)
                if cancel.is_set() or (said_anything and not crashed):
                    raise
                if said_anything:
                    on_output(CutOff(model_id=slot.model_id, message=str(exc)))
                failures.append(f"{slot.role} model {slot.model_id} — {_first_line(exc)}")
                errors.append(exc)
                continue
            why = "; ".join([*([reason] if reason else []), *failures])
            return Answered(
                slot=slot, load_ms=stream.load_ms, first_output_ms=first_ms, fallback_reason=why
            )
        if len(errors) == 1:
            raise errors[0]  # the one model's own message says best what to do
        raise GenerationError(
            "no model could answer:\n"
            + "\n".join(
                f"  {f}" + (f" → {e.hint}" if e.hint else "")
                for f, e in zip(failures, errors, strict=True)
            ),
            hint="`domovoy doctor` shows which models are installed and whether they fit",
        )


class _Attempt:
    """One model's try. Loading and the first output happen on a helper thread, so that a
    silent model can be given up on after its timeout; once the model has answered, the rest of
    the stream is read on the caller's thread (no hand-off per token: on a small machine an extra
    runnable thread per token steals a core from llama.cpp's worker threads)."""

    def __init__(
        self,
        bus: EventBus,
        slot: ModelSlot,
        messages: Sequence[ChatMessage],
        cancel: threading.Event,
        params: GenerationParams,
        *,
        fit: bool,
        priority: Priority | None,
    ) -> None:
        self.slot = slot
        self._params = params
        self.load_ms = 0.0
        self._bus = bus
        self._messages = messages
        self._fit = fit
        self._priority = slot.priority if priority is None else priority
        self._cancel = cancel
        self._mine = threading.Event()  # stops this attempt without cancelling the turn
        self._queue: queue.Queue[object] = queue.Queue()
        self._lease: Lease | None = None

    def outputs(self) -> Iterator[Output]:
        self.slot.begin()
        worker = threading.Thread(target=self._start, name=f"domovoy-{self.slot.role}", daemon=True)
        worker.start()
        timeout = self.slot.timeout_s
        try:
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                self._mine.set()
                self._close_late_start()
                raise GenerationError(
                    f"no answer within {timeout:g} s (the role's timeout_s)"
                ) from None
            if isinstance(item, BaseException):
                raise item
            first, stream = cast(tuple[Output | None, Generator[Output, None, None]], item)
            if first is None:
                return
            yield first
            try:
                yield from stream
            except DomovoyError:
                raise
            except Exception as exc:  # a bug in a backend ends the turn with a message
                raise GenerationError(f"{type(exc).__name__}: {exc}") from exc
            finally:
                stream.close()
        finally:
            self._release()  # the GPU is free again once the answer has ended, however it ended
            self.slot.end()

    def _start(self) -> None:
        stop = _EitherEvent(self._cancel, self._mine)
        try:
            if self.slot.scheduler is not None and self.slot.llm.uses_gpu:
                self._lease = self.slot.scheduler.acquire(
                    f"llm:{self.slot.model_id}",
                    priority=self._priority,
                    timeout=self.slot.timeout_s,
                )
                if self._mine.is_set():  # given up on while waiting for the GPU
                    self._release()
                    return
            self.load_ms = self.slot.ensure_loaded(self._bus)
            messages = self._fitted() if self._fit else self._messages
            stream = self.slot.llm.stream(messages, self._params, stop)
            first = next(stream, None)
        except DomovoyError as exc:
            self._release()
            self._queue.put(exc)
            return
        except Exception as exc:  # a bug in a backend must end the attempt, not hang the turn
            self._release()
            self._queue.put(GenerationError(f"{type(exc).__name__}: {exc}"))
            return
        if self._mine.is_set():  # given up on meanwhile: free the model for the next one
            stream.close()
            self._release()
            return
        self._queue.put((first, stream))

    def _fitted(self) -> Sequence[ChatMessage]:
        llm, params = self.slot.llm, self._params
        return fit(
            self._messages,
            lambda m: llm.count_tokens(m, params),
            llm.context_length,
            params.max_tokens,
            self.slot.model_id,
        )

    def _release(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()

    def _close_late_start(self) -> None:
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return
        if isinstance(item, tuple):
            item[1].close()


class _EitherEvent:
    """Looks like a threading.Event to a backend; set when either event is."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        self._a, self._b = a, b

    def is_set(self) -> bool:
        return self._a.is_set() or self._b.is_set()


def _first_line(exc: DomovoyError) -> str:
    return exc.message.splitlines()[0] if exc.message else type(exc).__name__
