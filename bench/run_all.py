"""Every benchmark, one after another, each printing its figures against its own baseline.

Run: `make bench`, or `.venv/bin/python -m bench.run_all [NAME...]` for some of them.
Benchmarks share this machine's two cores, so they run one at a time.
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS = (
    "parser",
    "render_speed",
    "og_image",
    "create_invites",
    "auth_overhead",
    "publish_latency",
    "read_path",
    "page_speed",
)


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    failed = []
    for name in chosen:
        print(f"\n=== bench.{name}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        print(f"--- bench.{name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
