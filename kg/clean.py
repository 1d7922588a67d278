"""OCR and layout normalisers: small pure ``str -> str`` functions.

Each says exactly what it joins or removes. `clean` applies them in order. Text
that must not change (ordinary prose, numbers with units, ASCII words) passes
through untouched; the tests hold tables of both kinds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from kg import lexicon

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = f"[{CJK}]"
# sentence-final or clause-final marks after which a line break is a real break
_TERMINAL = '。！？!?；;：:…」』”"）)】>》摄'
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u3000]+")
_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(ord("０"), ord("ｚ") + 1) if chr(c).isalnum()}
# runs of the characters _FULLWIDTH_ALNUM maps (０-９, Ａ-Ｚ, ａ-ｚ): str.translate looks up
# every character of a page, so only the runs are handed to it
_FULLWIDTH_RUN = re.compile("[０-９Ａ-Ｚａ-ｚ]+")
# (the space first, then what stands before it: a pattern opening with a look-behind is
# tried at every character)
_DIGIT_GAP = re.compile(r"[ \u3000](?<=\d[ \u3000])(?=\d)")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def remove_control_chars(text: str) -> str:
    """Drop NUL and other control characters, zero-width marks and stray BOMs."""
    return _CONTROL.sub("", text)


def fullwidth_alnum_to_ascii(text: str) -> str:
    """Full-width digits and Latin letters (１２Ａ) become ASCII; punctuation is kept."""
    return _FULLWIDTH_RUN.sub(lambda m: m.group(0).translate(_FULLWIDTH_ALNUM), text)


def collapse_spaces(text: str) -> str:
    """Runs of spaces, tabs and full-width spaces inside a line become one space;
    spaces at the ends of lines are removed."""
    return "\n".join(line.strip() for line in _SPACES.sub(" ", text).split("\n"))


_CJK_SPACED_RUN = re.compile(rf"(?<!{_CJK_RE}){_CJK_RE}+(?: {_CJK_RE}+)+")


def _join_run(run: str) -> str:
    pieces: list[str] = []
    spaced: list[bool] = []  # the piece was made of characters standing alone
    for piece in run.split(" "):
        # characters standing alone side by side are one word spaced out (`韩 梅`)
        if piece != "摄" and pieces and len(piece) == 1 and (len(pieces[-1]) == 1 or spaced[-1]):
            pieces[-1] += piece
            spaced[-1] = True
        else:
            pieces.append(piece)
            spaced.append(False)
    out = pieces[0]
    for prev, piece in zip(pieces, pieces[1:]):
        if len(prev) == 1 or len(piece) == 1 or len(prev) > 4 or len(piece) > 4:
            out += piece
        else:
            out += " " + piece
    return out


def join_spaced_cjk(text: str) -> str:
    """Remove spaces between CJK characters that come from layout or justification:
    a character standing alone (`方 晓` -> `方晓`) or a long run (`推进项目建 设`).
    A space between two short words is kept, since it separates names in bylines
    (`通讯员 王一鸣 赵小川`, `区长 钱立新`)."""
    if "\t" in text or "\u00a0" in text or "\u3000" in text:  # (gone after collapse_spaces)
        text = re.sub(rf"(?<={_CJK_RE})[\t\u00a0\u3000]+(?={_CJK_RE})", " ", text)
    # (a line without a space is left as it is, unread)
    return "\n".join(
        _CJK_SPACED_RUN.sub(lambda m: _join_run(m.group(0)), line) if " " in line else line
        for line in text.split("\n")
    )


def join_spaced_digits(text: str) -> str:
    """Remove a single space between two digits (`2 0 2 3` -> `2023`)."""
    return _DIGIT_GAP.sub("", text)


def fix_ocr_confusions(text: str) -> str:
    """Replace the frequent OCR misreadings of credit words (`诵讯员` -> `通讯员`)."""
    for wrong, right in lexicon.ocr_fixes().items():
        if wrong in text:
            text = text.replace(wrong, right)
    return text


_CLAUSE_MARKS = re.compile("[，、；：,;:]")
_OPENERS = ("#", "■", "□", "●", "◆", "▲", "本报讯", "本报记者")
# (compiled when first needed, by re.search; read in a line's last six characters)
_SIGNED = rf"[。！？!?”] ?{_CJK_RE}{{2,4}}$"


def _column_width(lines: list[str]) -> int:
    """The typical length of a full line in a page set in narrow columns, or 0
    when the page is prose with one paragraph a line."""
    lengths = [len(x) for x in lines if len(x) >= 6]
    if len(lengths) < 8:
        return 0
    width, count = Counter(lengths).most_common(1)[0]
    if width > 40 or count < len(lengths) * 0.15:
        return 0
    return width


def join_wrapped_lines(text: str) -> str:
    """Join lines broken inside a sentence by the page layout (`经济技\\n术开发区`).

    A line is continued by the next non-empty line when it does not end a sentence
    and it is "full": in a narrow-column page, about as long as the column; in
    prose, long (>= 40 characters). Blank lines between the two halves are dropped.
    Headlines, bylines and other short lines stay on lines of their own.
    """
    lines = text.split("\n")
    width = _column_width(lines)
    # the next non-empty line after each line, found in one backward pass
    following = [""] * len(lines)
    for i in range(len(lines) - 2, -1, -1):
        following[i] = lines[i + 1] or following[i + 1]
    out: list[str] = []
    pending = ""
    for i, line in enumerate(lines):
        if not line:
            if not pending:
                out.append("")
            continue
        cur = pending + line if pending else line
        pending = ""
        nxt = following[i]
        # a paragraph's first line may have lost its two-character indent to OCR; a
        # headline (which is no shorter) has no commas
        indent = 2 if (i == 0 or not lines[i - 1]) and _CLAUSE_MARKS.search(line) else 0
        full = ((width and width - 3 - indent <= len(line) <= width + 1)
                or (not width and len(line) >= 40))
        if (
            full
            and line[-1] not in _TERMINAL
            and not line.startswith(("#", "■", "□", "●"))
            and not nxt.startswith(_OPENERS)
            and not (re.search(_SIGNED, line[-6:]) and (" " in line[-6:] or not width))
        ):
            pending = cur
            continue
        out.append(cur)
    if pending:
        out.append(pending)
    # collapse runs of blank lines left by the joins
    joined = "\n".join(out)
    if "\n\n\n" in joined:
        joined = re.sub(r"\n{3,}", "\n\n", joined)
    return joined.strip("\n") + "\n"


STEPS: tuple[Callable[[str], str], ...] = (
    normalize_newlines,
    remove_control_chars,
    fullwidth_alnum_to_ascii,
    collapse_spaces,
    join_wrapped_lines,
    join_spaced_cjk,
    join_spaced_digits,
    fix_ocr_confusions,
)


def clean(text: str) -> str:
    """Apply every normaliser in order."""
    for step in STEPS:
        text = step(text)
    return text
