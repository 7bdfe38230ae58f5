"""Showing untrusted text safely: every control character is drawn, never obeyed.

What a user types is stored exactly, but a terminal would act on some of it: `ESC [2J`
clears the screen, `ESC ] 52` writes the clipboard, a right-to-left override turns text
around, a zero-width joiner or soft hyphen hides a difference (`Pa\\u200dul` prints as
`Paul`). Before text coach did not write itself is printed anywhere (the conversation,
`transcripts show`, a Markdown export, a file name, an argument in an error message) it
goes through `visible()`, which replaces each such character with a visible stand-in: C0
controls with their Unicode "control picture" (ESC becomes ␛), a byte that was not UTF-8
(an argument decoded with surrogateescape) as ⟨0x9B⟩, everything else with its code point,
like ⟨U+202E⟩. Newlines and tabs are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Every format character (Unicode category Cf) and every other default-ignorable code point
# (DerivedCoreProperties.txt, Unicode 15.1): all of them are invisible or act on the text
# around them. tests/test_visible.py checks this list against the running Python's Unicode
# tables, so a newer Python with new format characters makes that test fail, not a terminal.
INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# The characters that reorder text on a screen: never shown raw, not even in the input line.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Every character a terminal could act on or a reader could not see, and lone surrogates
# (bytes that were not UTF-8); the JSON export writes these as \u escapes.
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{INVISIBLE}\ud800-\udfff]")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# What may never be part of a stored note (coach/annotations.py): the characters that act
# on a terminal or move text around. A soft hyphen or an emoji's joiner may stay; they are
# shown visibly all the same.
ACTING = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u2060\ufeff{BIDI_CONTROLS}]")


def _stand_in(found: re.Match[str]) -> str:
    return stand_in(found.group())


def stand_in(char: str) -> str:
    """What `visible()` shows for one unsafe character."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte that could not be decoded
        return f"⟨0x{code - 0xDC00:02X}⟩"
    return f"⟨U+{code:04X}⟩"


def visible(text: str) -> str:
    """`text` with every control or invisible formatting character made visible."""
    return UNSAFE.sub(_stand_in, text)


def without_invisible(text: str) -> str:
    """`text` without format and default-ignorable characters: what a reader sees of it."""
    return _INVISIBLE.sub("", text)


def hidden_characters() -> Iterator[str]:
    """Every character that `visible()` replaces apart from C0 and C1 controls (which
    prompt-toolkit draws as ^[ and <9b> itself): the invisible ones, the line and paragraph
    separators, and the bytes that were no UTF-8."""
    yield "\u2028"
    yield "\u2029"
    ranges = re.findall(".-.|.", INVISIBLE, re.DOTALL)
    for found in ranges:
        for code in range(ord(found[0]), ord(found[-1]) + 1):
            yield chr(code)
    for code in range(0xDC80, 0xDD00):
        yield chr(code)


def safe_json(data: object) -> str:
    """`data` as indented JSON that is safe to print on a terminal, with a final newline.

    json.dumps escapes C0 controls but leaves C1 controls, DEL and bidi or invisible
    characters raw; written as \\u escapes, the text still decodes to exactly what was typed.
    """
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text) + "\n"
