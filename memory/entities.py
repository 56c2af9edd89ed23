"""Entities: who and what the user talks about (design seed §5).

A spaCy pipeline — a trained Russian or English one when installed, otherwise a blank
multilingual one — with an EntityRuler fed from the user's own dictionaries: YAML files in the
config folder (``entities/people.yaml``, ``places.yaml``, ``objects.yaml``), each mapping a name to
its other names. Russian names change their endings, so a word matches a name from its stem
("Маше", "Машу" → Маша). Memories are linked to the entities they mention, and recall can go
through them: "what do you know about Masha?".
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.errors import ManifestProblem

log = logging.getLogger(__name__)

LABELS = {"people": "PERSON", "places": "PLACE", "objects": "OBJECT"}
TRAINED = ("ru_core_news_md", "ru_core_news_sm", "en_core_web_sm")


@dataclass(frozen=True, slots=True)
class Entity:
    name: str  # the canonical name, as in the dictionary
    label: str  # PERSON, PLACE, OBJECT, or a trained pipeline's own label
    text: str  # the words as written


def stem(word: str) -> str:
    word = word.lower()
    if len(word) >= 4 and word[-1] in "аяоеыийьу":
        return word[:-1]
    return word


def read_dictionaries(
    folder: Path,
) -> tuple[dict[str, tuple[str, list[str]]], list[ManifestProblem]]:
    """name → (label, aliases), and a problem per file that could not be read."""
    found: dict[str, tuple[str, list[str]]] = {}
    problems: list[ManifestProblem] = []
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        label = LABELS.get(file.stem, file.stem.upper())
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(
                ManifestProblem(file=file, field="-", message=f"cannot be read: {exc}", rule="yaml")
            )
            continue
        if isinstance(data, list):
            data = {str(name): [] for name in data}
        if not isinstance(data, dict):
            problems.append(
                ManifestProblem(
                    file=file,
                    field="-",
                    message="a list of names, or names to aliases",
                    rule="yaml",
                )
            )
            continue
        for name, aliases in data.items():
            found[str(name)] = (
                label,
                [str(a) for a in aliases] if isinstance(aliases, list) else [],
            )
    return found, problems


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZА-ЯЁ][a-zа-яё]{2,})\b")


def names_in(text: str) -> list[str]:
    """Words that can only be names: capitalised other than at the start of a sentence ("My
    sister Emma", "зовут Света"). Needs no model and no dictionary; it misses a name that opens
    the sentence, which the next mention usually makes up for."""
    return list(dict.fromkeys(m.group(1) for m in _NAME.finditer(text.strip())))


class EntityExtractor:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[ManifestProblem] = []
        self._nlp: Any = None
        self._signature: tuple[tuple[str, float], ...] = ()
        self._lock = threading.Lock()

    def extract(self, text: str) -> list[Entity]:
        nlp = self._pipeline()
        seen: dict[str, Entity] = {}
        for ent in nlp(text).ents:
            name = ent.ent_id_ or ent.text
            seen.setdefault(name, Entity(name, ent.label_, ent.text))
        return list(seen.values())

    def _pipeline(self) -> Any:
        """Built once, and again whenever the user edits a dictionary."""
        files = sorted(self.folder.glob("*.yaml")) if self.folder.is_dir() else []
        signature = tuple((str(f), f.stat().st_mtime) for f in files)
        with self._lock:
            if self._nlp is None or signature != self._signature:
                self._nlp = self._build()
                self._signature = signature
            return self._nlp

    def _build(self) -> Any:
        import spacy

        nlp = None
        for name in TRAINED:
            try:
                nlp = spacy.load(name)
                break
            except OSError:
                continue
        if nlp is None:
            nlp = spacy.blank("xx")
        dictionaries, self.problems = read_dictionaries(self.folder)
        patterns = []
        for name, (label, aliases) in dictionaries.items():
            for form in (name, *aliases):
                words = form.split()
                if not words:
                    continue
                pattern = [{"LOWER": {"REGEX": f"^{re.escape(stem(w))}"}} for w in words]
                patterns.append({"label": label, "pattern": pattern, "id": name})
        if patterns:  # no dictionary yet: a trained pipeline's own names, or none
            options = {"overwrite_ents": True}
            before = "ner" if "ner" in nlp.pipe_names else None
            ruler: Any = nlp.add_pipe("entity_ruler", config=options, before=before)
            ruler.add_patterns(patterns)
        return nlp
