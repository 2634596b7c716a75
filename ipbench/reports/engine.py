"""A papermill engine that runs many notebooks in ONE warm kernel.

Kernel start-up and imports (pandas, matplotlib, geopandas) cost seconds and dominate a report
suite. A :class:`WarmKernel` is started once per worker process; the ``ipbench-warm`` engine
(registered with papermill on import) executes each parameterized notebook in it with
nbclient, after resetting the kernel's namespace (``%reset -f``; imported modules stay cached,
which is the point). Papermill still does the parameterization (injected-parameters cell,
metadata) and raises :class:`papermill.PapermillExecutionError` on a failing cell.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

ENGINE = "ipbench-warm"
KERNEL = "python3"
#: Imports done once per kernel, before the first notebook (keep notebook imports light).
WARMUP = (
    "import matplotlib\n"
    "matplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "import ipbench.reports, ipbench.reports.views, ipbench.maps, ipbench.fonts\n"
    "ipbench.fonts.use_cjk_font()\n"
)
#: After the warm-up: what is loaded stays, so the collector need not scan it (see RESET)
FREEZE = "import gc as _gc; _gc.collect(); _gc.freeze(); del _gc\n"
#: Between notebooks: a fresh namespace (``%reset -f``, which also runs ``gc.collect()``), then
#: what survives (imported modules, a worker's caches: boundaries, maps, the run's tables) is
#: moved out of the collector's sight with ``gc.freeze()``: each later collection scans only
#: the objects of the page at hand (``%reset`` itself ~0.3 s → 0.03 s a page, and the
#: collections during a page cheaper too); acyclic garbage is still freed at once.
RESET = ("get_ipython().run_line_magic('reset', '-f')\n"
         "import matplotlib.pyplot as _p; _p.close('all'); del _p\n"
         "import gc as _gc; _gc.freeze(); del _gc")

_current: WarmKernel | None = None


class WarmKernel:
    """A Python kernel of this interpreter, kept alive to run many notebooks."""

    def __init__(self, cwd: str | Path, startup_timeout: float = 60, prepare: str = "") -> None:
        """Start the kernel in ``cwd`` and run :data:`WARMUP`, then ``prepare`` (more set-up
        code for the pages to come; a failure there only loses the head start)."""
        from jupyter_client.manager import KernelManager

        global _current
        if os.name == "posix":
            # Unix sockets in a private folder: no TCP ports opened, nothing sent in the clear
            self._sockets = tempfile.TemporaryDirectory(prefix="ipbench-kernel-")
            self.km = KernelManager(kernel_name=KERNEL, transport="ipc",
                                    ip=str(Path(self._sockets.name) / "k"))
        else:
            self.km = KernelManager(kernel_name=KERNEL)
        spec = self.km.kernel_spec
        if spec is not None and spec.argv and spec.argv[0] != sys.executable:
            spec.argv[0] = sys.executable  # the project's interpreter, never another Python
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        # no input history: pages need none, and parallel kernels would share one SQLite file
        self.km.start_kernel(cwd=str(cwd), env=env,
                             extra_arguments=["--HistoryManager.enabled=False"])
        self.startup_timeout = startup_timeout
        # ONE client for the kernel's life: each new client waits for the kernel (a kernel_info
        # round trip, then at least 0.2 s flushing IOPub), twice a page before this
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=startup_timeout)
        except Exception:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
            raise
        self.kc.allow_stdin = False
        code = WARMUP
        if prepare:
            body = "".join(f"    {line}\n" for line in prepare.splitlines())
            code += f"try:\n{body}except Exception:\n    pass\n"
        self.run_code(code + FREEZE)
        _current = self

    def run_code(self, code: str, timeout: float = 120) -> None:
        reply = self.kc.execute_interactive(code, timeout=timeout, store_history=False,
                                            output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise RuntimeError(f"kernel setup failed: {c.get('ename')}: {c.get('evalue')}")

    def reset(self) -> None:
        self.run_code(RESET)

    def shutdown(self) -> None:
        global _current
        try:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
        finally:
            if _current is self:
                _current = None
            sockets = getattr(self, "_sockets", None)
            if sockets is not None:
                sockets.cleanup()


class WarmEngine(NBClientEngine):
    """Papermill engine executing in the process's :class:`WarmKernel`."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: Any = None,
                                 **kwargs: Any) -> Any:
        if _current is None:
            raise RuntimeError("no warm kernel in this process: create a WarmKernel first")
        _current.reset()
        client = PapermillNotebookClient(
            nb_man,
            km=_current.km,
            timeout=execution_timeout or 600,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client.kc = _current.kc  # the kernel's ready client: no new one, no wait (see WarmKernel)
        return client.execute()


papermill_engines.register(ENGINE, WarmEngine)
