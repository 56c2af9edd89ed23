"""Scenario files (YAML): turns with expectations, not asserts buried in tests (design seed §11).

name: remembers-the-cat
persona:                            # a checklist per rule (eval.metrics.persona_checks)
  language: en                      # every reply in this language
  max_words: 60                     # and no longer than this
  plain: true                       # no markdown (it is spoken)
  name: domovoy                     # never calls itself a language model or another name
  tone: "warm and brief"            # judged by an independent judge
budget: {first_token_ms: 20000, total_ms: 60000}   # each turn's latency budget
memories: {cat: "My cat is called Barsik"}         # seeded before the turns
turns:
  - user: "What is my cat called?"
    expect:
      contains: ["Barsik"]          # any of these
      not_contains: ["I don't know"]
      must_not: ["As an AI"]        # things that must never happen
      recalled: [cat]               # golden memories (precision@k, MRR over all recalled)
      known_fact: "Barsik"          # a question about remembered content (hallucination)
      tool: calculate               # the tool expected to be called
      judge: "The reply names the cat"   # judged with the recalled memories (relevance)
      emotional_event: sadness      # the user shows this emotion here: the reply's tone follows
  - user: "What is my dog called?"
    expect:
      never_said: true              # never told: "I don't know", not an invention
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ScenarioError


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contains: list[str] = []
    not_contains: list[str] = []
    must_not: list[str] = []
    recalled: list[str] = []
    known_fact: str | None = None
    tool: str | None = None
    judge: str | None = None
    emotional_event: str | None = None
    never_said: bool = False


class Persona(BaseModel):
    """The persona's rules, each checked on every reply (eval.metrics.persona_checks)."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    max_words: int | None = Field(None, gt=0)
    plain: bool = False
    name: str | None = None
    tone: str | None = None  # judged: its register

    @property
    def empty(self) -> bool:
        return self == Persona()


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_token_ms: float | None = Field(None, gt=0)
    total_ms: float | None = Field(None, gt=0)


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1)
    expect: Expect = Expect()


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    language: str = "en"
    persona: Persona = Persona()
    budget: Budget = Budget()
    memories: dict[str, str] = {}
    turns: list[Turn] = Field(min_length=1)
    control: bool = False  # part of the warm-up set a new model must pass before promotion


def load_scenario(file: Path) -> Scenario:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        return Scenario.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{file}: cannot be read: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ScenarioError(
            f"{file}: {where}: {err['msg']}", hint="see eval/scenario.py for the format"
        ) from exc


def load_scenarios(paths: list[Path]) -> list[Scenario]:
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return [load_scenario(f) for f in files]
