"""Where a benchmark ran: the ``"machine"`` entry of every results file (``report.py`` prints it
above each table)."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any


def machine(**versions: str) -> dict[str, Any]:
    """Platform, CPU, cores, Python, numpy, numba, pyarrow and gkdeadline versions, whether
    Python's bytecode cache is on, and the further ``versions`` a benchmark names."""
    import numba
    import numpy as np
    import pyarrow as pa

    import gkdeadline

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # not Linux: the platform's own name
        cpu = platform.processor() or platform.machine()
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "pyarrow": pa.__version__,
        "gkdeadline": gkdeadline.__version__,
        # without .pyc files, every fresh process compiles numba's own modules from source
        "bytecode_cache": not os.environ.get("PYTHONDONTWRITEBYTECODE")
        and not sys.flags.dont_write_bytecode,
        **versions,
    }
