"""The composition root: the Assistant, the CLI, and app/ui (all of Qt)."""
