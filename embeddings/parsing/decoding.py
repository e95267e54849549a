"""Turning an article file's bytes into text, refusing binaries and undecodable encodings."""

from __future__ import annotations

import codecs
import unicodedata

from embeddings.errors import ParseError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Windows-1252 is the one legacy encoding common enough in saved articles to guess safely:
# strict decoding rejects its five undefined bytes, and the control-character check below
# rejects text that only decodes by accident.
_FALLBACK = "cp1252"


def decode_text(data: bytes, path: str) -> str:
    """Decode a file's bytes to str, or raise ParseError naming why it is not text."""
    if not data.strip():
        raise ParseError(path, "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom):].decode(encoding), path)
            except UnicodeDecodeError as exc:
                raise ParseError(path, f"invalid {encoding} text ({exc.reason})") from exc
    if b"\x00" in data:
        raise ParseError(path, "binary file (contains NUL bytes); article files must be text")
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(_FALLBACK)
    except UnicodeDecodeError as exc:
        raise ParseError(path, "not UTF-8 text and not reliably decodable; save it as UTF-8") from exc
    return _checked(text, path)


def _checked(text: str, path: str) -> str:
    """Reject text whose control characters show it is really binary."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    if controls > max(2, len(sample) // 200):
        raise ParseError(path, "binary file (control characters); article files must be text")
    if not text.strip():
        raise ParseError(path, "the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")
