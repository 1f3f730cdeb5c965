"""Score `make mutate`'s run: for each mutated module, the share of its mutants the tests kill.

Reads mutmut's results (mutants/<module>.py.meta), leaves out the mutants listed in
tests/mutation/equivalent.txt (each with the reason it cannot change behaviour), prints a table
and records `mutation_<module>_score` (a fraction) among .bench/results.json's figures.

A mutant counts as caught when a test failed (killed) or ran past its time limit (timeout: an
endless loop is a change the tests noticed). Survivors and mutants no test runs count against the
score; mutmut's 'skipped' and 'not checked' ones are reported and count against it too, so an
interrupted run can never look better than a finished one (the table also shows, apart, the
share caught among the mutants a stopped run reached; only the strict score is recorded).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mutmut.configuration import config
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = Path(__file__).with_name("equivalent.txt")
RESULTS = ROOT / ".bench" / "results.json"
CAUGHT = {"killed", "timeout", "caught by type check"}


def equivalent_mutants() -> dict[str, str]:
    """`mutant name  reason` per line; a line without a reason is an error, not a pass."""
    listed = {}
    for number, line in enumerate(EQUIVALENT.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{EQUIVALENT.name}:{number}: {name} has no reason")
        listed[name] = reason.strip()
    return listed


def module_scores(equivalent: dict[str, str]) -> dict[str, dict]:
    scores = {}
    for pattern in config().only_mutate:
        meta = ROOT / "mutants" / f"{pattern}.meta"
        if not meta.exists():
            continue
        outcomes = json.loads(meta.read_text())["exit_code_by_key"]
        counted = {k: status_by_exit_code[v] for k, v in outcomes.items() if k not in equivalent}
        caught = sum(status in CAUGHT for status in counted.values())
        checked = sum(status != "not checked" for status in counted.values())
        module = pattern.removesuffix(".py").replace("/", "_")
        scores[module] = {
            "mutants": len(outcomes),
            "equivalent": len(outcomes) - len(counted),
            "caught": caught,
            "unchecked": len(counted) - checked,
            "score": round(caught / len(counted), 3) if counted else None,
            # Of the mutants this run reached: what a run stopped part way says so far.
            "checked_score": round(caught / checked, 3) if checked else None,
            "survivors": sorted(
                k for k, s in counted.items() if s not in CAUGHT and s != "not checked"
            ),
        }
    return scores


def main() -> None:
    scores = module_scores(equivalent_mutants())
    if not scores:
        sys.exit("no mutmut results: run `make mutate`")
    head = ("module", "mutants", "equiv.", "unchecked", "caught", "score", "of checked")
    print("{:32} {:>8} {:>7} {:>9} {:>7} {:>6} {:>10}".format(*head))
    for module, s in scores.items():
        print(
            f"{module:32} {s['mutants']:8} {s['equivalent']:7} {s['unchecked']:9} "
            f"{s['caught']:7} {s['score']!s:>6} {s['checked_score']!s:>10}"
        )
    survivors = [name for s in scores.values() for name in s["survivors"]]
    if survivors:
        print(f"\n{len(survivors)} not caught (`mutmut show NAME` prints each):")
        print("\n".join(f"  {name}" for name in survivors))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    figures = results.setdefault("figures", {})
    figures.update({f"mutation_{m}_score": s["score"] for m, s in scores.items()})
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
