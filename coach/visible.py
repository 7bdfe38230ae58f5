"""Showing untrusted text safely: every control character is drawn, never obeyed.

What a user types is stored exactly, but a terminal would act on some of it: `ESC [2J`
clears the screen, `ESC ] 52` writes the clipboard, a right-to-left override turns text
around, a zero-width space hides a difference. Before user text is printed anywhere (the
conversation, `transcripts show`, a Markdown export) it goes through `visible()`, which
replaces each such character with a visible stand-in: C0 controls with their Unicode
"control picture" (ESC becomes ␛), everything else with its code point, like ⟨U+202E⟩.
Newlines and tabs are kept.
"""

from __future__ import annotations

import re

_BIDI_AND_INVISIBLE = "\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff"
# Every character a terminal could act on; the JSON export writes these as \u escapes.
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_INVISIBLE}]")


def _stand_in(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟨U+{code:04X}⟩"


def visible(text: str) -> str:
    """`text` with every control or invisible formatting character made visible."""
    return UNSAFE.sub(_stand_in, text)


def safe_json(data: object) -> str:
    """`data` as indented JSON that is safe to print on a terminal, with a final newline.

    json.dumps escapes C0 controls but leaves C1 controls, DEL and bidi or invisible
    characters raw; written as \\u escapes, the text still decodes to exactly what was typed.
    """
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text) + "\n"
