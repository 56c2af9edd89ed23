"""The shipped catalogue: one YAML manifest per model of the starter set (design seed §17)."""

from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent

# The design's model for every role (§17), which `domovoy models pull --starter` and the Models
# page's "Get the starter set" fetch; silero-vad ships in its Python package.
STARTER_SET = (
    "gpt-oss-20b-q4km",
    "phi-3.5-mini-instruct-q4_k_m-v1.0",
    "bge-m3",
    "gte-small",
    "faster-whisper-small",
    "piper-ru-irina-medium",
    "piper-en-lessac-medium",
    "distilroberta-emotion",
)
