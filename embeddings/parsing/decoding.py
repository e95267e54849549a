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


def decode_text(data: bytes, path: str, *, declared: str | None = None) -> str:
    """Decode a file's bytes to str, or raise ParseError naming why it is not text.

    `declared` is the encoding the file names for itself (an HTML page's <meta charset>); it is
    tried after a byte-order mark and before the UTF-8 / Windows-1252 guess.
    """
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
    declared_text = _decode_declared(data, declared)
    if declared_text is not None:
        return _checked(declared_text, path)
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(_FALLBACK)
    except UnicodeDecodeError as exc:
        raise ParseError(path, "not UTF-8 text and not reliably decodable; save it as UTF-8") from exc
    return _checked(text, path)


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    """The text in the declared encoding, or None when the name is unknown or does not fit the bytes."""
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return None
    # As browsers do (WHATWG Encoding): a page read as ASCII bytes cannot really be UTF-16,
    # and pages labelled Latin-1 or ASCII are written in Windows-1252.
    candidates = {"utf-16": ["utf-8"], "utf-32": ["utf-8"], "iso8859-1": [_FALLBACK, name], "ascii": [_FALLBACK, name]}
    for encoding in candidates.get(name, [name]):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def _checked(text: str, path: str) -> str:
    """Reject text whose control characters show it is really binary."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    if controls > max(2, len(sample) // 200):
        raise ParseError(path, "binary file (control characters); article files must be text")
    if not text.strip():
        raise ParseError(path, "the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")
