"""mkdocs hook: Sphinx cross-reference roles left in docstrings, shown as plain code.

mkdocstrings renders a docstring's ``:func:`name``` as ``:func:<code>name</code>``. The modules'
docstrings use Markdown backticks; this catches the roles still left in modules edited
elsewhere, the way Sphinx would show them (``~a.b.C`` as ``C``).
"""

from __future__ import annotations

import re
from typing import Any

ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|exc|obj|const|ref):<code>(~?)([^<]*)</code>")


def _shown(match: re.Match[str]) -> str:
    tilde, target = match.group(1), match.group(2)
    return f"<code>{target.rsplit('.', 1)[-1] if tilde else target}</code>"


def on_page_content(html: str, **_: Any) -> str:
    return ROLE.sub(_shown, html)
