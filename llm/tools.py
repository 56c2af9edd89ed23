"""Model-agnostic tools (design seed §8): a name, a JSON schema for the arguments, a callable.

A tool that raises, returns something other than text, or gets arguments that break its schema
is reported (to the model, in the tools transcript, and to the user) and never crashes the turn.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema

ToolFn = Callable[[dict[str, Any]], object]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments object
    run: ToolFn
    extract: Callable[[str], dict[str, Any] | None] = field(default=lambda text: None)
    """Cheap argument extraction from the user's words, tried before asking a model."""


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    name: str
    arguments: dict[str, Any]
    ok: bool
    text: str  # the result, or what went wrong

    def transcript(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        status = "" if self.ok else "FAILED: "
        return f"{self.name}({args}) → {status}{self.text}"


class ToolRegistry:
    def __init__(self, tools: list[Tool] | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools or []:
            self.register(tool)

    def register(self, tool: Tool) -> None:
        jsonschema.Draft202012Validator.check_schema(tool.parameters)
        self._tools[tool.name] = tool

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def get(self, name: str) -> Tool:
        return self._tools[name]

    @property
    def names(self) -> list[str]:
        return sorted(self._tools)

    def plan_schema(self) -> dict[str, Any]:
        """The JSON a planner writes: which tool (or none) and its arguments."""
        return {
            "type": "object",
            "properties": {
                "tool": {"enum": [*self.names, "none"]},
                "arguments": {"type": "object"},
            },
            "required": ["tool", "arguments"],
            "additionalProperties": False,
        }

    def openai_tools(self) -> list[dict[str, Any]]:
        """The definitions a chat template renders for models that call tools (gpt-oss)."""
        return [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                },
            }
            for t in self._tools.values()
        ]

    def call_requested(self, recipient: str, arguments: str) -> ToolOutcome:
        """A model's own call (``functions.NAME`` with JSON arguments), checked like any other."""
        name = recipient.removeprefix("functions.")
        try:
            parsed = json.loads(arguments or "{}")
        except ValueError:
            return ToolOutcome(name, {}, False, f"the arguments are not JSON: {arguments[:80]!r}")
        if not isinstance(parsed, dict):
            return ToolOutcome(name, {}, False, "the arguments are not a JSON object")
        return self.call(name, parsed)

    def describe(self) -> str:
        return "\n".join(
            f"- {t.name}: {t.description} Arguments (JSON schema): {t.parameters}"
            for t in self._tools.values()
        )

    def call(self, name: str, arguments: dict[str, Any]) -> ToolOutcome:
        if name not in self._tools:
            return ToolOutcome(name, arguments, False, f"there is no tool {name!r}")
        tool = self._tools[name]
        try:
            jsonschema.validate(arguments, tool.parameters)
        except jsonschema.ValidationError as exc:
            return ToolOutcome(name, arguments, False, f"bad arguments: {exc.message}")
        try:
            result = tool.run(arguments)
        except Exception as exc:  # a tool's failure is reported, never raised into the turn
            return ToolOutcome(
                name, arguments, False, f"the tool failed: {type(exc).__name__}: {exc}"
            )
        if not isinstance(result, str | int | float) or isinstance(result, bool):
            return ToolOutcome(
                name, arguments, False, f"the tool returned {type(result).__name__}, not text"
            )
        return ToolOutcome(name, arguments, True, str(result))


# --- the built-in tools ------------------------------------------------------------------------


def _now(arguments: dict[str, Any]) -> str:
    now = dt.datetime.now().astimezone()
    return now.strftime("%A, %Y-%m-%d %H:%M (%Z, UTC%z)")


_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_FUNCS: dict[str, Callable[..., float]] = {"sqrt": math.sqrt, "abs": abs, "round": round}


def evaluate(expression: str) -> float:
    """Arithmetic only: numbers, + - * / // % **, sqrt/abs/round; nothing else runs."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 1000:
                raise ValueError("exponent too large")
            return _OPS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.operand))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCS
            and not node.keywords
        ):
            return _FUNCS[node.func.id](*(walk(a) for a in node.args))
        raise ValueError(f"not arithmetic: {ast.dump(node)[:40]}")

    return float(walk(ast.parse(expression.replace("^", "**"), mode="eval")))


def _calculate(arguments: dict[str, Any]) -> str:
    value = evaluate(arguments["expression"])
    return f"{value:g}" if value == value and abs(value) < 1e15 else str(value)


_WORDS = {
    "плюс": "+", "plus": "+", "минус": "-", "minus": "-", "умножить на": "*", "умножь": "*",
    "times": "*", "multiplied by": "*", "разделить на": "/", "divided by": "/", "поделить на": "/",
    "в степени": "**", "to the power of": "**", "корень из": "sqrt", "square root of": "sqrt",
    "на": "*", "by": "*",
}  # fmt: skip


def _extract_expression(text: str) -> dict[str, Any] | None:
    lowered = f" {text.lower()} "
    for word, symbol in sorted(_WORDS.items(), key=lambda kv: -len(kv[0])):
        lowered = lowered.replace(f" {word} ", f" {symbol} ")
    lowered = re.sub(r"sqrt\s*([\d.]+)", r"√(\1)", lowered).replace("sqrt", "√").replace(",", ".")
    candidates = re.findall(r"[\d.\s+\-*/()%^√]+", lowered)
    for candidate in sorted(candidates, key=len, reverse=True):
        expression = candidate.strip().rstrip("=?").strip().replace("√", "sqrt")
        if re.search(r"\d", expression) and re.search(r"[-+*/%^]|sqrt", expression):
            try:
                evaluate(expression)
            except (ValueError, SyntaxError, ZeroDivisionError, TypeError, OverflowError):
                continue
            return {"expression": expression}
    return None


CLOCK = Tool(
    name="time",
    description="The current local date, day of the week and time.",
    parameters={"type": "object", "properties": {}, "additionalProperties": False},
    run=_now,
    extract=lambda text: {},
)
CALCULATOR = Tool(
    name="calculate",
    description="Evaluates an arithmetic expression exactly (+ - * / ** sqrt).",
    parameters={
        "type": "object",
        "properties": {"expression": {"type": "string", "minLength": 1}},
        "required": ["expression"],
        "additionalProperties": False,
    },
    run=_calculate,
    extract=_extract_expression,
)


def builtin_tools() -> ToolRegistry:
    return ToolRegistry([CLOCK, CALCULATOR])
