"""Stop strings over a text stream: text is released as soon as it cannot start a stop string."""

from __future__ import annotations

from collections.abc import Sequence


class StopMatcher:
    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = [s for s in stops if s]
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """Add generated text; returns what is safe to show. Sets ``stopped`` on a match."""
        if self.stopped:
            return ""
        if not self.stops:
            return text
        buf = self._held + text
        cut = min((i for i in (buf.find(s) for s in self.stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._held = ""
            return buf[:cut]
        keep = max((_overlap(buf, s) for s in self.stops), default=0)
        self._held = buf[len(buf) - keep :] if keep else ""
        return buf[: len(buf) - keep]

    def flush(self) -> str:
        """The text held back for a stop string that never came."""
        held, self._held = self._held, ""
        return "" if self.stopped else held


def _overlap(text: str, stop: str) -> int:
    """The longest tail of ``text`` that is a head of ``stop``."""
    for n in range(min(len(text), len(stop) - 1), 0, -1):
        if text.endswith(stop[:n]):
            return n
    return 0


class RepetitionGuard:
    """Stops a reply caught in a loop: the same run of tokens said again and again.

    A small model that loses the thread repeats a phrase or a line until its budget runs out.
    Once the newest tokens are one block of up to ``longest`` tokens said ``times`` times in a
    row (and at least ``span`` tokens in all, so a row of dashes in a table is not a loop), the
    reply is looping and the caller ends it there. Checked every ``every``
    tokens, each check a few list comparisons done in C.
    """

    def __init__(
        self, *, longest: int = 64, times: int = 3, span: int = 96, every: int = 8
    ) -> None:
        self.longest = longest
        self.times = times
        self.span = span
        self.every = every
        self._tokens: list[int] = []
        self.looped_tokens = 0  # how many tokens the loop took, once it was found

    def feed(self, token: int) -> bool:
        """Add a token; True when the reply is looping."""
        tokens = self._tokens
        tokens.append(token)
        if len(tokens) % self.every:
            return False
        for period in range(1, self.longest + 1):
            reps = max(self.times, -(-self.span // period))
            size = period * reps
            if size > len(tokens):
                continue
            block = tokens[-period:]
            if tokens[-size:] == block * reps:
                self.looped_tokens = size - period
                return True
        return False
