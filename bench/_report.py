"""Rows of results, the table, and ``docs/benchmarks.md``."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._stats import fmt, median, paired_ratio


@dataclass
class Row:
    """One subject's figure. ``samples`` are per-run values (a run's rate, a run's p50…); ``status`` set
    means no number (not run, not applicable, pending) and says why."""

    figure: str
    subject: str
    unit: str
    higher_is_better: bool
    samples: list[float] = field(default_factory=list)
    status: str | None = None
    harness: bool = False  # the harness's own row (a baseline)
    versus: str | None = None  # the harness row this peer is compared with (default: the figure's first)
    note: str = ""
    ratio: float | None = None

    @property
    def value(self) -> float:
        return median(self.samples)

    def cells(self) -> list[str]:
        if self.status is not None or not self.samples:
            return [self.figure, self.subject, "—", "—", "0", self.status or "no samples"]
        spread = f"{fmt(min(self.samples))}-{fmt(max(self.samples))}"
        if self.harness:
            versus = "baseline"
        elif self.ratio is None:
            versus = "—"
        else:
            versus = f"{self.ratio:.2f}x" + (f" (vs {self.versus})" if self.versus else "")
        return [
            self.figure,
            self.subject,
            f"{fmt(self.value)} {self.unit}",
            spread,
            str(len(self.samples)),
            versus,
        ]


HEADER = ["Figure", "Subject", "Median", "Spread (min-max)", "Runs", "Harness advantage"]


def compare(rows: list[Row]) -> None:
    """Fill each peer row's ratio: the median over paired runs of how many times better the harness row
    of the same figure did (>1: the harness is ahead)."""
    for row in rows:
        if row.harness or row.status is not None or not row.samples:
            continue
        baselines = [r for r in rows if r.figure == row.figure and r.harness and r.samples]
        if row.versus is not None:
            baselines = [r for r in baselines if r.subject == row.versus]
        if baselines:
            row.ratio = paired_ratio(baselines[0].samples, row.samples, row.higher_is_better)


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for row in rows:
        cells = [c.replace("|", "\\|") for c in row.cells()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
