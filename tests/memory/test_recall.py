from memory.recall import Recalled, distinct, worth_attention
from memory.store import Memory


def _found(text: str, similarity: float, *, by_words: bool = False) -> Recalled:
    return Recalled(Memory(id=text, text=text), 1.0, 1.0, 1.0, 0.5, similarity, by_words)


def test_only_what_is_near_the_closest_memory_is_worth_attention() -> None:
    """all-MiniLM on Russian: the cat's memory at 0.89, the sister's at 0.65 (measured)."""
    cat, sister = _found("Моего кота зовут Барсик", 0.89), _found("Моя сестра Маша", 0.65)
    assert worth_attention([cat, sister]) == [cat]


def test_words_shared_with_the_question_keep_a_memory_and_off_topic_ones_go() -> None:
    named = _found("Barsik ate the plant", 0.2, by_words=True)
    close, far = _found("My cat is called Barsik", 0.62), _found("The sky is blue", 0.1)
    assert worth_attention([close, named, far]) == [close, named]
    assert worth_attention([far]) == []  # nothing on the topic at all
    assert worth_attention([]) == []


def test_the_same_words_said_many_times_count_once_among_the_dense_candidates() -> None:
    found = [("a1", 0.8123456), ("a2", 0.8123456), ("b", 0.7), ("a3", 0.8123456 - 1e-9)]
    assert distinct(found) == [("a1", 0.8123456), ("b", 0.7)]
