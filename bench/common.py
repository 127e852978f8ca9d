"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, value: float, unit: str, target: float, lower_is_better: bool = True) -> bool:
    """Print one figure beside its target; returns whether it met the target."""
    ok = value <= target if lower_is_better else value >= target
    sign = "≤" if lower_is_better else "≥"
    verdict = "meets target" if ok else "MISSES target"
    print(f"{name}: {value:.3g} {unit} (target {sign} {target:g} {unit}) — {verdict}", flush=True)
    return ok


def median(values: list[float]) -> float:
    return statistics.median(values)
