"""Benchmark results (``benchmarks/results/*.json``) rendered as Markdown sections.

    uv run python benchmarks/report.py [benchmarks/results/bench_calendar.json ...]

Every benchmark script writes one JSON file with at least::

    {"benchmark": "<kind>", "script": "benchmarks/<script>.py", "date": "YYYY-MM-DD",
     "machine": {"platform", "cpu", "cores", "python", "numpy", ...}, "best_of": 5,
     "rows": [...]}

and registers a renderer for its ``benchmark`` kind here with ``@renderer("<kind>")``.
:func:`render_markdown` turns one results file into one Markdown section; :func:`render_files`
joins several in order (how ``docs/benchmarks.md`` is meant to be generated and checked). Every
table row names what was measured and what it was compared with; the notes under a table say
exactly which calls were timed and which answers were checked equal. Nothing here measures:
rendering the same JSON always gives the same text.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Results = dict[str, Any]
RESULTS_DIR = Path(__file__).parent / "results"

RENDERERS: dict[str, Callable[[Results], str]] = {}


def renderer(kind: str) -> Callable[[Callable[[Results], str]], Callable[[Results], str]]:
    """Register the Markdown renderer of one kind of results file."""

    def register(f: Callable[[Results], str]) -> Callable[[Results], str]:
        RENDERERS[kind] = f
        return f

    return register


def render_markdown(results: Results) -> str:
    """One results file as one Markdown section (a ``##`` heading, tables, notes)."""
    kind = results.get("benchmark")
    if kind not in RENDERERS:
        raise ValueError(f"no renderer for benchmark kind {kind!r}; known: {sorted(RENDERERS)}")
    return RENDERERS[kind](results).rstrip("\n") + "\n"


def load(path: str | Path) -> Results:
    results: Results = json.loads(Path(path).read_text("utf-8"))
    return results


def render_files(paths: list[Path]) -> str:
    """Several results files, one section each, in the order given."""
    return "\n".join(render_markdown(load(p)) for p in paths)


# ---------------------------------------------------------------------- shared pieces


def machine_line(results: Results) -> str:
    """Where and how the numbers were measured, in one italic line."""
    m = results["machine"]
    versions = ", ".join(
        f"{name} {m[key]}"
        for name, key in (("Python", "python"), ("numpy", "numpy"), ("numba", "numba"))
        if key in m
    )
    return (
        f"*Measured {results['date']} by `{results['script']}` on {m['cpu']}, {m['cores']} cores"
        f" ({m['platform']}); {versions}; best of {results['best_of']}. Absolute times vary by"
        " machine; compare the ratios.*"
    )


def ns(value: float) -> str:
    """Nanoseconds with three significant digits, in the largest readable unit."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.3g} ns"


def times(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.3g}×"


def table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    """A Markdown table; ``align`` has one character per column: ``l`` or ``r``."""
    cells = [c.replace("|", "\\|") for c in header]
    lines = ["| " + " | ".join(cells) + " |"]
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return lines


# ---------------------------------------------------------------------- bench_calendar.py


@renderer("calendar")
def render_calendar(results: Results) -> str:
    rows = results["rows"]
    batch = [r for r in rows if r["kind"] == "batch"]
    scalar = [r for r in rows if r["kind"] == "scalar"]
    out = ["## 工作日计算 · Workday arithmetic", "", machine_line(results), ""]

    out += [
        "**Batch** (`gkdeadline.batch`, random dates 2005–2026, one compiled pass per call):",
        "",
    ]
    out += table(
        [
            "gkdeadline",
            "elements",
            "ns/element",
            "compared with",
            "ns/element",
            "gkdeadline speed-up",
            "floor ns/element",
            "gkdeadline ÷ floor",
            "temporary bytes/element",
        ],
        "lrrlrrrrr",
        [
            [
                f"`{r['op']}`",
                f"{r['elements']:,}",
                f"{r['ours_ns']:.2f}",
                _peer_name(r["peer"]),
                f"{r['peer_ns']:.2f}",
                f"**{times(r['peer_over_ours'])}**",
                f"{r['floor_ns']:.2f}",
                f"**{r['ours_over_floor']:.2f}×**",
                f"{r['temp_bytes_per_element']:.2g}",
            ]
            for r in batch
        ],
    )
    out.append("")
    targets = results.get("targets")
    if targets:
        largest = [r for r in batch if r["elements"] == max(r["elements"] for r in batch)]
        met = [
            r["op"]
            for r in largest
            if r["ours_over_floor"] <= targets["ours_over_floor_max"]
            and r["temp_bytes_per_element"] <= targets["temp_bytes_per_element_max"]
        ]
        missed = [
            f"`{r['op']}` ({r['ours_over_floor']:.2f}×)" for r in largest if r["op"] not in met
        ]
        out.append(
            f"Target at {largest[0]['elements']:,} elements: within"
            f" {targets['ours_over_floor_max']:g}× of the floor and at most"
            f" {targets['temp_bytes_per_element_max']:g} temporary bytes per element — met by "
            + (", ".join(f"`{op}`" for op in met) or "none")
            + (f"; not met by {', '.join(missed)}." if missed else ".")
        )
        out.append("")
    out.append("What each batch row times (outputs preallocated; the same inputs for all three):")
    out.append("")
    out.append(
        '* `cal = np.busdaycalendar(weekmask="1111111", holidays=<every day off, weekends'
        " included, makeup days not listed>)`, built from the same schedules: numpy's"
        " business-day functions then know the complete Chinese calendar."
    )
    seen: set[str] = set()
    for r in batch:
        if r["op"] not in seen:
            seen.add(r["op"])
            peer_note = f" ({r['peer_note']})" if r.get("peer_note") else ""
            floor_note = f" ({r['floor_note']})" if r.get("floor_note") else ""
            out.append(
                f"* `{r['ours']}` against `{r['peer']}`{peer_note}; floor:"
                f" `{r['floor']}`{floor_note}."
            )
    sizes = sorted({r["elements"] for r in batch})
    out += [
        "* Same answers, checked before timing: every element of every row agrees with numpy"
        f" ({' and '.join(f'{s:,}' for s in sizes)} elements), and so does"
        ' `add_workdays(d, -20)` with `busday_offset(d, -20, roll="forward")`. Rolling backward'
        " (forward for n < 0) first is how numpy expresses gkdeadline's convention that the"
        " start day itself is never counted.",
        "* *Floor*: the bare numpy gathers any lookup-table implementation needs at least, on"
        " day indices `i`, `j` computed beforehand from the same dates; `gkdeadline ÷ floor` is"
        " how far each call is from it (gkdeadline also reads the `datetime64` input and checks"
        " every element for NaT, the calendar's range, unknown and projected days)."
        ' `mode="clip"` makes `np.take` write straight into `out`; with the default'
        ' `mode="raise"` it fills a hidden full-length buffer first and copies, which is slower'
        " and no floor.",
        "* *Temporary bytes/element*: peak memory allocated during the call (tracemalloc) beyond"
        " its output array, divided by the number of elements; numpy's own peaks, for"
        " comparison: "
        + ", ".join(
            f"`{_peer_name(r['peer'])}` {r['peer_temp_bytes_per_element']:.2g}"
            for r in batch
            if r["elements"] == sizes[-1]
        )
        + f" (at {sizes[-1]:,}).",
    ]
    fc = results.get("first_call")
    if fc:
        cold, warm = fc["cold_cache"], fc["warm_cache"]
        out.append(
            "* *First call* (not in any timing above; numba is imported on the first batch call,"
            " not by `import gkdeadline`): in a fresh process, importing numba takes"
            f" {warm['import_numba_s']:.2f} s; then the first calls of `add_workdays`,"
            " `workdays_between` and `is_workday` take "
            + ", ".join(f"{cold[k]:.2f} s" for k in _FIRST_CALLS)
            + " compiling (empty cache), or "
            + ", ".join(f"{warm[k]:.3f} s" for k in _FIRST_CALLS)
            + " loading the compiled code from numba's on-disk cache (the first call also sets"
            " up numba's runtime)."
            + (
                " Python's bytecode cache was off on this machine (`PYTHONDONTWRITEBYTECODE`), so"
                " every fresh process compiled numba's own modules from source: with `.pyc` files"
                " these first calls are shorter."
                if results["machine"].get("bytecode_cache") is False
                else ""
            )
        )
    out.append("")

    out += ["**Scalar** (`Calendar.add_workdays`, one date at a time):", ""]
    out += table(
        ["gkdeadline", "compared with", "calls", "gkdeadline", "other", "speed-up"],
        "llrrrr",
        [
            [
                f"`{r['ours']}`",
                r["peer"],
                f"{r['calls']:,}",
                ns(r["ours_ns"]),
                ns(r["peer_ns"]),
                f"**{times(r['peer_over_ours'])}**",
            ]
            for r in scalar
        ],
    )
    out.append("")
    for r in scalar:
        note = f" ({r['peer_note']})" if r.get("peer_note") else ""
        out.append(
            f"* `{r['ours']}` against {r['peer']}{note}: same answers on all"
            f" {r['equal_answers']:,} calls, checked before timing."
        )
    return "\n".join(out) + "\n"


_FIRST_CALLS = ("add_workdays_s", "workdays_between_s", "is_workday_s")


@renderer("calendar-backtest")
def render_backtest(results: Results) -> str:
    """The calendar backtest (``benchmarks/backtest_calendar.py``): a section of ``docs/calendar.md``."""
    p, b = results["projection"], results["bounds"]
    n = results["n_workdays"]
    lines = [
        "## 回测 · Backtest",
        "",
        f"由 `benchmarks/backtest_calendar.py` 生成，数据：{results['data']}。",
        "",
        f"**预测**：每年只用此前已发布的通知预测该年（即前一年 12 月时预测会给出的结果），与正式通知"
        f"比较：状态不同的天数；该年每一天起算的 {n} 个工作日期限中结果不同的比例和最大相差天数。",
        "",
        "| 年份 | 放假办法 | 状态不同的天数 | （仅法定假日时） | 期限不同 | （仅法定假日时） | 最大相差（天） |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in p["years"]:
        mark = "".join(f"（含{x}）" for x in r["extraordinary"])
        lines.append(
            f"| {r['year']}{mark} | {r['law']} | {r['days_differ']} | {r['days_differ_statutory_only']}"
            f" | {r['share_differ']:.1%} | {r['share_differ_statutory_only']:.1%}"
            f" | {r['max_diff_days']} |"
        )
    o = p["overall"]
    lines += [
        f"| 合计 | | {o['days_differ']} | {o['days_differ_statutory_only']} | {o['share_differ']:.1%}"
        f" | {o['share_differ_statutory_only']:.1%} | {o['max_diff_days']} |",
        "",
        "**上下界**：每年 11 月 1 日至 12 月 31 日收到的申请，在下一年通知尚未发布时算出"
        "[最早, 最晚]，与通知发布后的实际届满日比较。宽度 = 最晚 − 最早（天）。",
        "",
        f"| 收到年份 | 缺少的通知 | {n} 个工作日：平均宽度 | 最大宽度 | {n}+{n}：平均宽度 | 最大宽度 | 实际日期在区间外 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in b["years"]:
        mark = "".join(f"（含{x}）" for x in r["extraordinary"])
        lines.append(
            f"| {r['year']} | {r['withheld']}{mark} | {r['20']['mean_width']:.1f} | {r['20']['max_width']}"
            f" | {r['20+20']['mean_width']:.1f} | {r['20+20']['max_width']} | {len(r['outside'])} |"
        )
    o = b["overall"]
    lines += [
        f"| 合计 | | {o['20']['mean_width']:.1f} | {o['20']['max_width']} | {o['20+20']['mean_width']:.1f}"
        f" | {o['20+20']['max_width']} | {o['outside']} |",
    ]
    for r in b["without_extraordinary"]:
        lines.append(
            f"| {r['year']} | {r['withheld']}（按原通知，不含{'、'.join(r['extraordinary'])}）"
            f" | {r['20']['mean_width']:.1f} | {r['20']['max_width']}"
            f" | {r['20+20']['mean_width']:.1f} | {r['20+20']['max_width']} | {len(r['outside'])} |"
        )
    lines += [
        "",
        f"下界：{b['assumptions']['earliest']}",
        "",
        f"上界：{b['assumptions']['latest']}",
        "",
        f"*English summary.* Projection from earlier notices only: {int(p['overall']['days_differ'])} day statuses wrong"
        f" over {len(p['years'])} years; {p['overall']['share_differ']:.1%} of {n}-workday"
        f" deadlines differ. Bounds with the next notice withheld: every real due date inside;"
        f" mean width {o['20']['mean_width']:.1f} days ({n} workdays),"
        f" {o['20+20']['mean_width']:.1f} days ({n}+{n}).",
        "",
    ]
    return "\n".join(lines)


def o_days(p: dict[str, Any]) -> int:
    return int(p["overall"]["days_differ"])


@renderer("cases")
def render_cases(results: Results) -> str:
    """Request cases (``benchmarks/bench_cases.py``): scalar and batch, against the previous
    release."""
    sc, b = results["scalar"], results["batch"]
    prev = results.get("previous")

    def vs(now: float, old: float | None, higher_is_better: bool = False) -> str:
        if old is None:
            return "—"
        return times(now / old if higher_is_better else old / now)

    lines = [
        "## 案件引擎 · Request cases",
        "",
        machine_line(results),
        "",
        *table(
            ["measured", "gkdeadline", f"previous release ({prev})", "speed-up", "target"],
            "lrrrl",
            [
                *(
                    [
                        f"`Case(...).{call}`, {what}",
                        f"{sc[key]:.0f} µs",
                        f"{sc['previous_' + key]:.0f} µs" if sc.get("previous_" + key) else "—",
                        vs(sc[key], sc.get("previous_" + key)),
                        target,
                    ]
                    for what, name, target in (
                        ("received only", "simple", "≤ 50 µs"),
                        ("correction + consultation + suspension + extension", "full", "≤ 150 µs"),
                    )
                    for call, key in (
                        ("result()", f"{name}_today_us"),
                        ("result(as_of)", f"{name}_us"),
                    )
                    if key in sc
                ),
                [
                    f"`batch.cases`, {b['cases']:,} one-row cases (consultation + extension)",
                    f"{b['cases_per_s']:,.0f} cases/s",
                    f"{b['previous_cases_per_s']:,.0f} cases/s"
                    if b["previous_cases_per_s"]
                    else "—",
                    vs(b["cases_per_s"], b["previous_cases_per_s"], higher_is_better=True),
                    "no slower than the previous release",
                ],
            ],
        ),
        "",
        "- `result()` is the status as of today (what a case system asks): the replay that"
        " checks the events when the `Case` is made is also today's status and is reused."
        " `result(as_of)` for another day (an auditor's question) replays them a second time.",
        f"- One case with 20,000 events (consultations answered day after day):"
        f" {sc['events_20000_s']:.2f} s to build and compute (target ≤ 1 s).",
        f"- Looping `Case` over the same rows takes {b['scalar_loop_us']:.0f} µs per case:"
        f" `batch.cases` is {times(b['scalar_loop_us'] * b['cases_per_s'] / 1e6)} faster.",
        f"- Peak memory allocated by `batch.cases` beyond its input: {_peak_text(b)}.",
        f"- First batch call of a process (compiling the numba kernels, or loading them from the"
        f" cache): {b['first_call_s']:.2f} s, not counted above.",
        "- The previous release is run from a `git worktree` of its commit, in its own process, on"
        " the same machine and environment; both compute the same table.",
    ]
    return "\n".join(lines)


def _peak_text(b: dict[str, Any]) -> str:
    """The peak memory of ``batch.cases`` per row: Python and numpy (tracemalloc) plus Arrow's
    pool, at each size measured; per phase of the call where the results say so (older
    results: the two peaks over the whole call; tracemalloc only, 200,000 rows)."""
    if "peak" not in b:
        return f"{b['peak_bytes_per_row']:,.0f} bytes per row (tracemalloc, 200,000 rows)"
    phased = all("phases" in m for m in b["peak"])
    text = "; ".join(
        f"{m['bytes_per_row']:,.0f} bytes per row at {m['rows']:,} rows ({m['traced']:,.0f}"
        f" Python and numpy, tracemalloc, + {m['arrow']:,.0f} Arrow's memory pool)"
        for m in b["peak"]
    )
    if not phased:
        return text + " — the sum of the two peaks over the whole call"
    return text + (
        " — the larger of the two phases' sums: computing the chunks (the working arrays), then"
        " making the result columns Arrow arrays once the working arrays are freed (the result"
        " columns, in Arrow's pool); each sum is an upper bound of its phase's peak"
    )


def _peer_name(peer: str) -> str:
    """``numpy.busday_offset(...)`` → ``numpy.busday_offset``."""
    return peer.split("(", 1)[0]


# ---------------------------------------------------------------------- bench_server.py


@renderer("server")
def render_server(results: Results) -> str:
    rows = results["rows"]
    load = [r for r in rows if r["kind"] == "load"]
    start = [r for r in rows if r["kind"] == "startup"]
    cores = results["machine"]["cores"]
    out = ["## HTTP 服务 · HTTP service", "", machine_line(results), ""]
    busy = results.get("load_average")
    if busy and max(busy) > 0.5 * cores:
        out += [
            f"*The machine was shared: its load average was {busy[0]:.1f} before and"
            f" {busy[1]:.1f} after the run, on {cores} cores; every figure below is lower than"
            " on an idle machine.*",
            "",
        ]
    out += [
        "**Load** (`gkdeadline serve --workers W`, a real uvicorn server on 127.0.0.1, warmed up"
        f" before timing; status date {results['as_of']}; requests/s and cases/s: the best of"
        " the rounds; p50 / p99: every request of every round):",
        "",
    ]

    def request(label: str) -> str:
        path, _, body = label.partition(" /")[2].partition(" ")
        return f"`POST /{path}`" + (f" ({body})" if body else "")

    out += table(
        [
            "workers",
            "request",
            "cases/request",
            "connections",
            "requests (rounds)",
            "requests/s",
            "cases/s",
            "p50",
            "p99",
        ],
        "rlrrrrrrr",
        [
            [
                str(r["workers"]),
                request(r["request"]),
                f"{r['cases_per_request']:,}",
                str(r["concurrency"]),
                f"{r['requests']:,} ({r.get('rounds', 1)})"
                + (f", {r['failures']} failed" if r["failures"] else ""),
                f"{r['requests_per_s']:,.1f}",
                f"{r['cases_per_s']:,.0f}",
                ns(r["p50_ms"] * 1e6),
                ns(r["p99_ms"] * 1e6),
            ]
            for r in load
        ],
    )
    out.append("")

    def find(workers: int, label: str) -> dict[str, Any] | None:
        return next((r for r in load if r["workers"] == workers and r["request"] == label), None)

    single_, rows_, files_ = "POST /cases", "POST /cases/batch rows", "POST /cases/batch cases"
    for w in sorted({r["workers"] for r in load}):
        who = f"{w} worker{'s' if w > 1 else ''}"
        single, batch_rows, files = find(w, single_), find(w, rows_), find(w, files_)
        if single and batch_rows:
            out.append(
                f"* {who}: a batch of {batch_rows['cases_per_request']:,} one-row cases (`rows`,"
                " the compiled batch engine, answering the batch-row columns) computes"
                f" **{times(batch_rows['cases_per_s'] / single['cases_per_s'])}** the cases per"
                " second of single-case requests (`POST /cases`, one case and one full"
                f" `CaseResult` each, over {single['concurrency']} connections)."
            )
        if batch_rows and files:
            out.append(
                f"* {who}: `rows` computes"
                f" **{times(batch_rows['cases_per_s'] / files['cases_per_s'])}** the cases per"
                f" second of the same {files['cases_per_request']:,} cases sent as case files"
                " (`cases`: the scalar engine, a full `CaseResult` with trail and findings per"
                " case)."
            )
    for label in (single_, rows_, files_):
        one, two = find(1, label), find(2, label)
        if one and two:
            out.append(
                f"* 2 workers against 1, {request(label)}: requests/s"
                f" {times(two['requests_per_s'] / one['requests_per_s'])}."
            )
    if find(2, single_):
        out.append(
            f"* This machine has {cores} cores, shared by the workers and the load generator (an"
            " asyncio HTTP/1.1 client in the benchmark process): more busy processes than cores"
            " cannot scale."
        )
    out.append(
        "* p50 / p99: the median and the 99th percentile (nearest rank) of the request latency"
        " seen by the client; batches have few requests, so their p99 is their slowest request."
        " Batch requests are sent W at a time (one per worker), single cases over the"
        " connections shown."
    )
    ready = results.get("server_ready_s", {})
    if ready:
        out.append(
            "* Start of the service (one run each, not best-of): from launching `gkdeadline"
            " serve` to the first answer of `GET /health`, warm-up included (calendar index,"
            " the batch engine's compiled kernels loaded from numba's cache): "
            + ", ".join(
                f"{ready[w]:.1f} s with {w} worker{'s' if w != '1' else ''}" for w in sorted(ready)
            )
            + "."
        )
    checks = results.get("checks", [])
    if checks:
        out.append("* Same answers, checked before timing:")
        out += [f"  * {c};" for c in checks[:-1]] + [f"  * {checks[-1]}."]
    out.append("")

    out += [
        f"**Process start** (fresh subprocesses, best of {results['best_of']}, the commands"
        " taking turns):",
        "",
    ]
    out += table(
        ["command", "bytecode cache", "wall time", "compared with `python -c pass`"],
        "llrr",
        [
            [
                f"`{r['command']}`",
                "yes" if r["bytecode_cache"] else "no",
                ns(r["best_s"] * 1e9),
                "—" if r["command"] == "python -c pass" else f"+{ns(r['over_python_s'] * 1e9)}",
            ]
            for r in start
        ],
    )
    out.append("")
    out.append(
        "* *Compared with `python -c pass`*: the wall time of the command minus that of starting"
        " the same interpreter doing nothing, in the same environment: what importing"
        " gkdeadline (and, for `add-workdays`, the command line and one computation) adds."
    )
    if any(not r["bytecode_cache"] for r in start):
        out.append(
            "* *Bytecode cache* no: the environment as found, with `PYTHONDONTWRITEBYTECODE` set"
            " (no `.pyc` is written, so every module without one already on disk is compiled"
            " from source in every process); yes: a `PYTHONPYCACHEPREFIX` folder filled by one"
            " untimed run, as an installed package has."
        )
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- bench_eventlog.py

_EVENTLOG_PATHS = {
    "memory": "`batch_cases.event_log` on the whole table in memory",
    "stream": "`eventlog_files.event_log_file`: chunks of whole cases, results to Parquet",
    "one_row": "reference: `batch_cases.cases`, the same cases one row each",
}


@renderer("eventlog")
def render_eventlog(results: Results) -> str:
    """``benchmarks/bench_eventlog.py``: event logs of a million cases, time and peak memory."""
    rows = results["rows"]
    target = results["target_seconds"]
    out = ["## 事件表 · Event logs", "", machine_line(results), ""]
    out += table(
        ["path", "cases", "events (input rows)", "seconds", "of which computing", "cases/s",
         "peak RSS MB"],
        "lrrrrrr",
        [
            [
                _EVENTLOG_PATHS.get(r["path"], r["path"]),
                f"{r['cases']:,}",
                f"{r['input_rows']:,}",
                f"{r['seconds']:.1f}",
                f"{r['compute_seconds']:.1f}",
                f"{r['cases_per_s']:,.0f}",
                f"{r['peak_rss_mb']:,.0f}",
            ]
            for r in rows
        ],
    )  # fmt: skip
    out.append("")
    largest = max(r["cases"] for r in rows)
    logs = [r for r in rows if r["cases"] == largest and r["path"] != "one_row"]
    met = [r for r in logs if r["seconds"] <= target]
    out.append(
        f"Target: {largest:,} cases as an event log in at most {target:g} s —"
        + (
            " met by " + ", ".join(f"`{r['path']}` ({r['seconds']:.1f} s)" for r in met)
            if met
            else " not met"
        )
        + (
            "; not met by "
            + ", ".join(f"`{r['path']}` ({r['seconds']:.1f} s)" for r in logs if r not in met)
            if len(met) < len(logs)
            else ""
        )
        + "."
    )
    streams = sorted((r for r in rows if r["path"] == "stream"), key=lambda r: r["cases"])
    if len(streams) > 1:
        a, b = streams[0], streams[-1]
        out.append(
            f"Memory stays flat when streaming: {a['peak_rss_mb']:,.0f} MB at {a['cases']:,} cases,"
            f" {b['peak_rss_mb']:,.0f} MB at {b['cases']:,} ({b['cases'] / a['cases']:.0f}× the cases)."
        )
    differ = results.get("differing_cases", {})
    out += [
        "",
        "* Input: `benchmarks/gen_export.py` logs (rates "
        + ", ".join(f"{k} {v:g}" for k, v in results.get("rates", {}).items())
        + "), Parquet grouped by case; the one-row reference is the same log pivoted (every"
        " event type at most once per case). Every run is a fresh process reading its own"
        " VmHWM; the numba kernels are loaded from the on-disk cache by a warm-up call first.",
        "* *seconds*: reading the Parquet file and computing (for the streamed path also"
        " writing the results); *of which computing*: the `event_log` / `cases` call alone"
        " (the streamed path reads, computes and writes in one call, so both columns time it).",
        "* Same answers, checked after the runs: "
        + (
            ", ".join(f"{k.replace('_', ' ')}: {v:,} cases differ" for k, v in differ.items())
            if differ
            else "not checked"
        )
        + f" (compared: {', '.join(results.get('compared', []))}).",
    ]
    if results.get("load_average") is not None:
        out.append(
            f"* Load average when measured: {results['load_average']:.1f} on"
            f" {results['machine']['cores']} cores (other work shared the machine)."
        )
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- bench_files.py


@renderer("files")
def render_files_bench(results: Results) -> str:
    """``benchmarks/bench_files.py``: ``gkdeadline batch`` on files against pyarrow's floor."""
    t = results["targets"]
    out = ["## 批量文件 · `gkdeadline batch` on files", "", machine_line(results), ""]
    fair = any(r.get("fair_floor_seconds") for r in results["rows"])
    key = "over_fair_floor" if fair else "over_floor"
    out += table(
        ["file → file", "rows", "seconds", "rows/s", "floor: read + write the input",
         "÷ floor", *(["fair floor: read input + write output", "÷ fair floor"] if fair else []),
         "÷ CSV run", "peak RSS per row"],
        "lrrrrrrrrr" if fair else "lrrrrrrr",
        [
            [
                f"{r['format']} → {r['format']}",
                f"{r['rows']:,}",
                f"{r['seconds']:.2f}",
                f"{r['rows_per_s']:,.0f}",
                f"{r['floor_seconds']:.2f} s" if r["floor_seconds"] else "—",
                times(r["over_floor"]) if r["over_floor"] else "—",
                *([f"{r['fair_floor_seconds']:.2f} s" if r.get("fair_floor_seconds") else "—",
                   times(r["over_fair_floor"]) if r.get("over_fair_floor") else "—"]
                  if fair else []),
                times(r["over_csv"]),
                f"{r['peak_rss_bytes_per_row']:,.0f} B",
            ]
            for r in results["rows"]
        ],
    )  # fmt: skip
    over = [r for r in results["rows"] if r.get(key)]
    met = [r["format"] for r in over if r[key] <= t["over_floor_max"]]
    missed = [f"{r['format']} {times(r[key])}" for r in over if r["format"] not in met]
    jsonl = next(r for r in results["rows"] if r["format"] == "jsonl")
    out += [
        "",
        f"Targets: within {t['over_floor_max']:g}× of the "
        + ("fair floor" if fair else "floor")
        + " —"
        + (f" met by {', '.join(met)}" if met else "")
        + (f"{';' if met else ''} not met by {', '.join(missed)}" if missed else "")
        + f"; JSON Lines within {t['jsonl_over_csv_max']:g}× of CSV —"
        + (" met" if jsonl["over_csv"] <= t["jsonl_over_csv_max"] else " not met")
        + f" ({times(jsonl['over_csv'])}).",
        "",
        "* *seconds*: `process_file(src, dst)`, what `gkdeadline batch src --out dst` runs: read in"
        " chunks, compute every case, write a temporary file, count its rows back, fsync, rename.",
        "* *floor: read + write the input* (the first definition, kept for comparison): a bare"
        " pyarrow streaming read and write of the same file (`pyarrow.csv.open_csv` → `CSVWriter`;"
        " `ParquetFile.iter_batches` → `ParquetWriter`), no computing. It writes the input back,"
        " while a run writes the input's columns and twelve result columns (CSV: "
        + (f"{results['rows'][0]['output_bytes'] / 1e6:,.0f} MB out for"
           f" {results['rows'][0]['input_bytes'] / 1e6:,.0f} MB in" if "output_bytes"
           in results["rows"][0] else "about 3× the input")
        + "), so it understates the least a run costs.",
        *(["* *fair floor: read input + write output*: the same bare streaming read of the input,"
           " then a bare streaming write (batches of 100,000 rows) of a table with the output's"
           " schema and values, computed before timing (`batch.cases` on the input): reading and"
           " writing through Arrow with the computing left out. The targets are read against"
           " it."] if fair else []),
        "* JSON Lines has no pyarrow writer, so it is compared with the CSV run.",
        f"* For scale: `batch.cases` alone on the same table in memory takes"
        f" {results['compute_seconds']:.2f} s — the floor plus the computing is the least a run"
        " can take.",
        "* Input: `bench_cases.synthetic` rows (a consultation and an extension each), every value"
        " text in CSV and JSON Lines, dates as dates in Parquet; every format's output was checked"
        " equal to `batch.cases` on the same table before timing. Peak RSS: the growth of the"
        " process's peak resident memory during one run in a fresh, warmed-up process.",
        f"* Load average {results['load_average'][0]:.2f} before, {results['load_average'][1]:.2f}"
        " after.",
    ]  # fmt: skip
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- bench_dask.py


@renderer("dask")
def render_dask(results: Results) -> str:
    """``benchmarks/bench_dask.py``: Dask partitions on two workers against one process."""
    t = results["targets"]
    m = results["machine"]
    out = [
        "## Dask · `dask_cases` on two workers",
        "",
        machine_line(results) + f" Dask {m.get('dask')}, distributed {m.get('distributed')}.",
        "",
    ]
    out += table(
        ["run", "wall s", "cases/s", "speed-up over one process",
         "CPU per case inside a partition", "÷ one process"],
        "lrrrrr",
        [
            [
                r["run"],
                f"{r['wall_s']:.2f}",
                f"{r['cases_per_s']:,.0f}",
                times(r["speedup"]),
                f"{r['partition_cpu_ns_per_case']:.0f} ns",
                times(r["partition_cpu_over_single"]),
            ]
            for r in results["rows"]
        ],
    )  # fmt: skip
    unset = results["rows"][1]
    out += [
        "",
        f"Targets: two workers at least {t['speedup_2_workers_min']:g}× one process —"
        + (" met" if unset["speedup"] >= t["speedup_2_workers_min"] else " not met")
        + f" ({times(unset['speedup'])}); CPU per case inside a worker at most"
        f" {t['partition_cpu_over_single_max']:g}× one process's —"
        + (" met" if unset["partition_cpu_over_single"] <= t["partition_cpu_over_single_max"]
           else " not met")
        + f" ({times(unset['partition_cpu_over_single'])}).",
        "",
        f"* {results['cases']:,} cases in {results['partitions']} partitions of"
        f" {results['rows_per_partition']:,}, each made where it is computed"
        " (`dask.dataframe.from_map`, text columns as `dd.read_csv(..., dtype=str)` gives them)"
        " so no data crosses between processes; *one process* computes the same partitions one"
        " after the other.",
        "* Cluster: `LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`, warmed up"
        " (kernels loaded) before timing; wall time of `compute()`. The last row keeps Dask's"
        " default `MALLOC_TRIM_THRESHOLD_=65536` for the workers (see docs/batch.md).",
        f"* Load average {results['load_average'][0]:.2f} before, {results['load_average'][1]:.2f}"
        " after.",
    ]  # fmt: skip
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- bench_all.py


def _calendar_row(cal: Results, op: str) -> list[str]:
    """One ``batch.*`` row of the issue's table, at the largest size measured."""
    rows = [r for r in cal["rows"] if r["kind"] == "batch" and r["op"] == op]
    r = max(rows, key=lambda r: r["elements"])
    limit = cal["targets"]
    return [
        f"`{op}`, {r['elements']:,} {'pairs' if op == 'batch.workdays_between' else 'dates'}",
        f"{ns(r['ours_ns'])}/{'pair' if op == 'batch.workdays_between' else 'date'}",
        f"{ns(r['peer_ns'])} ({_peer_name(r['peer'])})",
        f"{ns(r['floor_ns'])} (numpy gather)",
        f"{r['ours_over_floor']:.2f}× floor",
        f"{r['temp_bytes_per_element']:.4f}",
        f"≤ {limit['ours_over_floor_max']:g}× floor"
        + (" ✓" if r["ours_over_floor"] <= limit["ours_over_floor_max"] else " ✗"),
    ]


def issue_table(results: Results) -> list[str]:
    """The table of every row (``benchmarks/bench_all.py``), from the results of each script."""
    src = results["sources"]
    rows = [
        _calendar_row(src["calendar"], op)
        for op in ("batch.add_workdays", "batch.workdays_between", "batch.is_workday")
    ]
    b = src["cases"]["batch"]
    peaks = sorted(b.get("peak", []), key=lambda m: m["rows"])
    # the smallest size from which every size measured is within 200 bytes a row; below it, one
    # chunk's working arrays (a constant, not a share of the table) are most of the peak
    within = max((i + 1 for i, m in enumerate(peaks) if m["bytes_per_row"] > 200), default=0)
    small, large = peaks[:within], peaks[within:]
    if not peaks:
        memory, memory_target = f"{b['peak_bytes_per_row']:,.0f} (tracemalloc)", ""
    elif not large:
        worst = max(peaks, key=lambda m: m["bytes_per_row"])
        memory = f"{worst['bytes_per_row']:,.0f} at {worst['rows']:,} rows"
        memory_target = ", ≤ 200 B/row ✗"
    else:
        worst = max(large, key=lambda m: m["bytes_per_row"])
        memory = (
            f"{worst['bytes_per_row']:,.0f} ({worst['traced']:,.0f} Python + {worst['arrow']:,.0f}"
            f" Arrow; {worst['rows']:,} rows, the worst size from {large[0]['rows']:,} rows)"
        )
        if small:
            memory += "; below: " + ", ".join(
                f"{m['bytes_per_row']:,.0f} at {m['rows']:,} rows"
                f" ({m['bytes_per_row'] * m['rows'] / 1e6:.2f} MB in all)"
                for m in small
            )
            # what each further row costs: the peak's growth between consecutive sizes (the
            # rest of a small table's peak is a constant: one chunk's arrays and the call's own)
            growth = [
                (b2["bytes_per_row"] * b2["rows"] - b1["bytes_per_row"] * b1["rows"])
                / (b2["rows"] - b1["rows"])
                for b1, b2 in itertools.pairwise(peaks)
            ]
            memory += (
                f"; each further row adds {min(growth):,.0f}–{max(growth):,.0f} B"
                " (the peak's growth between sizes)"
            )
        memory_target = ", ≤ 200 B/row " + (
            f"✓ from {large[0]['rows']:,} rows, ✗ below" if small else "✓"
        )
    rows.append(
        [
            f"`batch.cases`, {b['cases']:,} one-row cases",
            f"{b['cases_per_s'] / 1e6:.2f} M cases/s",
            f"{b['previous_cases_per_s'] / 1e6:.2f} M/s (previous release)"
            if b["previous_cases_per_s"]
            else "—",
            "—",
            times(b["cases_per_s"] / b["previous_cases_per_s"]) + " previous"
            if b["previous_cases_per_s"]
            else "—",
            memory,
            "≥ 2 M/s" + (" ✓" if b["cases_per_s"] >= 2e6 else " ✗") + memory_target,
        ]
    )
    f = src["files"]
    limit = f["targets"]
    for r in f["rows"]:
        label = f"`gkdeadline batch`, {r['rows']:,}-row {r['format']}"
        peak_rss = f"{r['peak_rss_bytes_per_row']:,.0f} (RSS)"
        if r["format"] == "jsonl":
            csv_s = r["seconds"] / r["over_csv"]
            rows.append(
                [
                    label,
                    f"{r['seconds']:.2f} s",
                    "—",
                    f"{csv_s:.2f} s (the CSV run)",
                    f"{r['over_csv']:.2f}× CSV",
                    peak_rss,
                    f"≤ {limit['jsonl_over_csv_max']:g}× CSV"
                    + (" ✓" if r["over_csv"] <= limit["jsonl_over_csv_max"] else " ✗"),
                ]
            )
            continue
        fair = r.get("over_fair_floor")
        ratio = fair if fair else r["over_floor"]
        rows.append(
            [
                label,
                f"{r['seconds']:.2f} s",
                "—",
                (
                    f"{r['fair_floor_seconds']:.2f} s fair ({r['floor_seconds']:.2f} s first)"
                    if fair
                    else f"{r['floor_seconds']:.2f} s"
                ),
                (
                    f"{fair:.2f}× fair ({r['over_floor']:.2f}× first)"
                    if fair
                    else f"{r['over_floor']:.2f}× floor"
                ),
                peak_rss,
                f"≤ {limit['over_floor_max']:g}× floor"
                + (" ✓" if ratio <= limit["over_floor_max"] else " ✗"),
            ]
        )
    d = src["dask"]
    one, two = d["rows"][0], d["rows"][1]
    rows.append([
        f"Dask `map_partitions`, {d['cases']:,} rows, 2 workers",
        f"{two['cases_per_s'] / 1e6:.2f} M cases/s",
        f"{one['cases_per_s'] / 1e6:.2f} M/s (one process)",
        "—",
        f"{two['speedup']:.2f}× one process",
        "—",
        f"≥ {d['targets']['speedup_2_workers_min']:g}×"
        + (" ✓" if two["speedup"] >= d["targets"]["speedup_2_workers_min"] else " ✗"),
    ])  # fmt: skip
    return table(
        ["row", "gkdeadline", "peer", "floor", "ratio", "peak bytes per element", "target"],
        "lrrrrrl",
        rows,
    )


@renderer("all")
def render_all(results: Results) -> str:
    """``benchmarks/bench_all.py``: every row of the performance table from one run."""
    dates = sorted({s["date"] for s in results["sources"].values()})
    return "\n".join(
        [
            "## 总表 · Every row in one run",
            "",
            machine_line(results),
            "",
            *issue_table(results),
            "",
            "* One run of `benchmarks/bench_all.py` (each script in its own process, one after the"
            f" other; measured {', '.join(dates)}). Each row is detailed in its section below:"
            " *floor* is the bare numpy gather for the calendar rows, and for files pyarrow"
            " reading the input and writing the output computed before (*fair*; *first*: reading"
            " and writing the input back); *peak bytes per element* is tracemalloc's peak of"
            " temporaries for the calendar rows, Python + numpy + Arrow's pool beyond the input"
            " for `batch.cases`, and the growth of peak RSS for files.",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, help="results files (default: all, sorted)")
    args = ap.parse_args()
    paths = args.paths or sorted(RESULTS_DIR.glob("*.json"))
    print(render_files(paths), end="")


if __name__ == "__main__":
    main()
