"""What the benchmarks share: BLAS threads pinned and described, CPU seconds, the load."""

from __future__ import annotations

import os


def pin_blas(n: int) -> str:
    """Limit BLAS/OpenMP threads to ``n`` here and in child processes; describe the setting."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    import numpy  # noqa: F401  (load the BLAS pool before pinning it)
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(limits=n)
    libs = [f"{i['internal_api']}={i['num_threads']}" for i in threadpool_info()]
    return f"BLAS/OpenMP threads pinned to {n} ({', '.join(libs) or 'no BLAS pool loaded yet'})"


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (report workers, whose
    kernels they reap; CLI runs): a fairer measure than wall time on a shared machine."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as printed by the benchmarks."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())
