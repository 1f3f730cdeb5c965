"""Which of a mutant's tests run, and in what order: its module's focus (focus.py), quickest
first.

mutmut runs a mutant's tests with `-x` (the first failure ends the run) in no particular order,
so a mutant a 0.1 s unit test kills could first wait for minutes of page tests. The durations come
from mutmut's own stats run (mutmut-stats.json in the mutants/ directory, where a mutant's run
works). Tests stay together by class and module, the groups ordered by their quickest test, so a
class's setUpTestData runs once, not once per test. The order changes only how soon a run ends,
never a verdict: a surviving mutant still runs every test in focus.
"""

import json
from pathlib import Path

from tests.mutation.focus import in_focus

STATS = Path("mutmut-stats.json")


def select_for_mutant(config, items: list, mutant: str) -> None:
    kept, left_out = [], []
    for item in items:
        focused = in_focus(mutant, item.nodeid.partition("::")[0])
        (kept if focused else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
    items[:] = _quickest_first(kept)


def _quickest_first(items: list) -> list:
    try:
        durations = json.loads(STATS.read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return items
    unknown = float("inf")

    def seconds(item) -> float:
        return durations.get(item.nodeid, unknown)

    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.parent.nodeid, []).append(item)
    ordered = sorted(groups.values(), key=lambda group: min(map(seconds, group)))
    return [item for group in ordered for item in sorted(group, key=seconds)]
