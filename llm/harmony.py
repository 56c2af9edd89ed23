"""A streaming parser for gpt-oss's harmony format, at the text level.

The model's output after ``<|start|>assistant`` is one or more messages::

    [ to=RECIPIENT]<|channel|>CHANNEL[ to=RECIPIENT][ TYPE | <|constrain|>TYPE]<|message|>TEXT END
    END = <|end|> (more follows: <|start|>assistant ...) | <|return|> (done) | <|call|> (tool call)

``analysis`` is the model's reasoning (kept, never shown by default), ``commentary`` carries tool
calls, ``final`` is the answer. The parser is fed text in arbitrary pieces, so a control token may
arrive split; it is robust to what real streams do: a missing end token, a channel switch without
``<|end|>``, a stream cut off, plain text with no header at all (taken as the answer). The
openai-harmony package is not used: it downloads its vocabulary at run time and fails offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from llm.base import Delta, Output, ToolCallRequest

CONTROL = (
    "<|start|>",
    "<|channel|>",
    "<|message|>",
    "<|end|>",
    "<|return|>",
    "<|call|>",
    "<|constrain|>",
)
MAX_CONTROL = max(len(c) for c in CONTROL)
# Header text longer than this with no <|message|> is plain text from a model that skipped it.
MAX_HEADER = 160

Terminator = Literal["end", "return", "call", "cut"]
TERMINATORS: dict[str, Terminator] = {"<|end|>": "end", "<|return|>": "return", "<|call|>": "call"}


@dataclass(frozen=True, slots=True, kw_only=True)
class HarmonyText:
    """A piece of a message's text, as it streams."""

    channel: str
    text: str
    recipient: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HarmonyMessage:
    """A whole message, once it has ended (or the stream was cut in it)."""

    channel: str
    text: str
    recipient: str | None = None
    content_type: str | None = None
    terminator: Terminator = "end"

    @property
    def is_tool_call(self) -> bool:
        return self.terminator == "call" or (
            self.channel == "commentary" and (self.recipient or "").startswith("functions.")
        )


Part = HarmonyText | HarmonyMessage
_RECIPIENT = re.compile(r"\bto=([^\s<]+)")


class HarmonyParser:
    def __init__(self) -> None:
        self._pending = ""  # text not yet classified (may hold the start of a control token)
        self._in_header = True
        self._header = ""
        self._channel = "final"
        self._recipient: str | None = None
        self._content_type: str | None = None
        self._body: list[str] = []
        self.done = False  # <|return|> seen: the model finished its answer

    def feed(self, text: str) -> list[Part]:
        out: list[Part] = []
        self._pending += text
        while self._pending and not self.done:
            start = self._pending.find("<|")
            if start < 0:
                # a trailing "<" may be the first half of a control token
                keep = 1 if self._pending.endswith("<") else 0
                self._text(self._pending[: len(self._pending) - keep], out)
                self._pending = self._pending[len(self._pending) - keep :]
                break
            if start > 0:
                self._text(self._pending[:start], out)
                self._pending = self._pending[start:]
                continue
            end = self._pending.find("|>")
            if end < 0:
                if len(self._pending) < MAX_CONTROL:
                    break  # wait for the rest of a control token
                self._text(self._pending[:2], out)  # "<|" that starts no token
                self._pending = self._pending[2:]
                continue
            token = self._pending[: end + 2]
            if token in CONTROL:
                self._pending = self._pending[end + 2 :]
                self._control(token, out)
            else:
                self._text(self._pending[:2], out)
                self._pending = self._pending[2:]
        return out

    def close(self) -> list[Part]:
        """The stream ended: release held text and end an unfinished message as cut."""
        out: list[Part] = []
        if self._pending and not self.done:
            self._text(self._pending, out)
        self._pending = ""
        if self._in_header and self._header.strip():
            # a header never completed: the model wrote plain text; it is the answer
            self._begin_body("final", None, None)
            self._text(self._header, out)
        if not self._in_header and not self.done:
            self._finish("cut", out)
        self.done = True
        return out

    # --- states --------------------------------------------------------------------------------

    def _text(self, text: str, out: list[Part]) -> None:
        if not text:
            return
        if self._in_header:
            self._header += text
            if len(self._header) > MAX_HEADER and "<|" not in self._header:
                plain, self._header = self._header, ""
                self._begin_body("final", None, None)
                self._text(plain, out)
            return
        self._body.append(text)
        out.append(HarmonyText(channel=self._channel, text=text, recipient=self._recipient))

    def _control(self, token: str, out: list[Part]) -> None:
        if token == "<|message|>":
            if self._in_header:
                self._begin_body(*_parse_header(self._header))
            else:
                self._body.append(token)  # a stray token inside a body is text
            return
        if token in ("<|end|>", "<|return|>", "<|call|>"):
            if not self._in_header:
                self._finish(TERMINATORS[token], out)
            self._reset_header()
            if token == "<|return|>":
                self.done = True
            return
        if token == "<|start|>":
            if not self._in_header:
                self._finish("cut", out)  # a new message without <|end|>
            self._reset_header()
            self._header = "<|start|>"
            return
        # <|channel|> or <|constrain|>: header syntax; in a body it means a switch without <|end|>
        if not self._in_header:
            self._finish("cut", out)
            self._reset_header()
        self._header += token

    def _begin_body(self, channel: str, recipient: str | None, content_type: str | None) -> None:
        self._in_header = False
        self._channel = channel
        self._recipient = recipient
        self._content_type = content_type
        self._body = []

    def _finish(self, terminator: Terminator, out: list[Part]) -> None:
        out.append(
            HarmonyMessage(
                channel=self._channel,
                text="".join(self._body),
                recipient=self._recipient,
                content_type=self._content_type,
                terminator=terminator,
            )
        )
        self._in_header = True
        self._body = []

    def _reset_header(self) -> None:
        self._in_header = True
        self._header = ""


def _parse_header(header: str) -> tuple[str, str | None, str | None]:
    """Channel, recipient and content type from a header such as
    ``<|start|>assistant to=functions.x<|channel|>commentary <|constrain|>json``."""
    recipient_match = _RECIPIENT.search(header)
    recipient = recipient_match.group(1) if recipient_match else None
    channel = "final"
    content_type = None
    if "<|channel|>" in header:
        after = header.split("<|channel|>", 1)[1]
        after = _RECIPIENT.sub(" ", after.replace("<|constrain|>", " <|constrain|>"))
        words = after.split()
        if words:
            channel = words[0]
        rest = [w.replace("<|constrain|>", "") for w in words[1:]]
        rest = [w for w in rest if w]
        content_type = rest[-1] if rest else None
    return channel, recipient, content_type


def to_outputs(raw: Iterable[str]) -> Iterator[Output]:
    """A harmony model's raw text as typed outputs: channel text, and tool calls when complete."""
    parser = HarmonyParser()

    def convert(parts: list[Part]) -> Iterator[Output]:
        for part in parts:
            if isinstance(part, HarmonyText):
                yield Delta(text=part.text, channel=part.channel)
            elif part.is_tool_call and part.recipient:
                yield ToolCallRequest(
                    recipient=part.recipient, arguments=part.text, content_type=part.content_type
                )

    for text in raw:
        yield from convert(parser.feed(text))
        if parser.done:
            break
    yield from convert(parser.close())
