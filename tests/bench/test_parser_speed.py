"""How long the builtin parser takes per message (not in the default run).

.venv/bin/pytest tests/bench/test_parser_speed.py -o addopts="" -s -q
"""

import json
import statistics
import time
from pathlib import Path

from llmsettings.parser import parse_expenses
from tests.llmsettings.test_parser import example_context

EXAMPLES_PATH = Path(__file__).parent.parent / "llmsettings" / "parse_examples.json"
ROUNDS = 200
BUDGET_MS = 2.0


def test_median_parse_time_per_message_is_well_under_two_milliseconds():
    rows = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    messages = [
        (
            row["text"],
            example_context(row),
        )
        for row in rows
    ]
    for text, context in messages:  # warm the per-household caches, as a running server has
        parse_expenses(text, context)

    per_message_ms = []
    for text, context in messages:
        runs = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            parse_expenses(text, context)
            runs.append((time.perf_counter() - started) * 1000)
        per_message_ms.append(statistics.median(runs))

    median = statistics.median(per_message_ms)
    slowest = max(per_message_ms)
    print(
        f"\nbuiltin parser over {len(messages)} messages x {ROUNDS} rounds: "
        f"median {median:.3f} ms per message, slowest message {slowest:.3f} ms"
    )
    assert median < BUDGET_MS
