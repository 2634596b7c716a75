"""Headless Chromium, network off, drives the atlas through its own controls: one shape per
region, the indicator and the year change the colours, a click on a region reaches its report,
and the page loads nothing but local files (the browser's network log).

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: no port,
no extra package); the network is off twice: a dead proxy and DevTools' offline emulation.
Needs Debian's chromium (.ci/run installs it); under CI=true a missing browser fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

#: besides conftest's headless flags: a dead proxy, and file pages may read file pages
FLAGS = ["--proxy-server=http://127.0.0.1:9", "--allow-file-access-from-files"]


class Chromium:
    """A minimal DevTools-protocol client over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out,
    messages are JSON followed by a NUL byte)."""

    def __init__(self, headless, width: int = 1200, height: int = 900) -> None:
        self.profile = tempfile.mkdtemp(prefix="atlas-chromium-")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # the child sees them as fd 3 (it reads) and fd 4 (it writes)
        self.proc = subprocess.Popen(
            headless.argv(self.profile, *FLAGS, "--remote-debugging-pipe",
                          f"--window-size={width},{height}", "about:blank"),
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(to_r, 3), os.dup2(from_w, 4)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"],
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable", session=True)
        self.call("Network.emulateNetworkConditions", session=True, offline=True, latency=0,
                  downloadThroughput=-1, uploadThroughput=-1)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width,
                  height=height, deviceScaleFactor=1, mobile=False)

    def _read(self, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while b"\0" not in self._buf:
            if time.monotonic() > end:
                raise TimeoutError("no answer from chromium")
            import select

            ready, _, _ = select.select([self._from_r], [], [], 0.5)
            if ready:
                chunk = os.read(self._from_r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, session: bool = False, timeout: float = 60, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def js(self, expression: str, timeout: float = 60):
        res = self.call("Runtime.evaluate", session=True, timeout=timeout, expression=expression,
                        returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression[:80]}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait(self, expression: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if self.js(expression):
                    return
            except RuntimeError:
                pass  # the page is between documents
            time.sleep(0.2)
        raise TimeoutError(f"waited {timeout} s for {expression}")

    def open(self, url: str) -> float:
        """Navigate and wait for the atlas to say it is drawn; seconds until then."""
        t0 = time.perf_counter()
        self.call("Page.navigate", session=True, url=url)
        self.wait("document.readyState === 'complete' && document.getElementById('atlas-map')"
                  " && document.getElementById('atlas-map').dataset.ready === '1'")
        return time.perf_counter() - t0

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=x, y=y,
                      button="left" if kind != "mouseMoved" else "none", clickCount=1)

    def screenshot(self, path: Path) -> Path:
        import base64

        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        out = []
        for e in self.events:
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(json.dumps(e["params"]["exceptionDetails"])[:500])
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                out.append(e["params"]["entry"]["text"])
        return out

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_w)
        os.close(self._from_r)
        shutil.rmtree(self.profile, ignore_errors=True)


# ------------------------------------------------------------------------ page helpers

#: fill colours of the value trace's shapes on the main map (first geo subplot)
COLOURS = """(() => {
  const geo = document.querySelector('.geo .choroplethlayer');
  const traces = geo.querySelectorAll('.trace.choropleth');
  const values = Array.from(traces).find(t => t.__data__ && t.__data__[0].trace.name === 'values');
  return Array.from(values.querySelectorAll('path.choroplethlocation'))
              .map(p => [p.__data__.loc, getComputedStyle(p).fill]);
})()"""

#: screen point inside the shape of region CODE on the main map (plotly's geo subplot takes the
#: mouse on a rectangle above the shapes, so the test finds the point by geometry, not hit-test)
POINT_IN = """((code) => {
  const geo = document.querySelector('.geo .choroplethlayer');
  const path = Array.from(geo.querySelectorAll('.trace.choropleth'))
    .filter(t => t.__data__ && t.__data__[0].trace.name === 'values')
    .flatMap(t => Array.from(t.querySelectorAll('path.choroplethlocation')))
    .find(p => p.__data__ && p.__data__.loc === code);
  const b = path.getBBox(), m = path.getScreenCTM();
  const svg = path.ownerSVGElement;
  for (let k = 3; k < 40; k++) for (let i = 1; i < k; i++) for (let j = 1; j < k; j++) {
    const pt = svg.createSVGPoint();
    pt.x = b.x + b.width * i / k; pt.y = b.y + b.height * j / k;
    if (path.isPointInFill(pt)) { const s = pt.matrixTransform(m); return [s.x, s.y]; }
  }
  return null;
})"""


def set_control(browser: Chromium, selector: str, value: str, event: str) -> None:
    browser.js(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
        el.value = {json.dumps(value)}; el.dispatchEvent(new Event({json.dumps(event)}));
        return new Promise(r => setTimeout(r, 300)); }})()""")


def exercise(browser: Chromium, page: Path, n_regions: int, other: str, shots: Path,
             name: str) -> dict:
    """The checks of the issue on one atlas page; returns measurements."""
    url = page.as_uri()
    seconds = browser.open(url)
    shapes = browser.js(COLOURS)
    assert len(shapes) == n_regions, shapes
    assert len({c for c, _ in shapes}) == n_regions
    before = dict(shapes)
    browser.screenshot(shots / f"{name}-composite.png")
    set_control(browser, "#atlas-var", other, "change")
    after_var = dict(browser.js(COLOURS))
    assert after_var != before, "changing the indicator did not change the colours"
    first = browser.js("document.getElementById('atlas-year').min")
    set_control(browser, "#atlas-year", first, "input")
    after_year = dict(browser.js(COLOURS))
    assert after_year != after_var, "changing the year did not change the colours"
    assert browser.js("document.getElementById('atlas-year-out').textContent")
    browser.screenshot(shots / f"{name}-{other.replace(':', '_')}-first-year.png")
    # hash: the atlas opened on a region outlines it and shows its figures
    code = shapes[0][0]
    browser.open(f"{url}#{code}")
    assert code in browser.js("document.getElementById('atlas-selected').textContent")
    browser.screenshot(shots / f"{name}-hash-{code}.png")
    point = browser.js(f"{POINT_IN}({json.dumps(code)})")
    assert point, f"no visible point inside region {code}"
    browser.click(*point)
    browser.wait(f"location.href.endsWith('regions/{code}.html')", timeout=30)
    local = [u for u in browser.requests() if not u.startswith(("file:", "data:", "about:"))]
    assert not local, f"non-local requests: {local}"
    errors = browser.console_errors()
    return {"seconds": seconds, "bytes": page.stat().st_size, "errors": errors}


@pytest.fixture(scope="module")
def browser(chromium):
    """One DevTools-driven browser for the module (conftest's ``chromium`` finds the binary)."""
    browser = Chromium(chromium, 1200, 1300)
    yield browser
    browser.close()


def _report_stubs(folder: Path, codes: list[str]) -> None:
    """Minimal region pages so a click has somewhere to land (the real suite writes them)."""
    (folder / "regions").mkdir(parents=True, exist_ok=True)
    for c in codes:
        page = folder / "regions" / f"{c}.html"
        if not page.is_file():
            page.write_text(f"<html><body>{c}</body></html>", encoding="utf-8")


def test_synthetic_provincial_atlas(browser, tmp_path):
    from test_atlas import synthetic_provinces

    from ipbench.reports.atlas import write_atlas

    res = synthetic_provinces()
    page = write_atlas(res, tmp_path)
    codes = res.params["scope"]["regions"]
    _report_stubs(tmp_path, codes)
    m = exercise(browser, page, len(codes), "ind:invention_grants", tmp_path, "provinces")
    assert m["bytes"] <= 1_000_000
    assert not m["errors"], m["errors"]


def test_demo_suite_atlas_from_the_index_and_a_region_report(browser, tmp_path_factory):
    """The runner's own atlas: linked from the index and from a region report (opening the
    atlas on that region); 13 prefectures; a click reaches the real region report."""
    import re

    from _suite import built_demo

    root, summary = built_demo(str(tmp_path_factory.getbasetemp()))
    assert summary.ok, summary.text()
    suite = root / "reports" / "demo"
    index = (suite / "index.html").read_text(encoding="utf-8")
    assert "href='atlas.html'" in index
    report = (suite / "regions" / "320600.html").read_text(encoding="utf-8")
    assert re.search(r"href=['\"]\.\./atlas\.html#320600['\"]", report)
    m = exercise(browser, suite / "atlas.html", 13, "D:potential_capability",
                 tmp_path_factory.getbasetemp(), "demo")
    assert m["bytes"] <= 1_000_000 and not m["errors"], m


@pytest.fixture(scope="module")
def provincial_run(tmp_path_factory):
    """The real provincial run (params/china_provinces.yaml) in a copy of the project."""
    from _suite import ROOT, copy_project

    if not (ROOT / "params" / "china_provinces.yaml").is_file():
        pytest.skip("params/china_provinces.yaml not in this checkout")
    from ipbench.evaluation import Evaluation
    from ipbench.reports.runner import _store

    root = copy_project(tmp_path_factory.mktemp("provinces") / "project")
    ev = Evaluation.from_params(root / "params" / "china_provinces.yaml")
    ev.data = _store(ev.project)
    run_dir, _ = ev.ensure_run()
    return run_dir


def test_real_provincial_atlas(browser, provincial_run, tmp_path):
    from ipbench.reports.atlas import write_atlas
    from ipbench.runfolder import Results

    res = Results.read(provincial_run)
    page = write_atlas(res, tmp_path)
    codes = [str(c) for c in res.params["scope"]["regions"]]
    assert len(codes) == 31
    _report_stubs(tmp_path, codes)
    m = exercise(browser, page, 31, "D:potential_capability", tmp_path, "real-provinces")
    assert m["bytes"] <= 1_000_000 and not m["errors"], m
