"""The tables `make bench` prints, and the issue's targets as PASS/MISS.

Targets (issue 16), each checked where its figures exist in this run:
- flat: every read but search, cold p50 at the largest size within 1.5x of the smallest,
  and (PostgreSQL) under 20 ms at 100,000 articles;
- search: cold p95 under 50 ms on PostgreSQL at 100,000; cold p50 under 50 ms on SQLite;
- warm throughput under wrk, as a share of the floor's req/s: REST list and detail >= 0.60,
  GraphQL >= 0.50 (the issue's figure is for a persisted query over GET), view POST >= 0.30;
- comment POST unaffected by archive size: req/s at the largest size >= 1/1.5 of the smallest;
- memory: no worker grows by more than BENCH_RSS_NOISE_KB between 5,000 and 10,000 requests.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.endpoints import ENDPOINTS, Endpoint
from bench.load import WrkResult

FLAT_GROWTH = 1.5
PG_FLAT_MS = 20.0
SEARCH_MS = 50.0
FLOOR_SHARE = {"rest": 0.60, "graphql": 0.50, "view": 0.30}
BIG = 100_000
RSS_NOISE_KB = int(os.environ.get("BENCH_RSS_NOISE_KB", "2048"))


@dataclass
class Rss:
    start: list[int]
    after_5k: list[int]
    after_10k: list[int]
    requests: tuple[int, int]  # how many each half sent
    failed: int

    @property
    def growth(self) -> int:
        return max(b - a for a, b in zip(self.after_5k, self.after_10k, strict=False))


@dataclass
class Run:
    """What one database and size measured."""

    inprocess: dict[str, dict[str, Any]] = field(default_factory=dict)
    wrk: dict[str, WrkResult | str] = field(default_factory=dict)  # str: why not measured
    rss: Rss | None = None


Results = dict[str, dict[int, Run]]  # database -> articles -> run


def ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def inprocess_table(database: str, runs: dict[int, Run]) -> str:
    sizes = sorted(runs)
    small, large = sizes[0], sizes[-1]
    header = ["read"]
    for size in sizes:
        header += [f"{size:,} cold", f"{size:,} warm"]
    header += ["growth cold", "growth warm", "SQL cold/warm", "targets"]
    rows = []
    for endpoint in ENDPOINTS:
        figures = [runs[size].inprocess.get(endpoint.name) for size in sizes]
        if not all(figures):
            continue
        row = [endpoint.name]
        for figure in figures:
            assert figure is not None
            cold = ms(figure["cold"]["p50"])
            if endpoint.target == "search":
                cold += f" (p95 {ms(figure['cold']['p95'])})"
            row += [cold, ms(figure["warm"]["p50"])]
        first, last = figures[0], figures[-1]
        assert first is not None
        assert last is not None
        if large > small:
            row += [
                f"{last['cold']['p50'] / first['cold']['p50']:.2f}x",
                f"{last['warm']['p50'] / first['warm']['p50']:.2f}x",
            ]
        else:
            row += ["-", "-"]
        row.append(f"{last['cold']['queries']}/{last['warm']['queries']}")
        row.append(", ".join(inprocess_targets(database, endpoint, runs)) or "-")
        rows.append(tuple(row))
    return table(tuple(header), rows)


def inprocess_targets(database: str, endpoint: Endpoint, runs: dict[int, Run]) -> list[str]:
    sizes = sorted(runs)
    first = runs[sizes[0]].inprocess[endpoint.name]["cold"]
    last = runs[sizes[-1]].inprocess[endpoint.name]["cold"]
    out = []
    if endpoint.target in ("flat", "rest", "graphql"):
        if sizes[-1] > sizes[0]:
            growth = last["p50"] / first["p50"]
            out.append(f"growth <= {FLAT_GROWTH}x {verdict(growth <= FLAT_GROWTH)}")
        if database == "postgres" and sizes[-1] >= BIG:
            out.append(f"< {PG_FLAT_MS:.0f} ms {verdict(last['p50'] < PG_FLAT_MS)}")
    elif endpoint.target == "search" and sizes[-1] >= BIG:
        if database == "postgres":
            out.append(f"p95 < {SEARCH_MS:.0f} ms {verdict(last['p95'] < SEARCH_MS)}")
        else:
            out.append(f"p50 < {SEARCH_MS:.0f} ms {verdict(last['p50'] < SEARCH_MS)}")
    return out


def wrk_table(runs: dict[int, Run]) -> str:
    sizes = sorted(runs)
    header = ["endpoint"]
    for size in sizes:
        header += [f"{size:,} req/s", f"{size:,} x floor"]
    header += [f"{sizes[-1]:,} p50/p99", "failed", "targets"]
    floor = {size: runs[size].wrk.get(ENDPOINTS[0].name) for size in sizes}
    rows = []
    for endpoint in (e for e in ENDPOINTS if e.wrk):
        row = [endpoint.name]
        results = [runs[size].wrk.get(endpoint.name) for size in sizes]
        for size, result in zip(sizes, results, strict=True):
            if isinstance(result, WrkResult) and isinstance(floor[size], WrkResult):
                base = floor[size]
                assert isinstance(base, WrkResult)
                row += [f"{result.rps:,.0f}", f"{result.rps / base.rps:.3f}"]
            else:
                row += [f"n/a ({result})" if result else "n/a", "-"]
        last = results[-1]
        if isinstance(last, WrkResult):
            row += [f"{last.p50}/{last.p99}", str(last.failed)]
        else:
            row += ["-", "-"]
        row.append(", ".join(wrk_targets(endpoint, runs)) or "-")
        rows.append(tuple(row))
    return table(tuple(header), rows)


def wrk_targets(endpoint: Endpoint, runs: dict[int, Run]) -> list[str]:
    out = []
    for size in sorted(runs):
        result, floor = runs[size].wrk.get(endpoint.name), runs[size].wrk.get(ENDPOINTS[0].name)
        if not isinstance(result, WrkResult) or not isinstance(floor, WrkResult):
            continue
        share = FLOOR_SHARE.get(endpoint.target)
        if share is not None:
            out.append(f"{size:,}: >= {share:.2f}x {verdict(result.rps / floor.rps >= share)}")
    sizes = sorted(runs)
    if endpoint.target == "comment" and sizes[-1] > sizes[0]:
        first, last = runs[sizes[0]].wrk.get(endpoint.name), runs[sizes[-1]].wrk.get(endpoint.name)
        if isinstance(first, WrkResult) and isinstance(last, WrkResult):
            kept = last.rps / first.rps
            out.append(f"flat ({kept:.2f}x of smallest) {verdict(kept >= 1 / FLAT_GROWTH)}")
    return out


def rss_table(results: Results) -> str:
    rows = []
    for database, runs in results.items():
        for size, run in sorted(runs.items()):
            if run.rss is None:
                continue
            rss = run.rss

            def mb(sizes: list[int]) -> str:
                return " / ".join(f"{kb / 1024:.1f}" for kb in sizes)

            rows.append(
                (
                    database,
                    f"{size:,}",
                    mb(rss.start),
                    mb(rss.after_5k),
                    mb(rss.after_10k),
                    f"{rss.growth / 1024:+.1f}",
                    f"{rss.requests[0]:,} + {rss.requests[1]:,} ({rss.failed} failed)",
                    verdict(rss.growth <= RSS_NOISE_KB),
                )
            )
    header = (
        "database",
        "articles",
        "RSS MB per worker, start",
        "after 1st half",
        "after 2nd half",
        "growth between halves MB (max)",
        "requests",
        f"no growth (<= {RSS_NOISE_KB / 1024:.0f} MB)",
    )
    return table(header, rows)


def summary(results: Results) -> tuple[int, int]:
    """How many targets passed and were missed, over every table."""
    passed = missed = 0
    for database, runs in results.items():
        sizes = [s for s in sorted(runs) if runs[s].inprocess]
        usable = {s: runs[s] for s in sizes}
        checks: list[str] = []
        if usable:
            for endpoint in ENDPOINTS:
                if all(endpoint.name in r.inprocess for r in usable.values()):
                    checks += inprocess_targets(database, endpoint, usable)
        for endpoint in (e for e in ENDPOINTS if e.wrk):
            checks += wrk_targets(endpoint, runs)
        checks += [verdict(r.rss.growth <= RSS_NOISE_KB) for r in runs.values() if r.rss]
        passed += sum(check.endswith("PASS") for check in checks)
        missed += sum(check.endswith("MISS") for check in checks)
    return passed, missed
