"""The model catalogue, reading model files, the demo models, and makers of tiny test models."""
