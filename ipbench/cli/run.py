"""Top-level commands ``ipbench run`` (evaluation → reports) and ``ipbench lab``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer

from ipbench.errors import IpbenchError


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """One plain line per warning on the terminal (no source file and code line)."""
    typer.echo(f"warning: {message}", err=True)


def run(
    params: Annotated[Path, typer.Argument(help="Parameter file, e.g. params/demo.yaml")],
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Build only some reports: overview, region:320600, industry:AUTO")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: CPUs)")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when unchanged")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Validate PARAMS, run the evaluation once, build the HTML reports (reports/<name>/)."""
    from ipbench.reports.runner import run as run_reports

    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            summary = run_reports(params, only=only or None, jobs=jobs or None, force=force,
                                  progress=not quiet)
    except (IpbenchError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(summary.text())
    _echo_skipped(summary.run_dir)
    typer.echo(f"run folder: {summary.run_dir}")
    typer.echo(f"open: {summary.index}")
    if not summary.ok:
        raise typer.Exit(1)


def _echo_skipped(run_dir: Path | None) -> None:
    """One line per analysis (or part) the data could not support: what is missing, how to
    supply it (the ``skipped`` table of the run)."""
    from ipbench.runfolder import Results

    if run_dir is None:
        return
    try:
        skipped = Results.read(run_dir, tables=["skipped"])["skipped"]
    except (KeyError, OSError, ValueError):
        return
    for r in skipped.itertuples():
        part = f" [{r.part}]" if r.part else ""
        how = f"; {r.how}" if r.how else ""
        typer.echo(f"skipped: {r.step}{part}: {r.reason_en}{how}")


def lab_command(root: Path, port: int = 0, no_browser: bool = False) -> list[str]:
    """The JupyterLab command line: this interpreter, the project folder, explore.ipynb open."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={root}",
           str(Path("notebooks") / "explore.ipynb")]
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and VMs often run as root
        cmd.append("--allow-root")
    return cmd


def lab(
    port: Annotated[int, typer.Option(help="Port (default: JupyterLab's choice)")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser")] = False,
) -> None:
    """Open JupyterLab in the project with this environment's Python kernel."""
    from ipbench.project import Project

    root = Project.find().root
    # the kernel spec "python3" of this interpreter: register it for the user, so Lab's
    # kernel is the project's .venv even when another Jupyter is on the PATH
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix",
                    "--name", "python3", "--display-name", "Python 3 (ipbench)"], check=True,
                   stdout=subprocess.DEVNULL)
    cmd = lab_command(root, port=port, no_browser=no_browser)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    raise typer.Exit(run_in_group(cmd, cwd=root, env=env))


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n))


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when ipbench dies, even by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def stop_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop ``proc`` and every process of its group (JupyterLab and its kernels): SIGTERM,
    then SIGKILL for what is left after ``timeout`` seconds."""
    if not hasattr(os, "killpg"):  # pragma: no cover - Windows
        if proc.poll() is None:
            proc.terminate()
        return
    pgid = proc.pid  # start_new_session: the child leads its own group
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.poll()


def run_in_group(cmd: list[str], **popen: object) -> int:
    """Run ``cmd`` in its own process group and wait; on return, on an exception, or on
    SIGTERM/SIGHUP/SIGINT to this process, stop the whole group (no orphaned server or
    kernel). Returns the child's exit code (128 + signal number when stopped by a signal)."""
    extra: dict[str, object] = {"start_new_session": True}
    if sys.platform.startswith("linux"):
        extra["preexec_fn"] = _die_with_parent
    proc = subprocess.Popen(cmd, **extra, **popen)  # type: ignore[call-overload]  # noqa: S603
    received: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        received.append(signum)
        # only signal here: the wait below reaps the leader, then the finally stops the rest
        # (reaping inside a handler would race Popen.wait's lock)
        try:
            os.killpg(proc.pid, signal.SIGTERM) if hasattr(os, "killpg") else proc.terminate()
        except ProcessLookupError:
            pass

    previous = {}
    for sig in _STOP_SIGNALS:
        try:
            previous[sig] = signal.signal(sig, on_signal)
        except ValueError:  # not the main thread: rely on the finally below
            break
    try:
        code = proc.wait()
    finally:
        stop_group(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 + received[0] if received else code


def register(app: typer.Typer) -> None:
    """Add the top-level commands to ``app``."""
    app.command("run")(run)
    app.command("lab")(lab)
