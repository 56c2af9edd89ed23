"""Structured output: JSON that follows a schema, whichever model answers.

Models that are not harmony models are constrained by a llama.cpp grammar built from the schema.
Harmony models (gpt-oss) are never given a grammar (it breaks their control tokens): their answer
is parsed and validated, and on a mistake the model is told what was wrong and asked again.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Sequence
from typing import Any

import jsonschema

from core.errors import GenerationError
from core.scheduler import Priority
from llm.base import ChatMessage, Output, final_text
from llm.router import Answered, Kind, Router, Task

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def extract_json(text: str) -> Any:
    """The first JSON value in ``text``: bare, or inside a code fence, or after some words."""
    text = text.strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    decoder = json.JSONDecoder()
    for start, ch in enumerate(text):
        if ch in "{[":
            try:
                value, _ = decoder.raw_decode(text[start:])
            except ValueError:
                continue
            return value
    raise ValueError("no JSON object in the reply")


def ask_json(
    router: Router,
    messages: Sequence[ChatMessage],
    schema: dict[str, Any],
    *,
    kind: Kind = "quick",
    task: Task = "plan",
    retries: int = 2,
    cancel: threading.Event | None = None,
    priority: Priority | None = None,
) -> tuple[Any, Answered]:
    """Ask for JSON following ``schema``; validated, and retried with the error shown. A model
    that still gives no valid JSON is passed over for the next one in the chain (a harmony model
    gets no grammar, so it can fail where a grammar-bound one cannot)."""
    cancel = cancel or threading.Event()
    failed: list[tuple[str, str]] = []  # (model id, its last problem)
    while True:
        answered, value, problem = _ask_one(
            router, messages, schema, kind, task, retries, cancel, [m for m, _ in failed], priority
        )
        if not problem:
            if failed:
                passed = "; ".join(f"{m} gave no valid JSON ({p})" for m, p in failed)
                why = "; ".join(r for r in (passed, answered.fallback_reason) if r)
                answered = dataclasses.replace(answered, fallback_reason=why)
            return value, answered
        failed.append((answered.slot.model_id, problem))
        untried = [s for s in router.chain(kind)[0] if s.model_id not in {m for m, _ in failed}]
        if cancel.is_set() or not untried:
            tries = retries + 1
            raise GenerationError(
                "; ".join(
                    f"{model} did not produce valid JSON after {tries} tries: {why}"
                    for model, why in failed
                )
            )


def _ask_one(
    router: Router,
    messages: Sequence[ChatMessage],
    schema: dict[str, Any],
    kind: Kind,
    task: Task,
    retries: int,
    cancel: threading.Event,
    exclude: list[str],
    priority: Priority | None,
) -> tuple[Answered, Any, str]:
    """One model's tries: (who answered, the value, "" — or the last problem)."""
    schema_text = json.dumps(schema, ensure_ascii=False)
    conversation = list(messages)
    problem = ""
    for _ in range(retries + 1):
        if cancel.is_set():
            raise GenerationError("the JSON was not asked for: cancelled")
        outputs: list[Output] = []
        answered = router.run(
            kind,
            list(conversation),
            outputs.append,
            cancel,
            task=task,
            json_schema=schema_text,
            exclude=exclude,
            priority=priority,
        )
        text = final_text(outputs)
        try:
            value = extract_json(text)
            jsonschema.validate(value, schema)
        except (ValueError, jsonschema.ValidationError) as exc:
            problem = exc.message if isinstance(exc, jsonschema.ValidationError) else str(exc)
            conversation = [
                *messages,
                ChatMessage(role="assistant", content=text),
                ChatMessage(
                    role="user",
                    content=f"That was not valid: {problem}. Reply with JSON only, following "
                    f"this schema: {schema_text}",
                ),
            ]
            continue
        return answered, value, ""
    return answered, None, problem
