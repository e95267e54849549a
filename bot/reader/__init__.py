"""The reader: our own cross-encoder that judges whether a sentence answers a question, or passages support a claim."""

from bot.reader.inputs import AnswerInput, ClaimInput
from bot.reader.model import MODEL_DIR, Reader, ReaderError, load_reader

__all__ = ["MODEL_DIR", "AnswerInput", "ClaimInput", "Reader", "ReaderError", "load_reader"]
