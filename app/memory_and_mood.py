"""Memory and mood around each turn (Qt-free): what the assistant recalls and how it feels goes
into the prompt; what was said is remembered; the mood follows the conversation.

The memory folder is opened (and its index health-checked) on a background thread at start; until
then a turn simply recalls nothing. Writes go through one writer thread, in order, and each is
acknowledged by a MemoryWritten event only after it is committed.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable

from core.durable_writes import DurableWrites
from core.events import (
    EventBus,
    MemoryNotice,
    MemoryWritten,
    MigrationProgress,
    TurnFinished,
    TurnStarted,
)
from core.quiet import Quiet
from core.translatable import said
from llm.prompt import TurnContext
from memory.embeddings import Embedder, english_only_notice
from memory.emotion import EmotionalState, EmotionClassifier, Reading
from memory.recall import importance_heuristic, worth_attention
from memory.reflection import MemoryKeeper
from memory.service import MemoryService

log = logging.getLogger(__name__)
QUIET_WAIT_S = 120.0  # the longest a write waits for a turn to end (a reply that goes on and on)
USER_WEIGHT = 0.35  # how much one message of the user moves the mood
OWN_WEIGHT = 0.12  # and one of domovoy's own replies
SECOND_OPINION_WEIGHT = 0.2  # the lightweight model's reading of an unsure message, after it
# A message sent just after the start waits this long for the memory to open (once), so that
# its answer can recall what the user said before; then it goes without, and says so in the log.


class MemoryAndMood:
    def __init__(
        self,
        bus: EventBus,
        memory: MemoryService | None,
        mood: EmotionalState,
        reader: EmotionClassifier,
        *,
        keeper: MemoryKeeper | None = None,
        recall_k: int = 5,
        pressure: Callable[[], str | None] = lambda: None,
        quiet: Quiet | None = None,
    ) -> None:
        self.bus = bus
        self.quiet = quiet or Quiet()  # warm-ups, writes and readings wait for a running turn
        self.memory = memory
        self.mood = mood
        self.reader = reader
        self.keeper = keeper
        self.recall_k = recall_k
        self.pressure = pressure
        self.conversation = uuid.uuid4().hex[:12]
        self.ready = threading.Event()  # the memory is open
        self.settled = threading.Event()  # opening has ended, either way (problem says why not)
        self.warm = threading.Event()  # the embedder and the readers are loaded (or failed to)
        self.problem = ""
        self.notice = ""  # what the user was told about their memory (MemoryNotice)
        self.writes = DurableWrites(bus, said("the memory"))
        self._inbox: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.last_recalled: list[str] = []  # ids recalled for the latest turn (evals read it)
        self.last_context: tuple[str, ...] = ()  # and the lines of them the prompt carried
        self._felt: dict[str, Reading] = {}  # user messages read before their prompt was built
        bus.subscribe(TurnStarted, self._user_spoke)
        bus.subscribe(TurnFinished, self._assistant_spoke)

    # --- Service ---------------------------------------------------------------------------------

    def start(self) -> None:
        for target, name in (
            (self._open, "domovoy-memory-open"),
            (self._write_loop, "domovoy-memory"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Shutdown: finish pending writes, save the mood, close the store."""
        self._stopping.set()
        self._inbox.put(None)
        for thread in self._threads:
            thread.join(timeout=30)
        self.mood.save()
        if self.memory is not None and self.ready.is_set():
            self.writes.close()
            self.memory.close()

    def _open(self) -> None:
        if self.memory is None:
            self.problem = "there is no memory store"
            self.settled.set()
            return
        try:
            self.quiet.wait(timeout=QUIET_WAIT_S)
            self.memory.open()
            self.ready.set()
        except Exception as exc:  # the conversation goes on without memory, and says why
            self.problem = str(exc)
            log.exception("memory could not be opened")
            return
        finally:
            self.settled.set()
        self._warm_up()

    def _warm_up(self) -> None:
        """Load the embedder, the entity pipeline, the emotion reader and what the user said
        changed now, in the background, so that the first reply does not wait for them."""
        assert self.memory is not None
        try:
            self.quiet.wait()
            self.memory.embedder.embed(["warm-up"], "query")
            if self.memory.entities is not None:
                self.memory.entities.extract("warm-up")
            self.reader.read("warm-up")
            for embedder in (self.memory.embedder, self.memory.fallback):  # (under pressure)
                if embedder is not None:
                    self.memory.changes.load(embedder)
        except Exception:  # the first turn loads them instead, and says what fails
            log.exception("memory warm-up failed")
        finally:
            self.warm.set()

    # --- around a turn -------------------------------------------------------------------------

    def context(self, text: str) -> TurnContext:
        memories: tuple[str, ...] = ()
        profile = ""
        self.last_recalled, self.last_context = [], ()
        if self.memory is not None and (self.ready.is_set() or self._threads):
            try:
                light = self.pressure() is not None
                # Until the index is checked and the embedder warm (seconds at a cold start),
                # recall goes by the words in SQLite, the source of truth: a first question
                # neither waits for them nor is answered as if nothing had been said before.
                words_only = not (self.ready.is_set() and self.warm.is_set())
                found = self.memory.recall(text, self.recall_k, light=light, words_only=words_only)
                found = worth_attention(found)
                self.last_recalled = [r.memory.id for r in found]
                memories = tuple(r.line() for r in found)
                self.last_context = memories
                profile = self.keeper.summary() if self.keeper is not None else ""
            except Exception:  # recall failing must not cost the answer
                log.exception("recall failed")
        return TurnContext(memories=memories, mood=self._feel(text), profile=profile)

    def _feel(self, text: str) -> str:
        """The mood for this turn, with the message read first (quickly: no language model),
        so that the prompt carries how this message felt, not the last one."""
        try:
            reading = self.reader.quick_read(text)
            self.mood.observe(reading, weight=USER_WEIGHT)
            self._felt[text] = reading
        except Exception:
            log.exception("the mood could not be read")
        return self.mood.felt()

    def _user_spoke(self, e: TurnStarted) -> None:
        self._inbox.put(("user", e.text))

    def _assistant_spoke(self, e: TurnFinished) -> None:
        if e.text.strip() and not e.demo:  # a demo model's noise is neither felt nor remembered
            self._inbox.put(("assistant", e.text))

    def migrate(self, target: Embedder) -> threading.Thread:
        """Re-index with ``target`` in the background, with progress events; recall switches
        to it only once it is complete."""

        def work() -> None:
            if self.memory is None:
                return
            self.ready.wait()
            model_id = target.info.model_id

            def progress(done: int, total: int) -> None:
                self.bus.publish(MigrationProgress(model_id=model_id, done=done, total=total))

            if self.memory.migrate(target, progress=progress, stop=self._stopping):
                self.memory.switch_to(target)
                total = self.memory.store.count()
                self.bus.publish(
                    MigrationProgress(model_id=model_id, done=total, total=total, complete=True)
                )

        thread = threading.Thread(target=work, name="domovoy-migrate", daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def _rate(self, text: str, speaker: str) -> float | None:
        """The model rates what may matter; the heuristic rates the rest (None: heuristic)."""
        if self.keeper is None or speaker != "user" or importance_heuristic(text, speaker) < 5:
            return None
        return self.keeper.rate(text)

    def drain(self, timeout: float = 120.0) -> None:
        """Wait until every pending write (and mood reading) is done."""
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while self._inbox.unfinished_tasks and not deadline.wait(0.02):
                pass
        finally:
            timer.cancel()

    def _write_loop(self) -> None:
        """Off the turn's path: reading the mood may ask the lightweight model."""
        while (item := self._inbox.get()) is not None:
            try:
                self._write_one(item)
            finally:
                self._inbox.task_done()
        self._inbox.task_done()

    def _write_one(self, item: tuple[str, str]) -> None:
        speaker, text = item
        self.quiet.wait(timeout=QUIET_WAIT_S)
        try:
            self._read_mood(speaker, text)
        except Exception:
            log.exception("the mood could not be read")
        if self.memory is None:
            return
        self.ready.wait(timeout=120)
        if speaker == "user" and not self.notice:
            notice = english_only_notice(self.memory.embedder.info, text)
            if notice is not None:
                self.notice = notice
                self.bus.publish(MemoryNotice(message=notice))
        conversation = self.conversation
        try:  # before the write: a model failing to rate is not the storage failing
            importance = self._rate(text, speaker)
        except Exception:
            log.exception("the importance could not be rated: the heuristic rates it")
            importance = None
        self.writes.do(lambda: self._remember(text, speaker, conversation, importance))

    def _read_mood(self, speaker: str, text: str) -> None:
        """After the turn: the user's message, felt already when its prompt was built, gets
        the lightweight model's second opinion where the quick readers were unsure; anything
        else is read now."""
        felt = self._felt.pop(text, None) if speaker == "user" else None
        if felt is None:
            weight = USER_WEIGHT if speaker == "user" else OWN_WEIGHT
            self.mood.observe(self.reader.read(text), weight=weight)
            return
        judged = self.reader.judged(text, felt)
        if judged is not None:
            self.mood.observe(judged, weight=SECOND_OPINION_WEIGHT)

    def _remember(
        self, text: str, speaker: str, conversation: str, importance: float | None
    ) -> None:
        assert self.memory is not None
        written = self.memory.remember(
            text, speaker=speaker, conversation=conversation, importance=importance
        )
        if self.keeper is not None and written.action != "NOOP":
            self.keeper.noted(written.memory)
        self.bus.publish(
            MemoryWritten(
                memory_id=written.memory.id,
                action=written.action,
                kind=written.memory.kind,
                text=written.memory.text,
            )
        )
