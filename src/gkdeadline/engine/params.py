"""From a profile's rules to the engine's parameters: the one place the engine learns the law.

For a receipt date, :func:`case_rules` picks every rule the case engine reads from the profile in
force on that date (the reply period, its extension, the correction notice, the receipt rule, the
consulted parties' own periods, the delay and fee rules) and turns what they say into the integer
parameter row of :mod:`gkdeadline.engine.core`. Each part falls back separately: where the
profile's reply rule is silent on a kind of span (neither ``excludes`` nor ``counts`` names it) or
on restarts (``restarts_on`` absent), its fallback profile's rule in force decides — so 彭阳's
rule, which only speaks of 期限中止, still excludes third-party time through the 2008 条例.

The result keeps the rules it used (:class:`CaseRules`), so every citation in a trail, finding or
error comes from them, never from the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, TypeVar

from gkdeadline.engine import core
from gkdeadline.errors import CaseError
from gkdeadline.events import CHANNELS, event_num
from gkdeadline.profiles import Profile
from gkdeadline.rules import SPAN_KINDS, Rule

_P = TypeVar("_P")

KIND_BIT = {
    "consultation.third_party": core.K_THIRD,
    "consultation.agency": core.K_AGENCY,
    "suspension": core.K_SUSPENSION,
    "correction": core.K_CORRECTION,
    "fee": core.K_FEE,
}


class RuleText(NamedTuple):
    """What the explanation quotes of a rule."""

    rule: Rule
    citation: str  # 《source》（document）article：“quote”
    short: str  # 条例（2019）第三十三条第二款
    limit: str  # 20 个工作日


def short_citation(rule: Rule) -> str:
    """``条例（2019）第三十三条第二款`` for the 条例, ``《彭阳县…制度》第四条`` for anything else."""
    doc = "条例" if rule.source == "中华人民共和国政府信息公开条例" else f"《{rule.source}》"
    year = ""
    if rule.document in ("国务院令第492号", "国务院令第711号"):
        year = "（2008）" if rule.document == "国务院令第492号" else "（2019）"
    return f"{doc}{year}{rule.article}"


@dataclass(frozen=True)
class CaseRules:
    """The rules a case runs on (those in force on its receipt date) and their parameter row."""

    profile: Profile
    on: date
    reply: Rule
    extension: Rule | None
    correction_notice: Rule | None
    receipt: Rule | None
    third_party: Rule | None
    agency: Rule | None
    delay: Rule | None
    fee: Rule | None
    excluded: dict[str, Rule]  # span kind → the rule whose clause excludes it
    restart: Rule | None  # the rule whose restarts_on applies (None: nothing restarts)
    seriously_overdue: int | None
    row: tuple[int, ...] = field(repr=False)
    _refs: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    # what the explanation says of each rule, worked out once per set of rules: every case of
    # an era quotes the same few rules (id → the rule and its texts; the rule is kept, so the
    # id cannot be reused by another object)
    _texts: dict[int, RuleText] = field(default_factory=dict, repr=False, compare=False)
    _topics: dict[str, Rule | None] = field(default_factory=dict, repr=False, compare=False)
    _phrases: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    def by_topic(self, topic: str | None) -> Rule | None:
        """The rule a problem's topic cites (the reply rule for request.reply, …)."""
        if topic is None:
            return None
        if topic in self._topics:
            return self._topics[topic]
        own = {
            "request.reply": self.reply,
            "request.extension": self.extension,
            "request.correction-notice": self.correction_notice,
            "request.receipt": self.receipt,
            "request.third-party-opinion": self.third_party,
            "request.agency-opinion": self.agency,
            "request.delay": self.delay,
            "request.fee": self.fee,
        }
        found = own.get(topic) or self.profile.rule_for(topic, self.on)
        self._topics[topic] = found
        return found

    def phrase(self, key: tuple[Any, ...], make: Callable[[], _P]) -> _P:
        """``make()``, worked out once per set of rules and ``key``: a part of the explanation
        that depends only on these rules and ``key``."""
        found = self._phrases.get(key)
        if found is None:
            found = self._phrases[key] = make()
        return found

    def text(self, rule: Rule) -> RuleText:
        """``rule``'s citation, short citation and limit, as the explanation quotes them."""
        found = self._texts.get(id(rule))
        if found is None or found.rule is not rule:
            found = RuleText(rule, rule.citation(), short_citation(rule), rule.limit_text())
            self._texts[id(rule)] = found
        return found

    @property
    def refs(self) -> tuple[Any, ...]:
        """``RuleRef`` of every rule used (built once per set of rules)."""
        found = self._refs
        if not found:
            from gkdeadline.engine.result import RuleRef

            found = tuple(RuleRef(r.id, r.citation()) for r in self.used())
            object.__setattr__(self, "_refs", found)
        return found

    def used(self) -> tuple[Rule, ...]:
        """Every distinct rule this case's computation read."""
        out: dict[str, Rule] = {}
        for r in (
            self.reply,
            self.extension,
            self.correction_notice,
            self.receipt,
            self.third_party,
            self.agency,
            self.delay,
            self.fee,
            self.restart,
            *self.excluded.values(),
        ):
            if r is not None:
                out.setdefault(r.id, r)
        return tuple(out.values())


def _span_rule(profile: Profile, kind: str, on: date) -> tuple[bool, Rule | None]:
    """Does ``kind`` not count toward the reply period, and which rule says so (or says not)?"""
    chain: Profile | None = profile
    while chain is not None:
        reply = chain.own_rule_for("request.reply", on)
        if reply is not None:
            if kind in reply.excludes:
                return True, reply
            if kind in reply.counts:
                return False, reply
        # a rule of another document excluding its span from the reply period (e.g. fees)
        for r in chain.rules_excluding("request.reply", on):
            if r.span_kind == kind:
                return True, r
        chain = chain.fallback
    return False, None


def _restart_rule(profile: Profile, on: date) -> Rule | None:
    chain: Profile | None = profile
    while chain is not None:
        reply = chain.own_rule_for("request.reply", on)
        if reply is not None and reply.restarts_on is not None:
            return reply
        chain = chain.fallback
    return None


def _amount(rule: Rule | None, what: str, profile: Profile) -> int:
    if rule is None or rule.duration is None:
        return -1
    if rule.duration.unit != "workdays":
        raise CaseError(
            f"{rule.id}：案件引擎按工作日计算{what}，该规则的期间是 {rule.duration}",
            code="unsupported-rule",
            message_en=f"{rule.id}: the case engine counts {what} in workdays, not {rule.duration}",
            rule_id=rule.id,
            citation=rule.citation(),
        )
    return rule.duration.amount


def case_rules(profile: Profile, on: date) -> CaseRules:
    """The rules of ``profile`` in force on ``on`` (a receipt date), compiled for the engine."""
    return profile.compiled(on, _compile)


def _compile(profile: Profile, on: date) -> CaseRules:
    reply = profile.rule_for("request.reply", on)
    if reply is None:
        raise CaseError(
            f"档案 {profile.id} 在 {on.isoformat()} 没有施行中的依申请公开答复期限规则（request.reply）",
            code="no-reply-rule",
            message_en=f"profile {profile.id} has no request.reply rule in force on {on}",
        )
    ext = profile.rule_for("request.extension", on) if reply.extension else None
    if reply.extension and (ext is None or ext.id != reply.extension):
        linked = profile.rule_by_id(reply.extension)
        ext = linked if linked is not None and linked.in_force(on) else ext
    notice = profile.rule_for("request.correction-notice", on)
    receipt = profile.rule_for("request.receipt", on)
    third = profile.rule_for("request.third-party-opinion", on)
    agency = profile.rule_for("request.agency-opinion", on)
    delay = profile.rule_for("request.delay", on)
    fee = profile.rule_for("request.fee", on)

    excluded: dict[str, Rule] = {}
    mask = 0
    for kind in SPAN_KINDS:
        yes, rule = _span_rule(profile, kind, on)
        if yes and rule is not None:
            excluded[kind] = rule
            mask |= KIND_BIT[kind]
    restart = _restart_rule(profile, on)
    restart_mask = 0
    for ev in restart.restarts_on or () if restart is not None else ():
        restart_mask |= 1 << event_num(ev)

    row = [0] * core.NP
    row[core.P_REPLY_N] = _amount(reply, "答复期限", profile)
    row[core.P_EXCL] = mask
    row[core.P_RESTART] = restart_mask
    row[core.P_EXT_MAX] = _amount(ext, "延长期限", profile)
    row[core.P_EXT_SURVIVES] = 1 if ext is not None and ext.survives_restart else 0
    row[core.P_CORR_NOTICE_N] = _amount(notice, "补正告知期限", profile)
    row[core.P_CORR_ONCE] = 1 if notice is not None and notice.count == 1 else 0
    row[core.P_PARTY_THIRD] = _amount(third, "第三方意见期限", profile)
    row[core.P_PARTY_AGENCY] = _amount(agency, "其他机关意见期限", profile)
    row[core.P_DELAY_OK] = 1 if delay is not None else 0
    row[core.P_FEE_N] = _amount(fee, "缴费期限", profile)
    row[core.P_MET_BY] = 1 if reply.met_by == "delivered" else 0
    serious = profile.seriously_overdue()
    row[core.P_SERIOUS] = serious if serious is not None else -1
    for i, ch in enumerate(CHANNELS):
        way = receipt.receipt.get(ch) if receipt is not None and receipt.receipt else None
        if receipt is None or receipt.receipt is None:
            # no receipt rule: the day it arrived, or the confirmation where one is given
            mode, same_day = (1 if ch in ("letter", "online", "fax") else 0), 0
        elif way is None:
            mode, same_day = -1, 0
        else:
            mode, same_day = (1 if way.start == "confirmed" else 0), int(way.same_day)
        row[core.P_CH_MODE + i] = mode
        row[core.P_CH_SAME_DAY + i] = same_day
    return CaseRules(
        profile=profile,
        on=on,
        reply=reply,
        extension=ext,
        correction_notice=notice,
        receipt=receipt,
        third_party=third,
        agency=agency,
        delay=delay,
        fee=fee,
        excluded=excluded,
        restart=restart if restart_mask else (restart if restart is not None else None),
        seriously_overdue=serious,
        row=tuple(row),
    )
