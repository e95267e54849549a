"""The server's own language model, reached over an OpenAI-compatible HTTP API (no SDK needed)."""

from bot.llm.client import ChatClient, LLMConfig, LLMError

__all__ = ["ChatClient", "LLMConfig", "LLMError"]
