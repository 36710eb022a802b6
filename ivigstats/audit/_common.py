"""What every audit check shares: the finding row and the rounding of printed numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One tidy finding: ``outcome`` (or the trial id for trial-level checks), ``check``,
    ``severity`` (error | warning | info), ``message`` and ``suggestion`` (may be empty)."""

    outcome: str
    check: str
    severity: str
    message: str
    suggestion: str = ""

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")


def half_unit(x: float) -> float:
    """Half a unit in the last printed place of ``x``: 0.005 for 0.12, 0.5e-5 for 2.4e-05.

    A printed number stands for every value that rounds to it, so ``x`` means
    ``[x - half_unit(x), x + half_unit(x)]``. Floats lose trailing zeros (0.30 is read as 0.3),
    which widens the interval: the checks are then lenient, never falsely strict.
    """
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** min(int(exponent), 0) if isinstance(exponent, int) else 0.0


def decimals(x: float) -> int:
    """Decimal places printed in ``x`` (0 for whole numbers)."""
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def num(x: float) -> str:
    """A printed number as printed (shortest repr, no exponent for ordinary sizes)."""
    return f"{x:g}"


def sig(x: float, digits: int = 3) -> str:
    """A computed number for reading: ``digits`` significant digits."""
    return f"{x:.{digits}g}"


def p_text(p: float) -> str:
    """A computed P for reading: 3 significant digits, 2 below 0.001."""
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.2g}"
