"""Numbers as papers print them: forgiving where the meaning is certain, an error otherwise.

Numbers copied from a PDF carry typography that ``float()`` refuses: the Unicode minus sign
(U+2212), an en or em dash used as a minus, the Lancet's middle-dot decimal point (``0·008``),
thin or no-break spaces, thousands separators, ``P < 0·001`` and intervals such as
``-0.13 – 0.37``. What is accepted here has one reading only:

- a leading minus in any of its forms: ``-`` ``−`` (U+2212) ``–`` (en dash) ``—`` (em dash)
  ``‒`` (figure dash) ``﹣`` ``－``;
- a middle dot ``·`` (U+00B7) between digits as the decimal point;
- thousands separators in groups of three: commas when two or more groups follow
  (``1,234,567``) or a decimal point follows (``1,234.5``); spaces (thin, no-break or plain,
  ``150 000``) and ``_`` whenever the groups are of three;
- surrounding whitespace, and one pair of brackets around an interval.

Refused, with a message saying what was expected: ``1,234`` (thousands separator, or a decimal
comma meaning 1.234?), decimal commas (``0,5``), more than one number where one is expected,
``NaN``, ``Infinity`` and anything else ``float()`` would accept only by accident.

Every parser raises :class:`NumberError` (a ValueError): ``"<value>" <problem>``; the
caller adds where (file, field, column) and raises :class:`~ivigstats.errors.InputError` or a
click error.
"""

from __future__ import annotations

import math
import re

MINUS_SIGNS = "\u2212\u2012\u2013\u2014\ufe63\uff0d"  # minus, figure/en/em dash, small/full-width
SPACES = "\u00a0\u2007\u2009\u202f\u2002\u2003\u2004\u2005\u2006\u2008\u200a"
_TO_ASCII = str.maketrans({**{c: "-" for c in MINUS_SIGNS}, **{c: " " for c in SPACES}})
_PLAIN = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_COMMA_GROUPS = re.compile(r"([-+]?)(\d{1,3}(?:,\d{3})+)(\.\d*)?")
_SPACE_GROUPS = re.compile(r"([-+]?)(\d{1,3}(?:[ _]\d{3})+)(\.\d*)?")
_P_PREFIX = re.compile(r"^\s*(?:p\s*(?:-?\s*value)?\s*)?(<=|>=|=<|=>|≤|≥|<|>|=)?\s*", re.IGNORECASE)
OPERATORS = {"<": "<", ">": ">", "=": "=", "<=": "<=", "=<": "<=", "≤": "<=", ">=": ">=",
             "=>": ">=", "≥": ">="}


class NumberError(ValueError):
    """``str()`` is ``"<text>" <problem>``; ``problem`` alone reads after a caller's own
    rendering of the value."""

    def __init__(self, text: str, problem: str):
        super().__init__(f"{_show(text)} {problem}" if text else problem)
        self.text, self.problem = text, problem


def _show(text: str) -> str:
    text = text if len(text) <= 40 else text[:40] + "..."
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def normalise(text: str) -> str:
    """Typographic minus signs to ``-``, special spaces to plain ones, ``·`` between digits to
    ``.``; outer whitespace removed."""
    text = text.translate(_TO_ASCII)
    text = re.sub(r"(?<=\d)\u00b7(?=\d)", ".", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_number(text: str) -> float:
    """One finite number from printed text.

    >>> parse_number("\u22120·23"), parse_number("1,234,567"), parse_number("150\u2009000")
    (-0.23, 1234567.0, 150000.0)
    >>> parse_number("1,234")
    Traceback (most recent call last):
    ...
    ivigstats.numbers.NumberError: "1,234" is ambiguous: 1234 with a thousands separator, or 1.234 with a \
decimal comma; expected 1234 or 1.234
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_number takes text, not {type(text).__name__}")
    s = normalise(text)
    s = re.sub(r"^([-+]) (?=[\d.])", r"\1", s)  # "− 0.23": a sign set apart by a space
    if not s:
        raise NumberError("", "is empty; expected a number")
    if _PLAIN.fullmatch(s):
        value = float(s)
    elif m := _COMMA_GROUPS.fullmatch(s):
        sign, digits, frac = m.groups()
        if digits.count(",") == 1 and frac is None:
            whole, part = digits.split(",")
            raise NumberError(text, f"is ambiguous: {sign}{whole}{part} with a thousands "
                             f"separator, or {sign}{whole}.{part} with a decimal comma; expected "
                             f"{sign}{whole}{part} or {sign}{whole}.{part}")
        value = float(sign + digits.replace(",", "") + (frac or ""))
    elif m := _SPACE_GROUPS.fullmatch(s):
        sign, digits, frac = m.groups()
        value = float(sign + re.sub("[ _]", "", digits) + (frac or ""))
    elif re.fullmatch(r"[-+]?\d+,\d+", s):
        raise NumberError(text, f"has a decimal comma; expected a point as the decimal "
                         f"mark ({s.replace(',', '.')})")
    elif re.fullmatch(r"[-+]?(?:nan|inf|infinity)", s, re.IGNORECASE):
        raise NumberError(text, "is not a finite number; expected a number")
    else:
        raise NumberError(text, "is not a number")
    if not math.isfinite(value):
        raise NumberError(text, "is out of range; expected a finite number")
    return value


def parse_whole(text: str) -> int:
    """A whole number (``1,000,000`` and ``1e6`` included; ``10.5`` refused)."""
    value = parse_number(text)
    if value != math.floor(value):
        raise NumberError(text, "is not a whole number")
    return int(value)


_SEPARATORS = (
    re.compile(r"\s+to\s+", re.IGNORECASE),
    re.compile(r"\s*;\s*"),
    re.compile(r",\s+"),
    re.compile(r"\s+[-\u2012\u2013\u2014]\s+"),
    re.compile(r"(?<=[\d.])[\u2012\u2013\u2014](?=\s*[-+\u2212\u2013\u2014]?[\d.\u00b7])"),
    re.compile(r"(?<=[\d.])-(?=[-+\u2212]?[\d.])"),
    re.compile(r"\s*,\s*"),
)


def parse_interval(text: str) -> tuple[float, float]:
    """Two numbers, low and high: ``-0.13 to 0.37``, ``−0.13–0.37``, ``(-0.43, -0.03)``.

    >>> parse_interval("\u22120.43 \u2013 \u22120.03"), parse_interval("0.13-0.37")
    ((-0.43, -0.03), (0.13, 0.37))
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_interval takes text, not {type(text).__name__}")
    s = text.strip()
    if len(s) >= 2 and s[0] + s[-1] in ("()", "[]"):
        s = s[1:-1].strip()
    expected = "expected an interval such as -0.13 to 0.37, -0.13 – 0.37 or (-0.13, 0.37)"
    for sep in _SEPARATORS:
        parts = sep.split(s)
        if len(parts) != 2:
            continue
        try:
            low, high = parse_number(parts[0]), parse_number(parts[1])
        except ValueError:
            continue
        return low, high
    raise NumberError(text, f"is not two numbers; {expected}")


def parse_p(text) -> tuple[float, str]:
    """A printed P value: ``(value, operator)`` with operator ``=``, ``<``, ``<=``, ``>``, ``>=``.

    ``"p < 0.001"`` is the bound 0.001 with operator ``<``, never the number 0.001.

    >>> parse_p("P < 0\u00b7001"), parse_p("p=.03"), parse_p(0.008)
    ((0.001, '<'), (0.03, '='), (0.008, '='))
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value, op = float(text), "="
    elif isinstance(text, str):
        s = normalise(text)
        m = _P_PREFIX.match(s)
        op = OPERATORS[m.group(1)] if m.group(1) else "="
        rest = s[m.end():]
        if not rest:
            raise NumberError(text, "is not a P value; expected a number such as 0.03 "
                             "or a bound such as < 0.001")
        try:
            value = parse_number(rest)
        except ValueError:
            raise NumberError(text, "is not a P value; expected a number such as 0.03 "
                             "or a bound such as < 0.001") from None
    else:
        raise TypeError(f"parse_p takes text or a number, not {type(text).__name__}")
    if not 0 <= value <= 1:
        raise NumberError(str(text), "is out of range; expected a P value 0 to 1")
    return value, op
