"""Which text encoding a partner's CSV file is in, when the profile does not say.

Why: Excel on a Dutch Windows machine saves "CSV (gescheiden door lijstscheidingsteken)" in
cp1252, so "Müller", "Çelik" and "é" arrive as single bytes that are not UTF-8. A profile
may declare its ``encoding``; then that is used and nothing is guessed. Without one:

1. a byte order mark decides (UTF-8 with BOM, UTF-16 LE/BE);
2. a file that is valid UTF-8 throughout is read as UTF-8 (with or without BOM);
3. otherwise the file is refused when it *mixes* encodings (valid UTF-8 multi-byte
   characters beside bytes that are not UTF-8: no single encoding reads it right), and
   else charset-normalizer chooses among the encodings Dutch partner systems write
   (``CANDIDATES``); when its choice reads the text without noise (``MAX_CHAOS``) the file is
   read with it and the batch summary says so ("codering herkend: cp1252");
4. if not, the file is refused naming the row of the first byte that is not UTF-8, with
   the hint to set ``encoding`` in the profile.

The row named is the line of the first offending byte (header = 1). No text of the file
ends up in a message.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1 << 20  # bytes decoded at a time
SAMPLE_BYTES = 2 * 2**20  # bytes shown to charset-normalizer (from the first byte that is not UTF-8 on)
CANDIDATES = ("cp1252", "iso8859_15", "latin_1")  # what Dutch partner systems write besides UTF-8
MAX_CHAOS = 5.0  # percent of "mess" charset-normalizer may find in its best reading
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
HINT = 'zet de codering van de partner in het importprofiel (bijv. encoding = "cp1252")'


@dataclass(frozen=True)
class EncodingChoice:
    encoding: str = "utf-8-sig"
    detected: bool = False  # recognised (not declared, not UTF-8): the summary says so
    refusal: str = ""  # the file cannot be read reliably: why, and the row
    row: int | None = None


def choose_encoding(path: Path, declared: str | None) -> EncodingChoice:
    """The encoding to read ``path`` with (``declared``: the profile's, used as is)."""
    if declared:
        return EncodingChoice(declared)
    with Path(path).open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return EncodingChoice("utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingChoice("utf-16", detected=True)
    offset = first_non_utf8(path)
    if offset is None:
        return EncodingChoice("utf-8-sig")
    row = _line_of(path, offset)
    with Path(path).open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
        if offset >= len(sample):  # the sample must hold the bytes in question
            fh.seek(max(0, offset - SAMPLE_BYTES // 2))
            sample = fh.read(SAMPLE_BYTES)
    if _mixes_utf8(path):
        return EncodingChoice(
            refusal=(
                f"rij {row} is geen UTF-8, terwijl andere rijen wel UTF-8 zijn: het bestand mengt tekencoderingen. "
                f"Sla het opnieuw op in één codering, of {HINT}"
            ),
            row=row,
        )
    encoding = recognise(sample)
    if encoding is None:
        return EncodingChoice(
            refusal=f"rij {row} is geen geldige UTF-8 en de codering is niet betrouwbaar te herkennen; {HINT}",
            row=row,
        )
    return EncodingChoice(encoding, detected=True)


def recognise(sample: bytes) -> str | None:
    """charset-normalizer's reading of ``sample`` among CANDIDATES, if it reads cleanly; latin-1
    and ISO 8859-15 readings become cp1252 (Excel's) where cp1252 reads the bytes too."""
    from charset_normalizer import from_bytes  # imported on first use: only files that are not UTF-8 need it

    best = from_bytes(sample, cp_isolation=list(CANDIDATES)).best()
    if best is None or best.percent_chaos > MAX_CHAOS:
        return None
    encoding = codecs.lookup(best.encoding).name
    if encoding != "cp1252":
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            encoding = "cp1252"
    if _C1_CONTROLS.search(sample.decode(encoding, "replace")):
        return None  # control characters, not text: no reading of these bytes is reliable
    return encoding


def first_non_utf8(path: Path) -> int | None:
    """Byte offset of the first byte that is not UTF-8 (a BOM is allowed), or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    with Path(path).open("rb") as fh:
        while True:
            block = fh.read(BLOCK)
            pending = len(decoder.getstate()[0])  # bytes of a character cut at the previous block's end
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                return done - pending + exc.start
            if not block:
                return None
            done += len(block)


def _line_of(path: Path, offset: int) -> int:
    """1-based line of the byte at ``offset``."""
    lines, done = 1, 0
    with Path(path).open("rb") as fh:
        while done < offset:
            block = fh.read(min(BLOCK, offset - done))
            if not block:
                break
            lines += block.count(b"\n")
            done += len(block)
    return lines


def _mixes_utf8(path: Path) -> bool:
    """Whether the file holds UTF-8 multi-byte characters (it also holds bytes that are not UTF-8)."""
    with Path(path).open("rb") as fh:
        carry = b""
        while True:
            block = fh.read(BLOCK)
            if not block:
                return False
            if _UTF8_MULTIBYTE.search(carry + block):
                return True
            carry = block[-3:]
