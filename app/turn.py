"""A turn in flight, as its caller holds it: the reply's words as they come, and how it ended.

``Assistant.submit`` returns one. The window follows the bus instead; the CLI, the voice loop,
the evaluation and the benchmarks read the handle, so "submit, then wait for the end" is written
once, here.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from core.errors import TurnTimeout
from core.events import ReplyCutOff, TurnFailed, TurnFinished

Ending = TurnFinished | TurnFailed
_END = object()


class Turn:
    def __init__(self, turn_id: int, text: str) -> None:
        self.id = turn_id
        self.text = text
        self._words: queue.Queue[object] = queue.Queue()
        self._ended = threading.Event()
        self._ending: Ending | None = None

    @property
    def done(self) -> bool:
        return self._ended.is_set()

    def words(
        self,
        timeout: float | None = None,
        on_cut: Callable[[ReplyCutOff], None] | None = None,
    ) -> Iterator[str]:
        """The answer's text as it is written, until the turn ends. ``timeout``: the longest
        wait for the next piece (TurnTimeout after it). ``on_cut`` is called, in its place
        among the words, where the model answering crashed and the next one begins."""
        while True:
            try:
                item = self._words.get(timeout=timeout)
            except queue.Empty:
                raise TurnTimeout(self.id, timeout or 0.0) from None
            if item is _END:
                self._words.put(_END)  # a second reader ends too
                return
            if isinstance(item, ReplyCutOff):
                if on_cut is not None:
                    on_cut(item)
                continue
            assert isinstance(item, str)
            yield item

    def result(self, timeout: float | None = None) -> Ending:
        """How the turn ended (TurnFinished or TurnFailed); TurnTimeout if it has not within
        ``timeout`` seconds."""
        if not self._ended.wait(timeout):
            raise TurnTimeout(self.id, timeout or 0.0)
        assert self._ending is not None
        return self._ending

    # --- written by the Assistant's turn thread ------------------------------------------------

    def wrote(self, text: str) -> None:
        self._words.put(text)

    def cut(self, cut: ReplyCutOff) -> None:
        self._words.put(cut)

    def end(self, ending: Ending) -> None:
        if self._ended.is_set():
            return
        self._ending = ending
        self._ended.set()
        self._words.put(_END)
