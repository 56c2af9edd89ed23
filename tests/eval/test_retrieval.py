"""eval.retrieval on a small hand-made set: the machinery, and the figures it prints."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_recall_and_mrr_on_a_small_set(tmp_path: Path) -> None:
    episodes = write(
        tmp_path / "e.jsonl",
        [
            {
                "id": "1",
                "conversation": "a",
                "speaker": "user",
                "text": "My cat is called Barsik",
                "time": "2026-01-01T10:00:00Z",
            },
            {
                "id": "2",
                "conversation": "a",
                "speaker": "assistant",
                "text": "Of course.",
                "time": "2026-01-01T10:01:00Z",
            },
            {
                "id": "3",
                "conversation": "a",
                "speaker": "user",
                "text": "I live in Kazan",
                "time": "2026-01-02T10:00:00Z",
            },
            {
                "id": "4",
                "conversation": "b",
                "speaker": "user",
                "text": "We moved, I live in Moscow now",
                "time": "2026-05-02T10:00:00Z",
            },
            {
                "id": "5",
                "conversation": "b",
                "speaker": "user",
                "text": "I work as a nurse",
                "time": "2026-05-03T10:00:00Z",
            },
        ],
    )
    queries = write(
        tmp_path / "q.jsonl",
        [
            {
                "question": "What is my cat's name?",
                "evidence": ["1"],
                "time": "2026-06-01T10:00:00Z",
            },
            {"question": "Where do I live?", "evidence": ["4"], "time": "2026-06-01T10:00:00Z"},
            {"question": "What is my job?", "evidence": ["5"], "time": "2026-06-01T10:00:00Z"},
        ],
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "eval.retrieval",
            "--episodes",
            str(episodes),
            "--queries",
            str(queries),
            "--k",
            "1",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["n"] == 3 and figures["k"] == 1
    assert figures["recall_at_k"] == 1.0 and figures["mrr"] == 1.0  # the newer home wins
    assert figures["p95_ms"] > 0


def test_the_shipped_scenario_set_is_big_enough_and_consistent() -> None:
    folder = ROOT / "eval" / "scenarios" / "memory"
    episodes = [
        json.loads(line)
        for line in (folder / "episodes.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    queries = [
        json.loads(line)
        for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    ids = {e["id"] for e in episodes}
    assert len(queries) >= 200
    assert all(set(q["evidence"]) <= ids for q in queries)
    assert sum(bool(q.get("changed")) for q in queries) >= 30  # answers that changed over time
    assert {e["id"][:2] for e in episodes} == {"en", "ru"}
