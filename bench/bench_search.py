"""Advice search latency over all topics in all languages (target: p95 ≤ 20 ms)."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, report
from outreach.advice import load_library
from outreach.advice.search import query_terms


def main() -> int:
    started = time.perf_counter()
    library = load_library()
    loaded = time.perf_counter()
    library.search("warm up")
    indexed = time.perf_counter()
    rng = random.Random(7)
    words = sorted(
        {
            word
            for topic in library.topics
            for text in topic.all_texts().values()
            for word in query_terms(f"{text.title} {text.summary}")
            if len(word) > 3
        }
    )
    queries = []
    for _ in range(2000):
        word = rng.choice(words)
        kind = rng.random()
        if kind < 0.4:
            queries.append(word[: max(2, len(word) // 2)])  # typing, prefix
        elif kind < 0.8:
            queries.append(word)
        else:
            queries.append(f"{word} {rng.choice(words)}")
    timings = []
    for query in queries:
        t0 = time.perf_counter()
        library.search(query)
        timings.append((time.perf_counter() - t0) * 1000)
    texts = sum(len(t.all_texts()) for t in library.topics)
    print(f"{len(library.topics)} topics, {texts} texts in {len(library.languages)} languages")
    print(
        f"content load {1000 * (loaded - started):.0f} ms, index build {1000 * (indexed - loaded):.0f} ms"
    )
    print(
        f"{len(queries)} queries: p50 {percentile(timings, 50):.2f} ms, max {max(timings):.2f} ms"
    )
    ok = report("search p95", percentile(timings, 95), "ms", 20)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
