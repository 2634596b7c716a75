"""The provenance block every report shows: params file and hash, data fingerprint, ipbench
version, time of the run, and the demo-data banner."""

from __future__ import annotations

from html import escape
from typing import Any

from ipbench.reports.labels import label

DEMO_BANNER_CLASS = "ipbench-demo-banner"
REAL_DATA_CLASS = "ipbench-real-data"


def provenance(manifest: dict[str, Any]) -> dict[str, Any]:
    """The provenance facts of a run (from its manifest)."""
    return {
        "params_file": manifest.get("params_file", ""),
        "params_hash": manifest.get("params_hash", ""),
        "data_fingerprint": manifest.get("data_fingerprint", ""),
        "ipbench_version": manifest.get("ipbench_version", ""),
        "run_time": local_time(manifest),
        "run_id": manifest.get("run_id", ""),
        "demo": bool(manifest.get("demo", False)),
    }


#: time zone of the times the reports show (params key ``timezone`` overrides it)
DEFAULT_TZ = "Asia/Shanghai"


def local_time(manifest: dict[str, Any], params: dict[str, Any] | None = None) -> str:
    """The run's time (stored in UTC) in the report's time zone, with its offset:
    ``2026-11-29 12:08:30 +08:00``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    raw = str(manifest.get("created", ""))
    tz = (params or manifest.get("params", {}) or {}).get("timezone") or DEFAULT_TZ
    try:
        t = datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))
    except (ValueError, KeyError):
        return raw
    off = t.strftime("%z")
    return f"{t:%Y-%m-%d %H:%M:%S} {off[:3]}:{off[3:]}"


def demo_banner_html() -> str:
    return (
        f'<div class="{DEMO_BANNER_CLASS}" style="background:#fff3cd;border:1px solid #e0a800;'
        'color:#7a4d00;padding:8px 12px;margin:8px 0;font-weight:bold;border-radius:4px">'
        f"{escape(label('demo_banner'))}</div>"
    )


def real_data_html(manifest: dict[str, Any]) -> str:
    """The "真实数据 · real data — 来源 source: …" line of a run on real data ('' if none)."""
    note = manifest.get("data_note")
    if not note or manifest.get("demo"):
        return ""
    return (
        f'<div class="{REAL_DATA_CLASS}" style="border-left:4px solid #2e7d32;'
        f'padding:4px 10px;margin:8px 0;color:#1b5e20">{escape(str(note))}</div>'
    )


def provenance_html(manifest: dict[str, Any], lang: str = "zh") -> str:
    """HTML block (escaped) with the provenance facts; first the demo banner when demo, else
    the real-data source line when the manifest has one."""
    facts = provenance(manifest)
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{escape(label(k, lang))}</th>"
        f"<td><code>{escape(str(facts[k]))}</code></td></tr>"
        for k in ("params_file", "params_hash", "data_fingerprint", "ipbench_version",
                  "run_time", "run_id")
    )
    banner = demo_banner_html() if facts["demo"] else real_data_html(manifest)
    return (
        f"{banner}<details class='ipbench-provenance' open><summary>"
        f"{escape(label('provenance', lang))}</summary>"
        f"<table style='font-size:90%'>{rows}</table></details>"
    )
