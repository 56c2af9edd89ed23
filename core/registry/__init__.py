"""The model registry: manifests (schema and rules), the catalogue, checksums."""

from core.registry.catalogue import Entry, Registry
from core.registry.manifest import LLM_ROLES, ROLES, Manifest, Source
from core.registry.validate import parse_file, validate_files

__all__ = [
    "LLM_ROLES",
    "ROLES",
    "Entry",
    "Manifest",
    "Registry",
    "Source",
    "parse_file",
    "validate_files",
]
