"""A description of the machine a benchmark ran on, printed with every figure."""

from __future__ import annotations

import os
import platform

import psutil


def machine() -> dict:
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss, Linux kilobytes)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
