"""Conflicts between a local profile and the national baseline, and between two profiles.

`lint` reports, with both citations, on a given date:

* ``superseded`` — the local rule restates a national text that is no longer in force (彭阳's
  15+15 rests on the 2008 条例; its 3-month 行政诉讼 limit on the 1989 行政诉讼法);
* ``looser`` — an agency gets more time than national law allows (a later report date, a longer
  reply period);
* ``narrower`` — a citizen's statutory period (复议, 诉讼) is shorter locally than nationally;
* ``stricter`` — an agency gets less time than national law allows (allowed; reported as info);
* ``window`` — a local maximum window closes before a national minimum period can end (a
  pre-publication window of at most 3 or 15 workdays against 30 days for 重大行政决策).

Comparisons evaluate both rules from the same start date on the same calendar, so workdays,
calendar days and months compare honestly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from gkdeadline.calendar import CHINA, Calendar, collecting_projected, today
from gkdeadline.errors import GkDeadlineError
from gkdeadline.profiles import NATIONAL, Profile, get_profile, get_rule
from gkdeadline.rules import Rule

Severity = Literal["conflict", "warning", "info"]
Category = Literal["superseded", "looser", "narrower", "wider", "stricter", "window"]

SEVERITY_ZH = {"conflict": "冲突", "warning": "注意", "info": "提示"}
CATEGORY_ZH = {
    "superseded": "依据已失效",
    "looser": "宽于国家规定",
    "narrower": "缩短法定期间",
    "wider": "延长法定期间",
    "stricter": "严于国家规定",
    "window": "窗口无法满足国家最低期限",
}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    category: Category
    local: Rule
    national: Rule | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "category": self.category,
            "local": self.local.id,
            "local_citation": self.local.citation(),
            "national": self.national.id if self.national else None,
            "national_citation": self.national.citation() if self.national else None,
            "message": self.message,
        }


def _due(rule: Rule, start: date, cal: Calendar) -> date | datetime | None:
    begin: date | datetime = start
    if rule.duration is not None and rule.duration.elapsed:  # 9:00 in Beijing on that day
        begin = datetime(start.year, start.month, start.day, 9, 0, tzinfo=CHINA)
    try:
        with collecting_projected():  # a comparison, not a result: projection needs no notice
            return rule.due(begin, cal, check_in_force=False).value
    except GkDeadlineError:
        return None


def _order(local: Rule, nat: Rule, cal: Calendar, starts: list[date]) -> int | None:
    """-1, 0 or 1 as ``local`` ends before, with or after ``nat``; None if not comparable.

    Same unit: compare amounts (no calendar needed). Fixed dates: compare the dates in the year.
    Otherwise evaluate both from each start and require a consistent answer.
    """
    if local.kind == nat.kind == "fixed_date" and local.fixed_date and nat.fixed_date:
        a, b = (local.year_offset, local.fixed_date), (nat.year_offset, nat.fixed_date)
        return (a > b) - (a < b)
    da, db = local.duration, nat.duration
    if da is not None and db is not None and da.unit == db.unit:
        return (da.amount > db.amount) - (da.amount < db.amount)
    signs = set()
    for s in starts:
        x, y = _due(local, s, cal), _due(nat, s, cal)
        if x is None or y is None or type(x) is not type(y):
            continue
        signs.add((x > y) - (x < y))
    return signs.pop() if len(signs) == 1 else None


def _reference_starts(cal: Calendar, on: date) -> list[date]:
    """A year of start dates the calendar can evaluate: ``on``'s year if known, else the last."""
    last = cal.last_day() - timedelta(days=120)  # leave room for the periods themselves
    first = min(on, last - timedelta(days=364))
    return [first + timedelta(days=k) for k in range(365)]


def _compare(local: Rule, nat: Rule, cal: Calendar, starts: list[date]) -> Finding | None:
    """Direction of a difference between two rules on the same topic, or None if equal."""
    if local.kind != nat.kind or local.kind not in ("period", "extension", "fixed_date"):
        return None
    order = _order(local, nat, cal, starts)
    if not order:
        return None
    lt, nt = local.limit_text(), nat.limit_text()
    both = f"本地 {lt}（{local.citation()}）；国家 {nt}（{nat.citation()}）"
    if local.obligor == "agency":
        if order > 0:
            return Finding("conflict", "looser", local, nat, f"本地期限宽于国家规定：{both}")
        return Finding("info", "stricter", local, nat, f"本地期限严于国家规定（允许）：{both}")
    if order > 0:
        return Finding("warning", "wider", local, nat, f"本地规定延长了法定期间：{both}")
    return Finding("conflict", "narrower", local, nat, f"本地规定缩短了法定期间：{both}")


def _windows(
    local: Rule, national: Profile, on: date, cal: Calendar, starts: list[date]
) -> list[Finding]:
    """A local maximum window against each national minimum in the same topic family."""
    if local.kind != "window" or local.bound != "max":
        return []
    family = local.topic.split(".", 1)[0]
    out = []
    for nat in national.rules:
        if nat.kind != "window" or nat.bound != "min" or not nat.in_force(on):
            continue
        if nat.topic.split(".", 1)[0] != family:
            continue
        pairs = [(s, _due(local, s, cal), _due(nat, s, cal)) for s in starts]
        pairs = [(s, a, b) for s, a, b in pairs if a is not None and b is not None]
        fails = [(s, a, b) for s, a, b in pairs if a < b]  # type: ignore[operator]
        if not fails:
            continue
        s, a, b = fails[0]
        span = f"{starts[0].isoformat()} 至 {starts[-1].isoformat()}"
        where = (
            "每一个起始日都无法满足"
            if len(fails) == len(pairs)
            else f"{len(pairs)} 个起始日中有 {len(fails)} 个无法满足"
        )
        out.append(
            Finding(
                "conflict",
                "window",
                local,
                nat,
                f"本地窗口{local.limit_text()}短于国家最低期限{nat.limit_text()}：例如自"
                f" {s.isoformat()} 起，本地窗口至迟 {a} 结束，国家期限至早 {b} 才能结束；"
                f"以 {span} 为起始日，{where}。本地：{local.citation()}；国家：{nat.citation()}",
            )
        )
    return out


def lint(
    profile: Profile | str, on: date | None = None, calendar: Calendar | None = None
) -> list[Finding]:
    """Compare a local profile with the national baseline in force on ``on`` (default today)."""
    p = get_profile(profile) if isinstance(profile, str) else profile
    national = get_profile(NATIONAL)
    if p.id == NATIONAL or p.id in national.include:
        return []
    day = on or today()
    cal = calendar or Calendar()  # compare on the national calendar: the law's own yardstick
    starts = _reference_starts(cal, day)
    findings: list[Finding] = []
    for r in p.rules:
        if not r.in_force(day):
            continue
        if r.basis:
            base = get_rule(r.basis)
            if not base.in_force(day):
                current = national.rule_for(base.topic, day)
                same = current is not None and _order(current, base, cal, starts) == 0
                now = f"现行为{current.citation()}" if current else "现行法没有对应规定"
                findings.append(
                    Finding(
                        "info" if same else "conflict",
                        "superseded",
                        r,
                        current or base,
                        f"本地规则依据的《{base.source}》（{base.document}）{base.article}"
                        f"已于 {base.effective_to} 后失效；{now}。本地：{r.citation()}"
                        + ("（期限未变）" if same else ""),
                    )
                )
        nat = national.rule_for(r.topic, day)
        if nat is not None:
            f = _compare(r, nat, cal, starts)
            if f is not None:
                findings.append(f)
        findings += _windows(r, national, day, cal, starts)
    order = {"conflict": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.local.id))


@dataclass(frozen=True)
class Row:
    topic: str
    a: Rule | None
    a_fallback: bool
    b: Rule | None
    b_fallback: bool

    @property
    def differs(self) -> bool:
        if self.a is None or self.b is None:
            return True
        return self.a.limit_text() != self.b.limit_text()


def compare(a: Profile | str, b: Profile | str, on: date | None = None) -> list[Row]:
    """Side by side, topic by topic, the rules two profiles apply on ``on`` (default today)."""
    pa = get_profile(a) if isinstance(a, str) else a
    pb = get_profile(b) if isinstance(b, str) else b
    day = on or today()
    ra = {r.topic: (r, fb) for r, fb in pa.resolved(day)}
    rb = {r.topic: (r, fb) for r, fb in pb.resolved(day)}
    rows = []
    for topic in dict.fromkeys([*ra, *rb]):
        x, xf = ra.get(topic, (None, False))
        y, yf = rb.get(topic, (None, False))
        rows.append(Row(topic, x, xf, y, yf))
    return rows
