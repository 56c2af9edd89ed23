"""Before the answer: does the message need a tool, which one, with what (design seed §5, §8).

The intent classifier decides first, without any LLM. When it is sure of a tool, the tool's own
cheap extractor takes the arguments from the user's words (the lightweight model is asked only if
that fails); when it is unsure, the lightweight model's JSON plan decides. The tool runs, and
its outcome (or its failure) goes into the prompt for the model that writes the answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from core.errors import DomovoyError
from llm.big_model import BigModel
from llm.intent import ARITHMETIC, IntentClassifier, quick_guess
from llm.prompt import Templates
from llm.tools import ToolOutcome, ToolRegistry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ToolDecision:
    tool: str | None
    arguments: dict[str, Any] = field(default_factory=dict)
    decided_by: Literal["classifier", "planner", "nobody"] = "classifier"
    confidence: float = 0.0


class ToolStep:
    def __init__(
        self,
        registry: ToolRegistry,
        classifier: IntentClassifier,
        planner: BigModel,
        *,
        sure: float = 0.7,
        templates: Templates | None = None,
    ) -> None:
        self.registry = registry
        self.classifier = classifier
        self.planner = planner  # §19's planning service; a turn waits, so it asks "quick"
        self.sure = sure
        self.templates = templates or Templates()

    def warm_up(self) -> None:
        """Train or load the classifier now (at start, in the background) not at the first turn."""
        self.classifier.predict("hello")

    def decide(self, text: str, *, plan_when_unsure: bool = True) -> ToolDecision:
        """Tools are the exception: a message the classifier takes for conversation needs none.
        A tool it names is used when it is sure, or when the tool finds its arguments in the
        words; otherwise the lightweight model decides between that tool and none."""
        # a turn never waits for the classifier to train: the clear cases are told without it
        intent = self.classifier.predict(text) if self.classifier.ready else quick_guess(text)
        if intent.label not in self.registry and ARITHMETIC.search(text):
            intent = quick_guess(text)  # "сколько будет 17 * 23" is a sum in any language
        if intent.label not in self.registry:
            return ToolDecision(None, confidence=intent.confidence)  # plain conversation
        arguments = self.registry.get(intent.label).extract(text)
        if arguments is not None and (intent.confidence >= self.sure or arguments):
            return ToolDecision(intent.label, arguments, "classifier", intent.confidence)
        if not plan_when_unsure:
            return ToolDecision(None, decided_by="nobody", confidence=intent.confidence)
        return self.plan(text, only=intent.label)

    def run(
        self, text: str, *, plan_when_unsure: bool = True
    ) -> tuple[ToolDecision, ToolOutcome | None]:
        """``plan_when_unsure`` False: a reply that cannot wait seconds for the lightweight
        model's plan (a spoken one) goes without a tool the classifier is unsure of."""
        decision = self.decide(text, plan_when_unsure=plan_when_unsure)
        if decision.tool is None:
            return decision, None
        return decision, self.registry.call(decision.tool, decision.arguments)

    def plan(self, text: str, only: str = "") -> ToolDecision:
        """The lightweight model's JSON plan: which tool (any, or ``only``, or none), with what."""
        from llm.base import ChatMessage

        prompt = self.templates.render(
            "tool_plan.j2", tools=self.registry.describe(), only=only, text=text
        )
        schema = self.registry.plan_schema()
        if only:
            schema["properties"]["tool"] = {"enum": [only, "none"]}
        try:
            plan, _ = self.planner.plan(
                [ChatMessage(role="user", content=prompt)], schema, kind="quick"
            )
        except DomovoyError as exc:
            log.warning("no tool plan (%s): answering without tools", exc.message)
            return ToolDecision(None, decided_by="nobody")
        tool = None if plan["tool"] == "none" else str(plan["tool"])
        return ToolDecision(tool, dict(plan["arguments"]), "planner")
