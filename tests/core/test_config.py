from pathlib import Path

import pytest

from core import config as config_mod
from core.config import Config
from core.errors import ConfigError


def test_a_missing_file_gives_defaults_and_is_written_for_the_user(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    config = config_mod.load(file)
    assert config.llm.primary.id == "gpt-oss-20b-q4km"
    assert file.exists()
    assert config_mod.load(file) == config


def test_the_seed_shape_is_read(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text(
        """schema_version = 1
[llm.primary]
id = "my-model"
provider = "llama_cpp"
context_length = 8192
max_output_tokens = 512
temperature = 0.3

[llm.lightweight]
id = "phi"
temperature = 0.4

[embeddings.main]
id = "bge-m3-v1.0"
dim = 1024
quant = "int8"

[audio.stt]
model = "faster-whisper-small"
device = "cpu"

[audio.tts]
model = "piper-ru"
voice = "ru-female-1"

[classification.emotion]
model = "distilroberta-multilingual-emotion"
""",
        encoding="utf-8",
    )
    config = config_mod.load(file)
    assert config.llm.primary.context_length == 8192
    assert config.llm.primary.temperature == 0.3
    assert config.llm.lightweight.id == "phi"
    assert config.embeddings.main.quant == "int8"
    assert config.audio.stt.device == "cpu"
    assert config.classification.emotion.model == "distilroberta-multilingual-emotion"


def test_a_bad_value_names_file_line_key_and_what_is_allowed(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text(
        'schema_version = 1\n\n[llm.primary]\nid = "x"\ntemperature = 7.5\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        config_mod.load(file)
    assert err.value.key == "llm.primary.temperature"
    assert err.value.line == 5
    text = str(err.value)
    assert str(file) in text and "less than or equal to 2" in text


def test_a_bad_choice_lists_the_allowed_values(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('schema_version = 1\n[audio.stt]\ndevice = "tpu"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(file)
    assert err.value.key == "audio.stt.device"
    assert err.value.line == 3
    assert "'auto', 'cpu' or 'cuda'" in str(err.value)


def test_an_unknown_key_is_reported_as_such(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("schema_version = 1\n[llm.primary]\ntemprature = 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(file)
    assert err.value.key == "llm.primary.temprature"
    assert err.value.line == 3
    assert "unknown key" in str(err.value)


def test_broken_toml_gives_the_line(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('schema_version = 1\n[llm.primary\nid = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(file)
    assert err.value.line == 2
    assert "not valid TOML" in str(err.value)


def test_the_seed_concept_file_is_migrated_and_the_old_one_kept(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    original = '[llm.primary]\nid = "gpt-oss-20b-q4km"\nprovider = "local"\ncontext_length = 4096\n'
    file.write_text(original, encoding="utf-8")
    config = config_mod.load(file)
    assert config.schema_version == 1
    assert config.llm.primary.provider == "llama_cpp"
    assert (tmp_path / "config.toml.v0.bak").read_text(encoding="utf-8") == original
    assert "schema_version = 1" in file.read_text(encoding="utf-8")


def test_a_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("schema_version = 99\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(file)
    assert err.value.key == "schema_version" and err.value.line == 1
    assert "upgrade domovoy" in str(err.value)


def test_save_round_trips(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    config = Config()
    config.llm.micro.id = "tiny"
    config.llm.primary.top_p = 0.5
    config_mod.save(config, file)
    assert config_mod.load(file) == config
    assert not list(tmp_path.glob(".*tmp"))
