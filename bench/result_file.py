"""The one place a benchmark writes its results: bench/results/<name>-<timestamp>.json."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


def page_rows(pages, leave_out=("expect", "warmup_paths")) -> list[dict]:
    """Each measured page (a dataclass: bench/directory.py's Page) as a dictionary."""
    return [{k: v for k, v in asdict(page).items() if k not in leave_out} for page in pages]


def write(name: str, started: dt.datetime, results: dict) -> Path:
    """Write `results` after the time the run started to bench/results/<name>-<started>.json
    and say where; return the file."""
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"{name}-{started:%Y%m%d-%H%M%S}.json"
    document = {"started": started.isoformat(timespec="seconds"), **results}
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    print(f"\nResults written to {out.relative_to(BENCH_DIR.parent)}")
    return out
