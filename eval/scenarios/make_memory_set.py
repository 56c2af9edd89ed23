"""Writes the memory scenario set: long multi-session conversations (Russian and English) with
facts told along the way, some of which change, and questions whose evidence is the message that
holds the (latest) answer. Deterministic: the same files every run.

    python -m eval.scenarios.make_memory_set eval/scenarios/memory
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import yaml

MATERIAL = Path(__file__).with_name("memory") / "material.yaml"
Fact = tuple[list[str], list[str]]  # (what is said, one version after another; questions)


def conversation(
    name: str,
    facts: list[tuple[list[str], list[str]]],
    filler: list[str],
    replies: list[str],
    seed: int,
) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    sessions = 12
    # Each version of each fact goes into a session; a later version in a later session.
    placed: dict[int, list[tuple[int, int]]] = {}
    for f, (versions, _) in enumerate(facts):
        slots = sorted(rng.sample(range(sessions), len(versions)))
        for v, s in enumerate(slots):
            placed.setdefault(s, []).append((f, v))
    episodes: list[dict[str, str]] = []
    latest: dict[int, str] = {}
    n = 0
    for s in range(sessions):
        when = start + dt.timedelta(days=14 * s + rng.randint(0, 5))
        lines = [("filler", rng.choice(filler)) for _ in range(rng.randint(8, 14))]
        for f, v in placed.get(s, []):
            lines.insert(rng.randint(0, len(lines)), (f"fact:{f}:{v}", facts[f][0][v]))
        for tag, text in lines:
            when += dt.timedelta(minutes=rng.randint(1, 4))
            n += 1
            episode_id = f"{name}-{n:04d}"
            episodes.append(
                {
                    "id": episode_id,
                    "conversation": f"{name}-s{s:02d}",
                    "speaker": "user",
                    "text": text,
                    "time": when.isoformat(),
                }
            )
            if tag.startswith("fact:"):
                latest[int(tag.split(":")[1])] = episode_id  # versions come in order
            n += 1
            when += dt.timedelta(seconds=30)
            episodes.append(
                {
                    "id": f"{name}-{n:04d}",
                    "conversation": f"{name}-s{s:02d}",
                    "speaker": "assistant",
                    "text": rng.choice(replies),
                    "time": when.isoformat(),
                }
            )
    asked = (start + dt.timedelta(days=14 * sessions + 7)).isoformat()
    queries = [
        {"question": q, "evidence": [latest[f]], "time": asked, "changed": len(facts[f][0]) > 1}
        for f, (_, questions) in enumerate(facts)
        for q in questions
    ]
    return episodes, queries


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    episodes: list[dict[str, str]] = []
    queries: list[dict[str, object]] = []
    material = yaml.safe_load(MATERIAL.read_text(encoding="utf-8"))
    sets = [
        (
            p["name"],
            [(f["said"], f["asked"]) for f in material["facts"][p["facts"]]],
            material["filler"][p["filler"]],
            material["replies"][p["replies"]],
        )
        for p in material["personas"]
    ]
    for seed, (name, facts, filler, replies) in enumerate(sets):
        e, q = conversation(name, facts, filler, replies, seed)
        episodes += e
        queries += q
    with (folder / "episodes.jsonl").open("w", encoding="utf-8") as fh:
        for episode in episodes:
            fh.write(json.dumps(episode, ensure_ascii=False) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for query in queries:
            fh.write(json.dumps(query, ensure_ascii=False) + "\n")
    print(f"{len(episodes)} episodes, {len(queries)} questions in {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "eval/scenarios/memory"))
