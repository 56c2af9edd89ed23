"""Writes a long-dialogue memory set (issue #18): for each conversation of the folder's
``material.yaml`` (``memory/long``, or ``memory/unseen``, written after recall was tuned on it),
months of dated sessions between the user and the assistant, with each story told among small
talk and near misses, and the questions about them labelled with their kind, language and
evidence. Deterministic: the same files every run.

    python -m eval.scenarios.make_long_dialogues eval/scenarios/memory/long

A material without ``filler`` talks the small talk of ``memory/long``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MATERIAL = Path(__file__).with_name("memory") / "long" / "material.yaml"
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
SPEAKERS = {"U": "user", "A": "assistant"}


@dataclass(frozen=True, slots=True)
class Line:
    speaker: str
    text: str
    evidence: bool  # marked with * in the material


def parts(story: dict[str, Any]) -> list[list[Line]]:
    """The story's sessions, each its lines in order."""
    out: list[list[Line]] = [[]]
    for raw in str(story.get("said", "")).splitlines():
        raw = raw.strip()
        if raw == "--":
            out.append([])
        elif raw:
            mark, _, text = raw.partition(": ")
            out[-1].append(Line(SPEAKERS[mark.rstrip("*")], text.strip(), mark.endswith("*")))
    return [p for p in out if p]


def day_name(when: dt.datetime, language: str) -> str:
    return f"{when.day} {MONTHS[language].split()[when.month - 1]}"


def conversation(
    spec: dict[str, Any], filler: dict[str, dict[str, list[str]]], seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    name, language, sessions = spec["name"], spec["language"], int(spec["sessions"])
    first = dt.date.fromisoformat(str(spec["start"]))
    start = dt.datetime.combine(first, dt.time(8, tzinfo=dt.UTC))
    days = [start]
    for _ in range(sessions - 1):
        days.append(days[-1] + dt.timedelta(days=rng.randint(3, 6), hours=rng.randint(-1, 1)))
    told = [parts(s) for s in spec["stories"]]
    # Each session of a story in a session of the conversation, later ones at least two apart.
    placed: dict[int, list[tuple[int, int]]] = {}
    for number, story_parts in enumerate(told):
        if not story_parts:
            continue
        while True:
            slots = sorted(rng.sample(range(sessions - 1), len(story_parts)))
            if all(b - a >= 2 for a, b in itertools.pairwise(slots)):
                break
        for part, slot in enumerate(slots):
            placed.setdefault(slot, []).append((number, part))
    misses: dict[int, list[str]] = {}
    for text in spec.get("near_misses", []):
        misses.setdefault(rng.randrange(sessions), []).append(str(text))
    # A story's own near misses (its subject at other moments) are placed by a generator of
    # their own, so that adding them leaves the rest of the conversation as it was.
    nearby = random.Random(f"{name}-near")
    aside: dict[int, list[str]] = {}
    for number, story in enumerate(spec["stories"]):
        told_in = {slot for slot, stories in placed.items() if any(n == number for n, _ in stories)}
        for text in story.get("near", []):
            slot = nearby.choice([x for x in range(sessions) if x not in told_in])
            aside.setdefault(slot, []).append(str(text))
    said, replies = filler[language]["user"], filler[language]["assistant"]
    episodes: list[dict[str, Any]] = []
    ids: dict[tuple[int, int], list[str]] = {}  # (story, part) → the ids of its evidence
    session_of: dict[int, dt.datetime] = {}
    for s, day in enumerate(days):
        # Each block with the generator that draws its times and replies.
        blocks: list[tuple[tuple[int, int] | None, list[Line], random.Random]] = [
            (None, [Line("user", rng.choice(said), False)], rng) for _ in range(rng.randint(10, 15))
        ]
        for text in misses.get(s, []):
            blocks.insert(rng.randint(0, len(blocks)), (None, [Line("user", text, False)], rng))
        for number, part in placed.get(s, []):
            blocks.insert(rng.randint(0, len(blocks)), ((number, part), told[number][part], rng))
            session_of[number] = day
        for text in aside.get(s, []):
            line = Line("user", text, False)
            blocks.insert(nearby.randint(0, len(blocks)), (None, [line], nearby))
        when = day
        for key, lines, draw in blocks:
            for i, line in enumerate(lines):
                when += dt.timedelta(minutes=draw.randint(1, 3))
                episode_id = f"{name}-{len(episodes) + 1:04d}"
                episodes.append(
                    {
                        "id": episode_id,
                        "user": name,
                        "conversation": f"{name}-s{s:02d}",
                        "speaker": line.speaker,
                        "text": line.text,
                        "time": when.isoformat(),
                    }
                )
                if key is not None:
                    ids.setdefault(key, [])
                    if _is_evidence(spec["stories"][key[0]], told[key[0]], key[1], line):
                        ids[key].append(episode_id)
                answered = i + 1 < len(lines) and lines[i + 1].speaker == "assistant"
                if line.speaker == "user" and not answered:
                    when += dt.timedelta(seconds=30)
                    episodes.append(
                        {
                            "id": f"{name}-{len(episodes) + 1:04d}",
                            "user": name,
                            "conversation": f"{name}-s{s:02d}",
                            "speaker": "assistant",
                            "text": draw.choice(replies),
                            "time": when.isoformat(),
                        }
                    )
    asked = (days[-1] + dt.timedelta(days=7)).isoformat()
    queries = []
    for number, story in enumerate(spec["stories"]):
        evidence = [i for part in range(len(told[number])) for i in ids.get((number, part), [])]
        for question in story["asked"]:
            if "{date}" in question:
                question = question.replace("{date}", day_name(session_of[number], language))
            queries.append(
                {
                    "question": question,
                    "evidence": evidence,
                    "time": asked,
                    "kind": story["kind"],
                    "language": language,
                    "user": name,
                    "changed": story["kind"] == "corrected",
                }
            )
    return episodes, queries


def _is_evidence(story: dict[str, Any], told: list[list[Line]], part: int, line: Line) -> bool:
    if any(x.evidence for p in told for x in p):
        return line.evidence
    last = part == len(told) - 1
    return line.speaker == "user" and (last or story["kind"] == "multihop")


def main(folder: Path, material_file: Path = MATERIAL) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    material = yaml.safe_load(material_file.read_text(encoding="utf-8"))
    filler = material.get("filler")
    if filler is None:
        filler = yaml.safe_load(MATERIAL.read_text(encoding="utf-8"))["filler"]
    episodes: list[dict[str, Any]] = []
    queries: list[dict[str, Any]] = []
    for number, spec in enumerate(material["conversations"]):
        # a conversation's own seed, where its material names one, draws other days and places
        e, q = conversation(spec, filler, int(spec.get("seed", number)))
        episodes += e
        queries += q
    for file, rows in (("episodes.jsonl", episodes), ("queries.jsonl", queries)):
        with (folder / file).open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(f"{len(episodes)} episodes, {len(queries)} questions in {folder}")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "eval/scenarios/memory/long")
    main(out, out / "material.yaml")
