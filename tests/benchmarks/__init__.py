"""Benchmarks (`make bench`). A benchmark is a function registered with @benchmark(name) in a
module tests/benchmarks/bench_*.py; it gets a Bench to record figures on and returns nothing.

Each figure is printed beside a reference measured in the same process (the same work done the
plainest way), so a slower machine moves both and the ratio stays meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

BENCHMARKS: dict[str, Callable] = {}


def benchmark(name: str):
    def register(func: Callable) -> Callable:
        BENCHMARKS[name] = func
        return func

    return register


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    reference: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.reference if self.reference else None


@dataclass
class Bench:
    """What a benchmark run records, and what it may ask of the runner."""

    quick: bool
    fresh_database: Callable[[], None]
    figures: list[Figure] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)

    def record(self, name: str, value: float, unit: str, reference: float | None = None) -> None:
        self.figures.append(Figure(name, value, unit, reference))
