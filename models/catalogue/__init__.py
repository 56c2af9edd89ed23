"""The shipped catalogue: one YAML manifest per model of the starter set (design seed §17)."""

from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent
