"""Tools around a turn: the one the message asks for runs before the model is asked (its outcome
goes into the turn's context); those a harmony model calls itself run mid-reply, and their
results go back to it in its own format. Each call is reported as ToolCalled; a tool step that
fails leaves the turn without tools, never without an answer."""

from __future__ import annotations

import dataclasses
import json
import logging

from core.events import EventBus, ToolCalled
from llm.base import ChatMessage, ToolCallRequest
from llm.prompt import TurnContext
from llm.tool_step import ToolStep
from llm.tools import ToolOutcome

log = logging.getLogger(__name__)


class ToolRound:
    def __init__(self, bus: EventBus, tools: ToolStep | None) -> None:
        self.bus = bus
        self.tools = tools

    def before(self, turn_id: int, text: str, context: TurnContext, *, voice: bool) -> TurnContext:
        """Run the tool the message asks for, if any, and put its outcome into the context.
        A spoken turn does not wait for the lightweight model's plan when the classifier is
        unsure."""
        if self.tools is None:
            return context
        try:
            decision, outcome = self.tools.run(text, plan_when_unsure=not voice)
        except Exception:  # no tool is better than no answer
            log.exception("turn %d: the tool step failed; answering without tools", turn_id)
            return context
        if outcome is None:
            return context
        self._publish(turn_id, outcome, decision.decided_by)
        return dataclasses.replace(context, tools=outcome.transcript())

    def requested(self, turn_id: int, requested: list[ToolCallRequest]) -> list[ChatMessage]:
        """A model called tools itself (harmony's commentary channel): run them, and answer it
        in its own format: each call, then its result; the model goes on from there."""
        assert self.tools is not None
        messages: list[ChatMessage] = []
        for call in requested:
            outcome = self.tools.registry.call_requested(call.recipient, call.arguments)
            self._publish(turn_id, outcome, "model")
            messages.append(ChatMessage(role="assistant", content="", tool_call=call))
            messages.append(ChatMessage(role="tool", content=outcome.text))
        return messages

    def _publish(self, turn_id: int, outcome: ToolOutcome, decided_by: str) -> None:
        self.bus.publish(
            ToolCalled(
                turn_id=turn_id,
                tool=outcome.name,
                arguments=json.dumps(outcome.arguments, ensure_ascii=False),
                ok=outcome.ok,
                result=outcome.text,
                decided_by=decided_by,
            )
        )
