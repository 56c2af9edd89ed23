"""Scenario files (YAML): turns with expectations, not asserts buried in tests (design seed §11).

name: remembers-the-cat
persona: ["Answers in the user's language", "Is warm and brief"]   # checklist, judged 0–1
memories: {cat: "My cat is called Barsik"}                         # seeded before the turns
turns:
  - user: "What is my cat called?"
    expect:
      contains: ["Barsik"]          # any of these
      not_contains: ["I don't know"]
      must_not: ["As an AI"]        # things that must never happen
      recalled: [cat]               # memories that should be recalled (precision@k, MRR)
      known_fact: "Barsik"          # a question about known memory content
      tool: calculate               # the tool expected to be called
      judge: "Is the answer correct and friendly?"
      within_ms: 30000
      emotional_event: sadness      # the user shows this emotion here: tone must follow
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
    within_ms: float | None = Field(None, gt=0)
    emotional_event: str | None = None


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1)
    expect: Expect = Expect()


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    language: str = "en"
    persona: list[str] = []
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
