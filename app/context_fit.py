"""The prompt for a turn, fitted to the context of the model that will be asked first, before it
is asked: when the history outgrows the context, its older half is summarized by the lightweight
model (HistorySummarized), never silently dropped, and ContextUsage says how full it is.

Nothing here holds a GPU lease while it waits for another: the summary is one request to the
router, finished before the turn's own request begins.
"""

from __future__ import annotations

import threading

from app.conversation import Conversation
from core.errors import DomovoyError
from core.events import ContextUsage, EventBus, HistorySummarized
from llm.base import ChatMessage, Output, final_text
from llm.prompt import PromptBuilder, TurnContext, too_long
from llm.router import Kind, Router


class ContextFit:
    def __init__(
        self, bus: EventBus, router: Router, prompts: PromptBuilder, conversation: Conversation
    ) -> None:
        self.bus = bus
        self.router = router
        self.prompts = prompts
        self.conversation = conversation

    def messages(
        self, turn_id: int, text: str, context: TurnContext, kind: Kind
    ) -> tuple[list[ChatMessage], str | None]:
        """The messages for the turn, and the model they were fitted to (None when there is
        no model, or its tokenizer cannot be read: the router then says why)."""
        chain, _ = self.router.chain(kind)
        slot = chain[0] if chain else None
        while True:
            history, summary = self.conversation.state()
            messages = self.prompts.build(history, text, context, summary=summary).messages
            if slot is None:
                return messages, None
            reply_budget, limit = slot.params.max_tokens, slot.llm.context_length
            try:
                used = slot.count_tokens(messages)
            except DomovoyError:
                return messages, None
            if used + reply_budget <= limit:
                self.bus.publish(
                    ContextUsage(
                        turn_id=turn_id,
                        model_id=slot.model_id,
                        prompt_tokens=used,
                        reply_budget=reply_budget,
                        context_length=limit,
                    )
                )
                return messages, slot.model_id
            if len(history) < 2:
                raise too_long(used, reply_budget, limit, slot.model_id)
            self.compact(turn_id, history, summary)

    def compact(self, turn_id: int, history: list[ChatMessage], previous: str) -> None:
        """Fold the older half of the history into the summary, by the lightweight model."""
        fold = max(2, (len(history) // 2) // 2 * 2)
        outputs: list[Output] = []
        answered = self.router.run(
            "quick",
            self.prompts.summary_request(history[:fold], previous=previous),
            outputs.append,
            threading.Event(),
            task="summary",
        )
        summary = final_text(outputs).strip() or previous
        self.conversation.fold(fold, summary)
        self.bus.publish(
            HistorySummarized(
                turn_id=turn_id, messages=fold, summary=summary, model_id=answered.slot.model_id
            )
        )
