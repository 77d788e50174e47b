"""The generated documentation pages match the data they are generated from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).parent.parent / "docs"


def _gen():
    spec = importlib.util.spec_from_file_location("gen_pages", DOCS / "gen_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current() -> None:
    assert _gen().main(["--check"]) == 0, "run: uv run python docs/gen_pages.py"


def test_catalogue_page_lists_every_rule_once() -> None:
    from gkdeadline.profiles import iter_rules

    page = (DOCS / "catalogue.md").read_text(encoding="utf-8")
    for r in iter_rules():
        assert page.count(f"`{r.id}`<br>") == 1, r.id


def test_conflict_report_names_the_known_conflicts() -> None:
    page = (DOCS / "conflicts.md").read_text(encoding="utf-8")
    for rid in (
        "pengyang-2018.request-reply",
        "pengyang-2018.litigation-filing",
        "fenggang-2018.prepublication-window",
    ):
        assert f"`{rid}`" in page


def test_every_documented_event_example_parses_as_its_type() -> None:
    from gkdeadline.case import parse_event
    from gkdeadline.events import SPECS

    assert len({s.type for s in SPECS}) == len(SPECS)
    for spec in SPECS:
        assert spec.example["type"] == spec.type
        assert isinstance(parse_event(spec.example), spec.model)
        assert (DOCS / "events" / f"{spec.type}.md").exists()
