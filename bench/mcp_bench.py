#!/usr/bin/env python3
"""devdoctor's MCP checks side by side with the official Python SDK client and curl.

Starts the example server (examples/mcp-finance/main.py) on 127.0.0.1 and a free port, then
times, as a user would run them (whole process, wall clock):

  devdoctor mcp.*            the full MCP check (health + handshake + port owner)
  devdoctor mcp.handshake    the handshake alone
  SDK client                 the same exchange with the SDK's own client: initialize, ping,
                             tools/list (all pages), DELETE (a `python` process)
  devdoctor mcp.health       the health probe
  curl -fsS                  the old health check

and prints medians, p90 and the ratios. It also reports the SDK's exchange time measured
inside the Python process (without interpreter start-up and imports), for a fair comparison
of the protocol work alone.

  python3 bench/mcp_bench.py [--runs 20] [--devdoctor target/release/devdoctor] [--python PY]

PY must have the `mcp` package (default: $DEVDOCTOR_MCP_PYTHON, else target/ci-venv/bin/python).
Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SDK_CLIENT = r"""
import asyncio, sys, time
from mcp import ClientSession
try:
    from mcp.client.streamable_http import streamable_http_client as connect   # mcp 2.x
except ImportError:
    from mcp.client.streamable_http import streamablehttp_client as connect    # mcp 1.x

async def main(url):
    start = time.perf_counter()
    async with connect(url) as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            init = await session.initialize()
            await session.send_ping()
            tools, cursor = [], None
            while True:
                if cursor is None:
                    page = await session.list_tools()
                else:
                    try:
                        from mcp.types import PaginatedRequestParams
                        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor))
                    except TypeError:
                        page = await session.list_tools(cursor=cursor)
                tools += page.tools
                cursor = getattr(page, 'next_cursor', None) or getattr(page, 'nextCursor', None)
                if not cursor:
                    break
    info = getattr(init, 'server_info', None) or init.serverInfo
    print(f"{(time.perf_counter() - start) * 1000:.3f} {info.name} {len(tools)}")

asyncio.run(main(sys.argv[1]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the example server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("the example server did not start within 30 s")


def timed(argv: list[str], runs: int, check_out=None) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        samples.append((time.perf_counter() - start) * 1000)
        if check_out:
            check_out(out)
    return samples


def p90(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--devdoctor", default=str(ROOT / "target/release/devdoctor"))
    ap.add_argument(
        "--python",
        default=os.environ.get("DEVDOCTOR_MCP_PYTHON") or str(ROOT / "target/ci-venv/bin/python"),
    )
    args = ap.parse_args()
    dd = args.devdoctor
    if not Path(dd).exists():
        sys.exit(f"{dd} not found; build it with `cargo build --release` or pass --devdoctor")
    curl = shutil.which("curl")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [args.python, str(ROOT / "examples/mcp-finance/main.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(port, server)
        urls = ["--mcp-url", f"{base}/mcp", "--health-url", f"{base}/health"]

        def dd_ok(out: subprocess.CompletedProcess) -> None:
            if out.returncode != 0:
                sys.exit(f"devdoctor failed:\n{out.stdout}\n{out.stderr}")

        sdk_inner: list[float] = []

        def sdk_ok(out: subprocess.CompletedProcess) -> None:
            if out.returncode != 0:
                sys.exit(f"SDK client failed:\n{out.stderr}")
            sdk_inner.append(float(out.stdout.split()[0]))

        # One warm-up of each, so that file caches are equal.
        subprocess.run([dd, *urls, "mcp.*"], capture_output=True)
        subprocess.run([args.python, "-c", SDK_CLIENT, f"{base}/mcp"], capture_output=True)

        rows = {}
        rows["devdoctor mcp.* (health + handshake + port)"] = timed([dd, *urls, "mcp.*"], args.runs, dd_ok)
        rows["devdoctor mcp.handshake"] = timed([dd, *urls, "mcp.handshake"], args.runs, dd_ok)
        rows["SDK client (python process)"] = timed(
            [args.python, "-c", SDK_CLIENT, f"{base}/mcp"], args.runs, sdk_ok
        )
        rows["SDK client (exchange only, in-process)"] = sdk_inner
        rows["devdoctor mcp.health"] = timed([dd, *urls, "mcp.health"], args.runs, dd_ok)
        if curl:
            rows["curl -fsS …/health"] = timed([curl, "-fsS", "-o", "/dev/null", f"{base}/health"], args.runs)

        report = json.loads(
            subprocess.run([dd, "--json", *urls, "mcp.handshake"], capture_output=True, text=True).stdout
        )
        inner = report["checks"][0]["data"]["total_ms"]

        sdk_version = subprocess.run(
            [args.python, "-c", "import importlib.metadata as m; print(m.version('mcp'))"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"example server: {base} (mcp {sdk_version}); {args.runs} runs each; wall time per run\n")
        print("| what | median ms | p90 ms |")
        print("|---|---:|---:|")
        for name, xs in rows.items():
            print(f"| {name} | {statistics.median(xs):.1f} | {p90(xs):.1f} |")
        med = {k: statistics.median(v) for k, v in rows.items()}
        print()
        print(
            f"SDK client process / devdoctor mcp.handshake: "
            f"{med['SDK client (python process)'] / med['devdoctor mcp.handshake']:.1f}x"
        )
        print(
            f"SDK client process / devdoctor mcp.* (all three checks): "
            f"{med['SDK client (python process)'] / med['devdoctor mcp.* (health + handshake + port)']:.1f}x"
        )
        print(
            f"exchange only: SDK {med['SDK client (exchange only, in-process)']:.1f} ms vs devdoctor "
            f"{inner:.1f} ms (its own total_ms, one run)"
        )
        if curl:
            print(
                f"devdoctor mcp.health / curl: "
                f"{med['devdoctor mcp.health'] / med['curl -fsS …/health']:.2f}x"
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
