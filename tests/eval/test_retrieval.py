"""eval.retrieval on a small hand-made set: the machinery, and the figures it prints."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.paths import Paths
from eval import retrieval

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def small_set(tmp_path: Path) -> tuple[Path, Path]:
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
                "language": "en",
            },
            {"question": "Where do I live?", "evidence": ["4"], "time": "2026-06-01T10:00:00Z"},
            {"question": "What is my job?", "evidence": ["5"], "time": "2026-06-01T10:00:00Z"},
        ],
    )
    return episodes, queries


def _each(files: Path | list[Path]) -> list[str]:
    return [str(files)] if isinstance(files, Path) else [str(f) for f in files]


def _retrieval(
    episodes: Path | list[Path], queries: Path | list[Path], *options: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """``python -m eval.retrieval`` on the set (or sets), as a user runs it: its output and
    figures."""
    command = [sys.executable, "-m", "eval.retrieval", "--episodes", *_each(episodes)]
    result = subprocess.run(
        [*command, "--queries", *_each(queries), *options, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result, json.loads(result.stdout.strip().splitlines()[-1])


def test_recall_and_mrr_on_a_small_set(tmp_path: Path, domovoy_home: Paths) -> None:
    episodes, queries = small_set(tmp_path)
    result, figures = _retrieval(episodes, queries, "--k", "1")
    assert figures["n"] == 3 and figures["k"] == 1
    assert figures["recall_at_k"] == 1.0 and figures["mrr"] == 1.0  # the newer home wins
    assert figures["p95_ms"] > 0
    assert figures["embedder"] == "use-multilingual"  # bge-m3 is configured, not installed
    assert "embedder: use-multilingual" in result.stdout
    for baseline in ("hybrid", "dense"):  # computed in the same run, each with its ratio
        assert 0.0 <= figures[baseline]["recall_at_k"] <= 1.0
        assert figures[f"over_{baseline}"] is None or figures[f"over_{baseline}"] >= 1.0
    english = figures["by_language"]["en"]  # the one question that names its language
    assert set(figures["by_language"]) == {"en"}
    dense = english["dense"]["recall_at_k"]
    assert english["most_over_dense"] == (round(1 / dense, 3) if dense else None)
    assert "language en: recall@1" in result.stdout and "(at most " in result.stdout


def test_several_sets_are_read_together_each_user_apart(
    tmp_path: Path, domovoy_home: Paths
) -> None:
    """Both unseen sets are read as one (issue #18's targets are read over the two): each
    user's questions are asked of their own memories only."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    first, second = small_set(tmp_path / "a"), small_set(tmp_path / "b")
    for path in second:  # the same set, another user's: their ids are their own
        rows: list[dict[str, Any]] = _jsonl(path)
        for row in rows:
            row["user"] = "other"
            if "id" in row:
                row["id"] = f"b{row['id']}"
            if "evidence" in row:
                row["evidence"] = [f"b{i}" for i in row["evidence"]]
        write(path, rows)
    _, figures = _retrieval(first[0], first[1], "--k", "1")
    _, both = _retrieval([first[0], second[0]], [first[1], second[1]], "--k", "1")
    assert both["n"] == 2 * figures["n"] == 6
    assert both["recall_at_k"] == figures["recall_at_k"] == 1.0  # not the other one's Moscow


def test_the_configured_embedder_is_the_one_measured(
    tmp_path: Path, domovoy_home: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    from core import config as config_mod
    from memory.embeddings import packaged_minilm

    domovoy_home.ensure()
    manifest = {
        "id": "minilm-copy", "family": "minilm", "role": "embedding",
        "path": str(packaged_minilm()),
        "format": "sentence-transformers", "quant": "fp32", "context_length": 256,
        "capabilities": ["embed"], "revision": "copy-1", "checksum_sha256": None,
        "skip_checksum": True, "metadata": {"dimension": 384},
    }  # fmt: skip
    (domovoy_home.manifests_dir / "minilm-copy.yaml").write_text(yaml.safe_dump(manifest))
    config = config_mod.Config()
    config.embeddings.main.id, config.embeddings.main.dim = "minilm-copy", 384
    config_mod.save(config, domovoy_home.config_file)
    episodes, queries = small_set(tmp_path)
    assert retrieval.main(["--episodes", str(episodes), "--queries", str(queries), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["embedder"] == "minilm-copy" and figures["recall_at_k"] == 1.0
    code = retrieval.main(
        ["--episodes", str(episodes), "--queries", str(queries), "--embedder", "nope"]
    )
    assert code == 2 and "embedder 'nope' is not installed" in capsys.readouterr().err


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


def _jsonl(file: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["long", "unseen", "unseen2", "unseen3"])
def test_the_long_dialogue_set_is_long_labelled_and_made_by_its_tool(
    tmp_path: Path, name: str
) -> None:
    """Issue #18's sets: months of sessions per user, in both languages, every kind of question,
    its evidence in the asking user's own conversation; and the committed files are what
    make_long_dialogues writes from the folder's material."""
    from eval.scenarios import make_long_dialogues

    folder = ROOT / "eval" / "scenarios" / "memory" / name
    episodes, queries = _jsonl(folder / "episodes.jsonl"), _jsonl(folder / "queries.jsonl")
    owner = {e["id"]: e["user"] for e in episodes}
    for user in {e["user"] for e in episodes}:
        turns = [e for e in episodes if e["user"] == user]
        assert len(turns) >= 500 and len({e["conversation"] for e in turns}) >= 30, user
    assert {q["language"] for q in queries} == {"en", "ru"}
    kinds = {"fact", "preference", "answer", "corrected", "when", "dated", "after", "multihop"}
    assert {q["kind"] for q in queries} == kinds | {"never"}
    for q in queries:
        evidence = q["evidence"]
        assert isinstance(evidence, list)
        assert (q["kind"] == "never") == (not evidence), q
        assert all(owner[i] == q["user"] for i in evidence), q
    assert all(len(q["evidence"]) == 2 for q in queries if q["kind"] == "multihop")  # type: ignore[arg-type]
    make_long_dialogues.main(tmp_path, folder / "material.yaml")
    for file in ("episodes.jsonl", "queries.jsonl"):
        assert (tmp_path / file).read_text(encoding="utf-8") == (folder / file).read_text(
            encoding="utf-8"
        ), file


@pytest.mark.parametrize(
    ("name", "least", "over_hybrid", "over_dense"),
    [
        ("long", 0.95, 1.5, 1.8),
        ("unseen", 0.85, 1.5, 2.3),
        ("unseen2", 0.85, 1.5, 2.1),
        ("unseen3", 0.7, 1.5, 1.6),
    ],
)
def test_recall_on_the_long_dialogues_stays_far_over_both_baselines_in_each_language(
    domovoy_home: Paths, name: str, least: float, over_hybrid: float, over_dense: float
) -> None:
    """What a user would judge of memory, on the real multilingual USE the packages ship:
    through the assistant's recall, the turns that answer months-old questions are found in
    both languages, far more often than by either baseline. The floors are under the figures
    measured on 2026-12-07 (long: en 0.99, ru 0.98; 1.87x and 1.65x the hybrid, 2.61x and 2.00x
    dense; on 2026-12-08, unseen: en 1.00, ru 0.89; 2.44x and 1.72x, 2.80x and 2.63x;
    unseen2: en 0.93, ru 0.97; 1.86x and 2.07x, 2.35x and 2.64x; unseen3, the set not tuned
    on: en 0.90, ru 0.80; 2.00x and 1.78x, 2.35x and 1.92x) by a question or two, as a run can
    move them (the goals themselves are the benchmark's to print)."""
    folder = ROOT / "eval" / "scenarios" / "memory" / name
    _, figures = _retrieval(folder / "episodes.jsonl", folder / "queries.jsonl")
    assert figures["embedder"] == "use-multilingual" and figures["k"] == 5
    for language in ("en", "ru"):
        measured = figures["by_language"][language]
        assert measured["domovoy"]["recall_at_k"] >= least, (language, measured)
        assert measured["over_hybrid"] >= over_hybrid, (language, measured)
        assert measured["over_dense"] >= over_dense, (language, measured)


def test_the_scores_tell_a_good_ranking_from_a_bad_one() -> None:
    from eval.baselines import ndcg_at, recall_at, reciprocal_rank

    evidence = {"a", "b"}
    good, late, bad = ["a", "b", "x", "y"], ["x", "y", "a", "b"], ["x", "y", "z", "w"]
    assert recall_at(good, evidence, 2) == 1.0 and recall_at(late, evidence, 2) == 0.0
    assert recall_at(late, evidence, 4) == 1.0 and recall_at(bad, evidence, 4) == 0.0
    assert reciprocal_rank(good, evidence) == 1.0 and reciprocal_rank(late, evidence) == 1 / 3
    assert ndcg_at(good, evidence, 4) == pytest.approx(1.0)
    assert 0.0 < ndcg_at(late, evidence, 4) < 0.7 and ndcg_at(bad, evidence, 4) == 0.0


def test_as_written_a_turn_said_again_is_stored_once_and_still_found(
    tmp_path: Path, domovoy_home: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    episodes = [
        {"id": str(n), "conversation": "a", "speaker": "user", "text": text,
         "time": f"2026-01-0{n}T10:00:00Z"}
        for n, text in enumerate(["My cat is called Barsik", "I'm so tired today.",
                                  "I'm so tired today.", "I work as a nurse"], start=1)
    ]  # fmt: skip
    queries = [
        {"question": "How was I feeling?", "evidence": ["3"], "time": "2026-02-01T10:00:00Z"}
    ]
    args = ["--episodes", str(write(tmp_path / "e.jsonl", episodes)), "--k", "1", "--json"]
    args += ["--queries", str(write(tmp_path / "q.jsonl", queries))]
    assert retrieval.main([*args, "--written"]) == 0
    written = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert written["stored"] == "as written in conversation"
    assert written["recall_at_k"] == 1.0  # the evidence is the copy the first saying went into
    assert retrieval.main(args) == 0
    imported = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert imported["stored"] == "every turn, as imported"
