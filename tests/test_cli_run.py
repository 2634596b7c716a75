"""`ipbench lab` starts this interpreter's JupyterLab on the project with explore.ipynb open."""

from __future__ import annotations

import sys
from pathlib import Path

from ipbench.cli.run import lab_command


def test_lab_command_uses_this_interpreter_and_the_project(tmp_path: Path):
    cmd = lab_command(tmp_path, port=8899, no_browser=True)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--notebook-dir={tmp_path}" in cmd
    assert str(Path("notebooks") / "explore.ipynb") in cmd
    assert "--port=8899" in cmd and "--no-browser" in cmd


def test_lab_command_defaults_leave_port_and_browser_to_jupyterlab(tmp_path: Path):
    cmd = lab_command(tmp_path)
    assert not any(c.startswith("--port") for c in cmd)
    assert "--no-browser" not in cmd
