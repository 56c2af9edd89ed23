"""Messages as a GGUF's chat template reads them.

Plain messages are ``{"role", "content"}``. A tool round of a model that calls tools itself
(harmony) is given in the form its template renders: the assistant's call as ``tool_calls``
(gpt-oss's template writes ``<|start|>assistant to=functions.NAME<|channel|>commentary json
<|message|>ARGS<|call|>``), the result as a ``tool`` message (``<|start|>functions.NAME
to=assistant<|channel|>commentary<|message|>"RESULT"<|end|>``). A template that knows no tools
(the fallback that answers after a harmony model failed) reads the result as a system note.
A turn's context note (a system message before the user's) goes, for harmony, at the head of
the user's message: gpt-oss's template reads only the first system message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llm.base import ChatMessage, ToolCallRequest


def template_messages(messages: Sequence[ChatMessage], *, harmony: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    note = ""  # harmony: a turn's context note, for the user's message after it
    for i, m in enumerate(messages):
        if harmony and m.role == "system" and i > 0:
            note = f"{note}{m.content}\n\n"  # its template reads no later system message
            continue
        if harmony and m.role == "user" and note:
            out.append({"role": "user", "content": note + m.content})
            note = ""
            continue
        if m.tool_call is not None:
            if harmony:
                out.append({"role": "assistant", "content": "", "tool_calls": [_call(m.tool_call)]})
            continue  # a template without tools: the result below says what was called
        if m.role == "tool" and not harmony:
            out.append({"role": "system", "content": f"Tool result: {m.content}"})
            continue
        out.append({"role": m.role, "content": m.content})
    return out


def _call(call: ToolCallRequest) -> dict[str, Any]:
    try:
        arguments: Any = json.loads(call.arguments)
    except ValueError:
        arguments = call.arguments  # not JSON: given back as the model wrote it
    return {
        "name": call.recipient.removeprefix("functions."),
        "arguments": arguments,
        "content_type": call.content_type or "json",
    }
