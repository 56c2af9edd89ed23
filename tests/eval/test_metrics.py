"""Each metric of eval.metrics scores a good answer and a bad one differently (the judged ones,
with a real judge, in tests/real/test_evaluation.py)."""

import pytest

from eval import metrics as m
from eval.metrics import UNSEEDED, TurnRecord


def turn(reply: str, **kw: object) -> TurnRecord:
    fields: dict = {"latency_ms": 1000.0, "user_tokens": 4, "reply_tokens": 8} | kw
    return TurnRecord(user="q", reply=reply, **fields)


def test_precision_and_mrr_count_everything_recalled() -> None:
    golden = ["cat"]
    good, bad = ["cat", f"{UNSEEDED}a"], [f"{UNSEEDED}a", f"{UNSEEDED}b", "cat"]
    assert m.precision_at_k(good, golden) == 0.5 > m.precision_at_k(bad, golden) == 1 / 3
    assert m.reciprocal_rank(good, golden) == 1.0 > m.reciprocal_rank(bad, golden) == 1 / 3
    assert m.precision_at_k([], golden) == 0.0 and m.reciprocal_rank([f"{UNSEEDED}a"], golden) == 0


def test_the_relevance_criterion_names_the_recalled_context() -> None:
    assert "what the assistant knew" in m.relevance_criterion(["user: My cat is Barsik"])
    assert "knew" not in m.relevance_criterion([])


@pytest.mark.parametrize(
    ("good", "bad", "rules", "broken"),
    [
        ("Твоего кота зовут Барсик.", "Your cat is Barsik.", {"language": "ru"}, "language"),
        ("Barsik.", "Your cat, as you told me, is called Barsik, a fine name " * 3,
         {"max_words": 20}, "length"),
        ("Your cat is Barsik.", "Your cat is **Barsik**.", {"plain": True}, "plain"),
        ("Your cat is Barsik.", "- Barsik\n- a cat", {"plain": True}, "plain"),
        ("I'm domovoy. Your cat is Barsik.", "As an AI language model, I think it is Barsik.",
         {"name": "domovoy"}, "name"),
        ("Your cat is Barsik.", "Your cat is Barsik.", {"tone": 0.9}, None),
    ],
)  # fmt: skip
def test_persona_rules(good: str, bad: str, rules: dict, broken: str | None) -> None:
    kept = m.persona_checks(good, **rules)
    assert m.persona_adherence(kept) == 1.0
    if broken is not None:
        failed = m.persona_checks(bad, **rules)
        assert failed[broken] is False and m.persona_adherence(failed) == 0.0
    assert m.persona_adherence(m.persona_checks("x", tone=0.2)) == 0.0  # the judge said no
    assert m.persona_adherence({}) is None  # no rule: not measured


def test_language_of() -> None:
    assert m.language_of("Привет, как дела? OK") == "ru"
    assert m.language_of("Hello, Маша!") == "en" and m.language_of("42") == ""


def test_persona_drift() -> None:
    assert m.drift([0.9, 0.9, 0.6]) == pytest.approx(-0.3)
    assert m.drift([0.9]) is None


def test_emotion_latency_follows_the_reply_not_the_user() -> None:
    turns = [
        turn("Hello!"),
        turn("Oh, I'm sorry you feel sad.", reply_emotions={"sadness": 1.0}),
        turn("Let's do something fun!", reply_emotions={"joy": 1.0}),
    ]
    assert m.reply_tone_latency(turns, 0, "sadness") == (1, 2000.0)  # one turn later
    assert m.reply_tone_latency(turns, 1, "sadness") == (0, 1000.0)  # at once
    assert m.reply_tone_latency(turns, 2, "sadness") is None  # a cheerful reply: never follows


def test_a_reply_that_echoes_the_sad_message_does_not_reflect_it() -> None:
    sad = "I feel so sad and lonely today."
    echo = m.TurnRecord(sad, "I feel so sad and lonely today", 1000.0, 8, 8,
                        reply_emotions={"sadness": 1.0})  # fmt: skip
    kind = m.TurnRecord(sad, "I'm so sorry you feel sad and lonely.", 1000.0, 8, 9,
                        reply_emotions={"sadness": 1.0})  # fmt: skip
    assert m.echoes(echo) and not m.echoes(kind)
    assert m.reply_tone_latency([echo], 0, "sadness") is None
    assert m.reply_tone_latency([kind], 0, "sadness") == (0, 1000.0)


def test_token_efficiency_is_output_per_user_token() -> None:
    brief, verbose = [turn("ok", reply_tokens=4)], [turn("...", reply_tokens=40)]
    assert m.token_efficiency(brief) == 1.0 < m.token_efficiency(verbose) == 10.0
    assert m.token_efficiency([turn("", user_tokens=0)]) is None


def test_hallucination_on_remembered_content_and_on_things_never_said() -> None:
    assert not m.hallucinated_known("Your cat is Barsik.", "Barsik")
    assert m.hallucinated_known("Your cat is Murzik.", "Barsik")  # the fact is missing
    assert m.hallucinated_known("Barsik, and he is ten.", "Barsik", supported=0.1)  # the judge
    assert not m.hallucinated_known("Barsik.", "Barsik", supported=0.9)
    assert not m.invented("I don't know, you haven't told me.")
    assert not m.invented("Не знаю, ты мне не говорил.")
    assert m.invented("Your dog is called Max.")


def test_latency_against_the_scenario_budget() -> None:
    quick, slow = turn("a", first_token_ms=300.0), turn("b", first_token_ms=5000.0)
    assert m.within_budget(quick, 1000, 2000) is True
    assert m.within_budget(slow, 1000, 2000) is False
    assert m.within_budget(turn("c", latency_ms=9000.0), None, 2000) is False
    assert m.within_budget(slow, None, None) is None


def test_mean_and_median() -> None:
    assert m.mean([]) is None and m.median([]) is None
    assert m.median([3.0, 1.0, 2.0]) == 2.0 and m.median([1.0, 4.0]) == 2.5
