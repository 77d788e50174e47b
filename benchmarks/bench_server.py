"""The HTTP service under load, and how fast the command line starts.

    uv run python benchmarks/bench_server.py [--workers 1 2] [--requests 3000] [--concurrency 16]
                                             [--batch 10000] [--repeat 5]
                                             [--json benchmarks/results/bench_server.json]
                                             [--markdown]

One run measures, and writes to ``benchmarks/results/bench_server.json`` (rendered into
``docs/benchmarks.md`` by ``benchmarks/report.py``):

* ``gkdeadline serve --workers W`` (a real uvicorn server in a subprocess on 127.0.0.1, W = 1
  and 2), warmed up before timing (the server loads the batch engine's compiled kernels at
  startup; a few requests of every kind are sent and not timed). Then, each bounded by a
  number of requests:

  - ``POST /cases``, one case (four events) per request, ``--requests`` requests in
    ``--repeat`` rounds over ``--concurrency`` keep-alive connections;
  - ``POST /cases/batch`` with ``--batch`` one-row cases (``rows``: the compiled batch engine)
    and with as many case files (``cases``: the scalar engine, one CaseResult each), in
    ``--repeat`` rounds (case files: two fewer) of W requests sent together.

  Throughput (requests/s, cases/s) is the best round's — other processes on the machine slow
  some rounds down — and the p50 / p99 latency is over every request of every round.

  Answers are checked before timing: the batch rows' due dates and statuses equal
  ``gkdeadline.batch_cases.cases`` on the same table in this process, the case files' equal the
  rows', and the single case equals ``Case(...).result(...)``.
* The start of a process, best of ``--repeat`` fresh subprocesses, the commands taking turns:
  ``python -c pass``, ``python -c "import gkdeadline"`` and ``gkdeadline add-workdays
  2026-09-28 20``; once as the environment is (this machine may run without bytecode cache,
  ``PYTHONDONTWRITEBYTECODE``) and once with a bytecode cache (``PYTHONPYCACHEPREFIX``, a
  temporary folder filled by one untimed run).

The load generator is a minimal asyncio HTTP/1.1 client in this process (no third-party client
overhead); on a machine with few cores it competes with the server's workers for CPU, which the
notes of the rendered table say.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import fastapi
import numpy as np
import pyarrow as pa
import uvicorn

from gkdeadline.batch_cases import cases as batch_cases
from gkdeadline.case import Case

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine
from report import render_markdown

RESULTS = Path(__file__).parent / "results" / "bench_server.json"
AS_OF = "2026-11-23"
PHASE_LIMIT_S = 300.0  # no phase runs longer than this (bounded load test)


# ---------------------------------------------------------------------- inputs


def synthetic_rows(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """n one-row cases 2020–2025: received in person, a closed third-party consultation and an
    extension each (as in bench_cases.py)."""
    rng = np.random.default_rng(seed)
    received = np.datetime64("2020-01-01") + rng.integers(0, 365 * 6, n).astype("timedelta64[D]")
    started = received + rng.integers(1, 10, n).astype("timedelta64[D]")
    ended = started + rng.integers(0, 10, n).astype("timedelta64[D]")
    extension = ended + rng.integers(0, 5, n).astype("timedelta64[D]")
    return [
        {
            "id": f"R{i}",
            "received": str(received[i]),
            "channel": "in_person",
            "consultation_started": str(started[i]),
            "consultation_ended": str(ended[i]),
            "consultation_party": "third_party",
            "extension": str(extension[i]),
        }
        for i in range(n)
    ]


def case_file(row: dict[str, Any]) -> dict[str, Any]:
    """The same case as a case file."""
    return {
        "id": row["id"],
        "profile": "national",
        "events": [
            {"type": "received", "date": row["received"], "channel": row["channel"]},
            {
                "type": "consultation_started",
                "date": row["consultation_started"],
                "party": "third_party",
            },
            {
                "type": "consultation_ended",
                "date": row["consultation_ended"],
                "party": "third_party",
            },
            {"type": "extension", "date": row["extension"]},
        ],
    }


# ---------------------------------------------------------------------- a minimal HTTP client


class Connection:
    """One keep-alive HTTP/1.1 connection (responses must carry Content-Length, as uvicorn's do)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode("ascii") + body)
        await self.writer.drain()
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length:")
        )
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _load(
    port: int, path: str, body: bytes, requests: int, concurrency: int
) -> tuple[float, list[float], int]:
    """``requests`` POSTs over ``concurrency`` connections: wall time, latencies, non-200s."""
    latencies: list[float] = []
    failures = 0
    remaining = requests
    stop_at = time.perf_counter() + PHASE_LIMIT_S

    async def worker() -> None:
        nonlocal remaining, failures
        conn = Connection(port)
        await conn.open()
        try:
            while remaining > 0 and time.perf_counter() < stop_at:
                remaining -= 1
                t0 = time.perf_counter()
                status, _ = await conn.request("POST", path, body)
                latencies.append(time.perf_counter() - t0)
                failures += status != 200
        finally:
            await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0, latencies, failures


async def _one(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    conn = Connection(port)
    await conn.open()
    try:
        return await conn.request("POST" if body else "GET", path, body)
    finally:
        await conn.close()


def post(port: int, path: str, payload: Any) -> Any:
    status, data = asyncio.run(_one(port, path, json.dumps(payload).encode()))
    assert status == 200, data[:500]
    return json.loads(data)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank: with few samples, p99 is the slowest)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(np.ceil(q / 100 * len(ordered))) - 1))
    return ordered[k]


# ---------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(workers: int) -> Iterator[tuple[int, float]]:
    """``gkdeadline serve`` in a subprocess: (port, seconds until /health answered)."""
    port = free_port()
    cmd = [sys.executable, "-m", "gkdeadline.cli", "serve", "--port", str(port)]
    cmd += ["--workers", str(workers), "--log-level", "warning"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"gkdeadline serve exited: {proc.stderr.read() if proc.stderr else ''}"
                )
            try:
                status, _ = asyncio.run(_one(port, "/health", b""))
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - t0 > PHASE_LIMIT_S:
                raise RuntimeError("gkdeadline serve did not answer")
            time.sleep(0.05)
        yield port, time.perf_counter() - t0
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def summarise(
    workers: int,
    request: str,
    cases_per_request: int,
    concurrency: int,
    rounds: list[tuple[float, list[float], int]],
) -> dict[str, Any]:
    """One table row from rounds of (wall time, latencies, failures): the throughput of the
    best round (other processes on the machine slow some rounds down), the latency percentiles
    of every request of every round."""
    rates = [len(lat) / wall for wall, lat, _ in rounds]
    latencies = [x for _, lat, _ in rounds for x in lat]
    best = max(rates)
    return {
        "kind": "load",
        "workers": workers,
        "request": request,
        "cases_per_request": cases_per_request,
        "concurrency": concurrency,
        "rounds": len(rounds),
        "requests": len(latencies),
        "failures": sum(bad for _, _, bad in rounds),
        "requests_per_s": best,
        "cases_per_s": best * cases_per_request,
        "round_requests_per_s": rates,
        "p50_ms": statistics.median(latencies) * 1e3,
        "p99_ms": percentile(latencies, 99) * 1e3,
        "mean_ms": statistics.fmean(latencies) * 1e3,
    }


def load_rows(
    workers: int, requests: int, concurrency: int, batch: int, repeat: int
) -> tuple[list[dict[str, Any]], float]:
    rows = synthetic_rows(batch)
    single = {**case_file(rows[0]), "as_of": AS_OF}
    rows_body = {"rows": rows, "as_of": AS_OF}
    files_body = {"cases": [case_file(r) for r in rows], "as_of": AS_OF}
    out: list[dict[str, Any]] = []
    with serve(workers) as (port, ready):
        # warm-up, untimed, and the answers checked
        got = post(port, "/cases", single)
        want = Case.from_dict(case_file(rows[0])).result(date.fromisoformat(AS_OF)).as_dict()
        assert got == want, "POST /cases differs from Case(...).result(...)"
        by_rows = post(port, "/cases/batch", rows_body)
        by_files = post(port, "/cases/batch", files_body)
        table = pa.table({k: [r[k] for r in rows] for k in rows[0]})
        local = batch_cases(table, as_of=date.fromisoformat(AS_OF)).to_pylist()
        assert all("error" not in x for x in by_rows), "the synthetic rows must all compute"
        assert [(x["due"], x["status"], x["findings"]) for x in by_rows] == [
            (r["due"].isoformat() if r["due"] else None, r["status"], r["findings"]) for r in local
        ], "POST /cases/batch rows differ from batch_cases.cases"
        assert [(x["due"], x["status"]) for x in by_files] == [
            (x["due"], x["status"]) for x in by_rows
        ], "case files differ from rows"
        for _ in range(workers * 2):
            post(port, "/cases/batch", {"rows": rows[:100], "as_of": AS_OF})

        body = json.dumps(single).encode()
        asyncio.run(_load(port, "/cases", body, 200, concurrency))  # warm-up
        per_round = max(1, requests // repeat)
        rounds = [
            asyncio.run(_load(port, "/cases", body, per_round, concurrency)) for _ in range(repeat)
        ]
        out.append(summarise(workers, "POST /cases", 1, concurrency, rounds))
        print_row(out[-1])

        for label, payload, times in (
            ("POST /cases/batch rows", rows_body, repeat),
            ("POST /cases/batch cases", files_body, max(2, repeat - 2)),
        ):
            body = json.dumps(payload).encode()
            rounds = [
                asyncio.run(_load(port, "/cases/batch", body, workers, workers))
                for _ in range(times)
            ]
            out.append(summarise(workers, label, batch, workers, rounds))
            print_row(out[-1])
    return out, ready


def print_row(r: dict[str, Any]) -> None:
    print(
        f"workers={r['workers']} {r['request']:<26} x{r['cases_per_request']:<6}"
        f" c={r['concurrency']:<3} n={r['requests']:<5} {r['requests_per_s']:9.1f} req/s (best of"
        f" {r['rounds']})"
        f" {r['cases_per_s']:11,.0f} cases/s  p50 {r['p50_ms']:8.2f} ms  p99 {r['p99_ms']:8.2f} ms"
        + (f"  FAILURES {r['failures']}" if r["failures"] else ""),
        flush=True,
    )


# ---------------------------------------------------------------------- process start


def startup_rows(repeat: int) -> list[dict[str, Any]]:
    script = Path(sys.executable).with_name("gkdeadline")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import gkdeadline"': [sys.executable, "-c", "import gkdeadline"],
        "gkdeadline add-workdays 2026-09-28 20": [str(script), "add-workdays", "2026-09-28", "20"],
    }
    env_as_is = dict(os.environ)
    cache = tempfile.mkdtemp(prefix="gkdeadline-pycache-")
    env_cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env_cached["PYTHONPYCACHEPREFIX"] = cache
    bytecode_as_is = not os.environ.get("PYTHONDONTWRITEBYTECODE")
    out: list[dict[str, Any]] = []
    passes = [] if bytecode_as_is else [(False, env_as_is)]
    passes.append((True, env_cached))
    try:
        for cached, env in passes:
            if env is env_cached:
                for cmd in commands.values():  # fill the bytecode cache, untimed
                    subprocess.run(cmd, env=env, check=True, capture_output=True)
            best = {name: float("inf") for name in commands}
            for _ in range(repeat):
                for name, cmd in commands.items():  # taking turns
                    t0 = time.perf_counter()
                    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
                    best[name] = min(best[name], time.perf_counter() - t0)
                    if name.startswith("gkdeadline"):
                        assert done.stdout.strip() == "2026-10-30", done.stdout
            for name in commands:
                out.append(
                    {
                        "kind": "startup",
                        "command": name,
                        "bytecode_cache": cached,
                        "best_s": best[name],
                        "over_python_s": best[name] - best["python -c pass"],
                    }
                )
                print(
                    f"startup ({'bytecode cache' if cached else 'no bytecode cache'}):"
                    f" {name:<40} {best[name] * 1e3:7.1f} ms"
                    f"  (+{(best[name] - best['python -c pass']) * 1e3:6.1f} ms over python -c pass)",
                    flush=True,
                )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return out


# ---------------------------------------------------------------------- the run


def run(
    workers: list[int], requests: int, concurrency: int, batch: int, repeat: int
) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    rows: list[dict[str, Any]] = []
    ready: dict[str, float] = {}
    for w in workers:
        got, seconds = load_rows(w, requests, concurrency, batch, repeat)
        rows += got
        ready[str(w)] = seconds
    rows += startup_rows(repeat)
    return {
        "benchmark": "server",
        "script": "benchmarks/bench_server.py",
        "date": date.today().isoformat(),
        "machine": machine(fastapi=fastapi.__version__, uvicorn=uvicorn.__version__),
        "best_of": repeat,
        "as_of": AS_OF,
        "server_ready_s": ready,
        # other processes on the machine (1-minute load average before and after the run)
        "load_average": [load_before, os.getloadavg()[0]],
        "checks": [
            "POST /cases equals Case.from_dict(...).result(as_of).as_dict() on the timed case",
            f"POST /cases/batch rows: due, status and findings of all {batch:,} rows equal"
            " gkdeadline.batch_cases.cases on the same table in the benchmark process",
            f"POST /cases/batch cases: due and status of all {batch:,} case files equal the rows'",
            "gkdeadline add-workdays 2026-09-28 20 printed 2026-10-30 in every timed run",
        ],
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--requests", type=int, default=3000, help="single-case requests per server")
    ap.add_argument("--concurrency", type=int, default=16, help="connections for single cases")
    ap.add_argument("--batch", type=int, default=10_000, help="cases per batch request")
    ap.add_argument("--repeat", type=int, default=5, help="batch requests; startup best of")
    ap.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    ap.add_argument("--markdown", action="store_true", help="also print the docs section")
    args = ap.parse_args()
    results = run(args.workers, args.requests, args.concurrency, args.batch, args.repeat)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"# server ready after (s): {results['server_ready_s']}")
    print(f"# written to {args.json}")
    if args.markdown:
        print()
        print(render_markdown(results))


if __name__ == "__main__":
    main()
