"""Medians, spreads, percentiles and paired ratios: plain functions over lists of floats."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0 to 100), linear between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def paired_ratio(baseline: Sequence[float], other: Sequence[float], higher_is_better: bool) -> float | None:
    """The median over rounds of how many times better the baseline is than ``other`` in the same round
    (>1: the baseline wins). Rounds are paired by index, so machine noise hits both sides of each pair."""
    pairs = [(b, o) for b, o in zip(baseline, other, strict=False) if b > 0 and o > 0]
    if not pairs:
        return None
    return median([b / o if higher_is_better else o / b for b, o in pairs])


def fmt(value: float) -> str:
    """Three significant figures, no exponent: 0.0123, 1.23, 123, 12300."""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= 2:
        return f"{value:.0f}"
    return f"{value:.{2 - magnitude}f}"
