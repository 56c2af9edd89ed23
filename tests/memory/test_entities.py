from pathlib import Path

import pytest

from memory.entities import EntityExtractor
from memory.fake import HashEmbedder
from memory.service import MemoryService


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    entities = tmp_path / "entities"
    entities.mkdir()
    (entities / "people.yaml").write_text(
        "Маша: [Masha, Мария]\nСергей Петрович: [boss]\n", encoding="utf-8"
    )
    (entities / "places.yaml").write_text("- Казань\n- Berlin\n", encoding="utf-8")
    return entities


def test_names_are_found_in_any_case_and_language(folder: Path) -> None:
    extractor = EntityExtractor(folder)
    found = {
        (e.name, e.label) for e in extractor.extract("Вчера Маше звонил Сергей Петрович из Казани")
    }
    assert found == {("Маша", "PERSON"), ("Сергей Петрович", "PERSON"), ("Казань", "PLACE")}
    assert [e.name for e in extractor.extract("What do you know about Masha?")] == ["Маша"]
    assert extractor.extract("nothing here") == []


def test_an_edited_dictionary_is_used_at_once(folder: Path) -> None:
    extractor = EntityExtractor(folder)
    assert extractor.extract("Барсик спит") == []
    (folder / "objects.yaml").write_text("Барсик: [кот]\n", encoding="utf-8")
    import os
    import time

    later = time.time() + 5
    os.utime(folder / "objects.yaml", (later, later))
    assert [(e.name, e.label) for e in extractor.extract("Барсика покормили")] == [
        ("Барсик", "OBJECT")
    ]


def test_a_broken_dictionary_is_reported_and_the_rest_still_works(folder: Path) -> None:
    (folder / "broken.yaml").write_text("[oops\n", encoding="utf-8")
    extractor = EntityExtractor(folder)
    assert [e.name for e in extractor.extract("Маша")] == ["Маша"]
    assert extractor.problems and extractor.problems[0].file.name == "broken.yaml"


def test_memories_link_to_entities_and_recall_goes_through_them(
    folder: Path, tmp_path: Path
) -> None:
    service = MemoryService(tmp_path / "mem", HashEmbedder(), entities=EntityExtractor(folder))
    service.open(check=False)
    masha = [
        service.remember("Мария испекла пирог", speaker="user").memory,
        service.remember("Маша переехала в Казань", speaker="user").memory,
    ]
    service.remember("The weather was cold", speaker="user")
    assert masha[0].entities == ("Маша",)
    assert set(service.store.by_entities(["Маша"])) == {m.id for m in masha}
    found = [r.memory.id for r in service.recall("What do you know about Masha?", 2)]
    assert set(found) == {m.id for m in masha}
    assert dict(service.store.entity_names())["Маша"] == 2
    service.forget(masha[0].id)
    assert service.store.by_entities(["Маша"]) == [masha[1].id]
    service.close()
