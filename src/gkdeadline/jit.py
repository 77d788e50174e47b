"""Compile the plain-Python kernels with numba, for the batch paths.

The case engine and the workday arithmetic are written once, as plain Python functions
(:mod:`gkdeadline.calendar.kernels`, :mod:`gkdeadline.engine.core`). The scalar path calls them
directly; this module compiles the same code with numba, so the batch path runs exactly the
semantics the scalar path runs, at compiled speed — the two cannot drift apart.

Each kernel module lists its kernels in ``KERNELS``; :func:`compiled` rebinds every kernel's
global names to the compiled versions of the kernels it calls (numba resolves globals at compile
time) and returns a namespace of compiled functions. numba is imported only here, on first use
(it takes ~0.7 s to import), and compiled code is cached on disk (``cache=True``).

Set ``GKDEADLINE_NO_JIT=1`` to run the batch paths on the plain-Python kernels instead (slow;
for debugging and for checking that the compiled and the plain code agree).
"""

from __future__ import annotations

import os
import types
from functools import cache
from importlib import import_module
from typing import Any

# Every module of plain-Python kernels (the stamp of the compiled caches covers them all).
KERNEL_MODULES = (
    "gkdeadline.calendar.kernels",
    "gkdeadline.calendar.vector_kernels",
    "gkdeadline.engine.core",
    "gkdeadline.engine.batch_core",
)


class Kernels:
    """A namespace of compiled (or, with ``GKDEADLINE_NO_JIT``, plain) kernel functions."""

    def __init__(self, functions: dict[str, Any]) -> None:
        self._functions = functions

    def __getattr__(self, name: str) -> Any:
        try:
            return self._functions[name]
        except KeyError:
            raise AttributeError(name) from None


def jit_enabled() -> bool:
    return os.environ.get("GKDEADLINE_NO_JIT", "") in ("", "0")


@cache
def compiled(*module_names: str) -> Kernels:
    """The kernels of the named modules, compiled together (later modules may call earlier)."""
    modules = [import_module(m) for m in module_names]
    if not jit_enabled():
        return Kernels({n: getattr(m, n) for m in modules for n in m.KERNELS})
    import numba

    shared: dict[str, Any] = {}
    for m in modules:
        shared.update(vars(m))
    out: dict[str, Any] = {}
    for m in modules:
        for name in m.KERNELS:
            f = getattr(m, name)
            g = dict(vars(m))
            g.update(shared)  # filled below with compiled versions; read at compile time
            fn = types.FunctionType(f.__code__, g, name, f.__defaults__, f.__closure__)
            fn.__module__ = m.__name__
            fn.__qualname__ = f.__qualname__
            # Small leaf kernels are inlined into their callers (``INLINE``): a call between
            # compiled functions passes every array as seven words, which costs more than the
            # few loads the leaf does. ``_nrt=False``: kernels never allocate, so no reference
            # counting is compiled in.
            inline = "always" if name in getattr(m, "INLINE", ()) else "never"
            options: dict[str, Any] = {
                "cache": True,
                "nogil": True,
                "_nrt": False,
                "inline": inline,
            }
            out[name] = numba.njit(**options)(fn)
    # every kernel's globals now see the compiled kernels (compilation happens on first call)
    for dispatcher in out.values():
        dispatcher.py_func.__globals__.update(out)
    _drop_stale_caches(modules, out.values())
    return Kernels(out)


def _drop_stale_caches(modules: list[Any], dispatchers: Any) -> None:
    """numba invalidates a cached function when *its* source file changes, but a caller's cache
    embeds its callees: after an upgrade that changes only ``core.py``, a stale ``run_cases``
    would still run the old core. So the caches of all kernels go together: each cache folder
    keeps a stamp of every kernel module's source, and a different stamp empties it."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    for name in KERNEL_MODULES:  # every group stamps the same way: caches in a folder agree
        digest.update(Path(import_module(name).__file__ or "").read_bytes())
    stamp_text = digest.hexdigest()
    stems = tuple(Path(m.__file__).stem + "." for m in modules)
    folders = set()
    for d in dispatchers:
        path = getattr(getattr(d, "_cache", None), "_cache_path", None)
        if isinstance(path, str):
            folders.add(Path(path))
    for folder in folders:
        stamp = folder / "gkdeadline-kernels.stamp"
        try:
            if stamp.is_file() and stamp.read_text() == stamp_text:
                continue
            for f in folder.iterdir():
                if f.name.startswith(stems) and f.suffix in (".nbi", ".nbc"):
                    f.unlink(missing_ok=True)
            folder.mkdir(parents=True, exist_ok=True)
            stamp.write_text(stamp_text)
        except OSError:  # a read-only or shared cache: numba's own checks still apply
            continue
