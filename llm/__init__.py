"""Language models: the provider protocol, the llama.cpp backend, and a scripted fake."""

from llm.base import LLM, ChatMessage, GenerationParams

__all__ = ["LLM", "ChatMessage", "GenerationParams"]
