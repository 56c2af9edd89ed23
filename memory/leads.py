"""The leads recall follows past its first candidates (issue #18): the day a question names,
what was said right after what it names, the names the best memories name, a later correction
of one of them, and the user's reply to a question the assistant asked. Each was measured on
the long-dialogue set (``eval/scenarios/memory/long``) and kept because it helped there and on
the older set."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from memory.changes import Changes, the_users
from memory.embeddings import Embedder
from memory.entities import names_in
from memory.query import Asked
from memory.recall import (
    CANDIDATES,
    Candidates,
    Recalled,
    answers_a_question,
    asks,
    exchange,
    passage,
)
from memory.relations import (
    asked_about,
    introduced,
    introduces,
    relation_words,
    relations_in,
    same_name,
)
from memory.store import Memory, MemoryKind, Store

CORRECTED_FROM = 3  # the best this many user memories are looked at for a later correction
SAME_SUBJECT = 0.33  # this close to a memory (USE's cosines; MiniLM's run higher) is its subject
NAMED_FROM = 3  # this many names the best memories name lead on to what else names them
NAMES_AMONG = 5  # ...the names of the best this many
INTRODUCED_AMONG = 30  # the best this many candidates are read for who they introduce


def that_day(
    store: Store,
    candidates: Candidates,
    asked: Asked,
    vector: np.ndarray | None,
    embedder: Embedder | None,
) -> dict[str, Memory]:
    """The named day's memories join the candidates, closest in meaning first (and are
    returned, read); asked in the first person, what the user said that day."""
    assert asked.day is not None
    speaker = "user" if asked.about_the_user else None
    memories = store.between(*asked.day, limit=CANDIDATES * 4, speaker=speaker)
    _join(candidates, memories, vector, embedder)
    return {m.id: m for m in memories}


def keep_to_the_day(store: Store, results: list[Recalled], asked: Asked) -> list[Recalled]:
    """Only what was said on the day the question names (when any of it was recalled); asked
    in the first person ("what did I do on 14 March?"), only what the user said then. What
    was said that day alone goes before what was said on other days too ("I'm so tired
    today."): the day is told apart by what happened on it. (In conversation the assistant
    stores a turn said again once; an imported chat history keeps every turn.)"""
    if asked.day is None:
        return results
    start, end = asked.day
    that_day = [r for r in results if start <= r.memory.created_at < end]
    if asked.about_the_user:
        that_day = [r for r in that_day if r.memory.speaker != "assistant"] or that_day
    said = store.times_said([r.memory.text for r in that_day])
    that_day.sort(key=lambda r: said.get(r.memory.text, 1) > 1)  # stable: in their order
    return that_day or results


def right_after(
    store: Store, anchors: Sequence[Recalled], results: list[Recalled], kinds: Sequence[MemoryKind]
) -> list[Recalled]:
    """What the user said next after each of the anchors ("right after the plumber"), first,
    in the anchors' order: the anchor that is meant may be the third ("the bus broke down on
    the bridge", after "the evening bus is always full" and "someone left an umbrella on the
    bus"), and what was said after the first two must leave it room."""
    lead: dict[str, Memory] = {}
    for anchor in anchors:  # the user's first line within the next three turns
        said = [m for m in store.following(anchor.memory, 3) if m.speaker == "user"]
        said = [m for m in said if m.kind in kinds]
        if said:
            lead.setdefault(said[0].id, said[0])
    first = [Recalled(m, 1.0, 1.0, 0.0, m.importance / 10, by_words=True) for m in lead.values()]
    return first + [r for r in results if r.memory.id not in lead]


def _join(
    candidates: Candidates,
    memories: Sequence[Memory],
    vector: np.ndarray | None,
    embedder: Embedder | None,
) -> None:
    """``memories`` join the candidates, closest to the question first (by time, with no
    embedder: recall by words alone)."""
    if vector is None or embedder is None or not memories:
        candidates.ranked((m.id for m in memories), by_words=True)
        return
    _closest_first(
        candidates, memories, embedder.embed([passage(m) for m in memories], "passage") @ vector
    )


def _closest_first(candidates: Candidates, memories: Sequence[Memory], scores: np.ndarray) -> None:
    order = np.argsort(-scores)
    candidates.dense([(memories[i].id, float(scores[i])) for i in order])


def through_names(
    store: Store,
    candidates: Candidates,
    found: dict[str, Memory],
    best: Sequence[Recalled],
    words: str,
    vector: np.ndarray | None,
    embedder: Embedder | None,
) -> bool:
    """The other memories that name who or what the best ones name join the candidates, or
    count once more where they are among them, closest in meaning first: "what does my
    sister's husband do?" finds "my sister Emma", and through Emma, "Emma married Tom". Where
    a best memory introduces the name as the one the question asks about ("my son" of "My
    son's name is Graham"), theirs are as close as to the question asked of that name: "What's
    happened to my son at work? Graham"."""
    names = [n for r in best for n in names_in(r.memory.text)][:NAMED_FROM]
    found_by = [store.lexical(name, CANDIDATES // 2, common=False, name=True) for name in names]
    ids = [i for hits in found_by for i in hits]
    own = {r.memory.id for r in best}
    ids = [i for i in dict.fromkeys(ids) if i not in own]
    if not ids:
        return False
    found |= store.get_many([i for i in ids if i not in found])
    joined = [found[i] for i in ids if i in found]
    if vector is None or embedder is None:
        _join(candidates, joined, None, None)
        return True
    passages = embedder.embed([passage(m) for m in joined], "passage")
    scores, bridges = passages @ vector, _bridges(best, words)
    ceiling = max(candidates.similarity.values(), default=1.0)
    for name, hits in zip(names, found_by, strict=True):
        if name in bridges:  # as close as to the question asked by name, within the closest
            bridged = np.minimum(
                passages @ embedder.embed([f"{words} {name}"], "query")[0], ceiling
            )
            scores = np.where([m.id in hits for m in joined], np.maximum(scores, bridged), scores)
    _closest_first(candidates, joined, scores)
    return True


def _bridges(best: Sequence[Recalled], words: str) -> set[str]:
    """The names the best memories introduce as someone the question names by their relation
    to the user only ("my son", "моего брата"); the one it asks about if they are introduced
    ("my daughter's teacher" of "Mia's teacher is Mr Okafor"), else whose they are ("my
    sister's husband" of "My sister Emma")."""
    named = names_in(words)
    said = [
        (name, key)
        for r in best
        for name, key in introduced(r.memory.text).items()
        if not any(same_name(name, n) for n in named)
    ]
    for relations in asked_about(words):
        found = {name for name, key in said if key in relations}
        if found:
            return found
    return set()


def introductions(candidates: Candidates, found: dict[str, Memory], words: str) -> None:
    """The candidates that say who the question's people are to the user count once more:
    "How old is Mia?" is answered by "Our daughter Mia is seven", not by the dozens of times
    Mia was only named; "What does my sister do?" by "One sister, Hannah, she's a vet"."""
    names = names_in(words)
    wanted = relations_in(words)
    if not names and not wanted:
        return
    # only what has one of the names, or else a relation the question names, is read further
    marks = [n.lower()[: max(3, len(n) - 2)] for n in names] or [
        w.lower()[:3] for w in relation_words(words)
    ]
    intros = []
    best = sorted(candidates.ranks, key=candidates.ranks.__getitem__, reverse=True)
    for memory_id in best[:INTRODUCED_AMONG]:
        memory = found.get(memory_id)
        if memory is None or not any(m in memory.text.lower() for m in marks):
            continue
        if (
            introduces(memory.text, names)
            if names
            else wanted & set(introduced(memory.text).values())
        ):
            intros.append(memory_id)
    candidates.ranked(intros, by_words=True)


def corrected(changes: Changes, results: list[Recalled], embedder: Embedder) -> list[Recalled]:
    """What the user said later in place of one of the best memories ("We're off to
    Croatia instead", after "a holiday in Portugal"): the closest to it of the later memories
    of the same subject that say it changed goes just before it."""
    out = list(results)
    best_ones = [r for r in results if the_users(r.memory)][:CORRECTED_FROM]
    later = changes.closest_later([r.memory for r in best_ones], embedder, SAME_SUBJECT)
    for best, closest in zip(best_ones, later, strict=True):
        if closest is None:
            continue
        out = [r for r in out if r.memory.id != closest.id]  # recalled already: moved up
        place = next((n for n, r in enumerate(out) if r.memory.id == best.memory.id), None)
        if place is not None:  # (not when it was itself moved up as an earlier one's)
            out.insert(place, dataclasses.replace(best, memory=closest, by_words=False))
    return out


def answers(
    store: Store,
    candidates: Candidates,
    found: dict[str, Memory],
    vector: np.ndarray | None,
    embedder: Embedder | None,
) -> None:
    """An assistant's question says nothing the user told; the user's reply that follows
    it does ("What's your favourite band?" — "Radiohead, no contest."): it takes the
    question's place, and is as close to the question asked of memory as the two together
    ("How do you get to the office? Tram, then a ten minute walk.")."""
    pairs: dict[str, str] = {}
    for memory in [m for m in found.values() if asks(m)]:
        reply = store.following(memory, 1)
        if reply and answers_a_question(memory, reply[0]):
            found[reply[0].id] = reply[0]
            candidates.pass_on(memory.id, reply[0].id)
            pairs[reply[0].id] = exchange(memory, reply[0])
    if pairs and vector is not None and embedder is not None:
        close = embedder.embed(list(pairs.values()), "passage") @ vector
        for reply_id, similarity in zip(pairs, close, strict=True):
            candidates.closer(reply_id, float(similarity))
