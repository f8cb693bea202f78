"""MCP finance backend: a small, real MCP server built on the official Python SDK (`mcp`).

It serves Streamable HTTP at /mcp and a plain `GET /health` route (what container HEALTHCHECKs,
load balancers and devdoctor's mcp.health ask). By default it listens on 127.0.0.1:8000, never
on every interface: pass --host 0.0.0.0 (or MCP_HOST) only inside a container.

    micromamba run -n mcp-finance-backend python main.py              # 127.0.0.1:8000
    micromamba run -n mcp-finance-backend python main.py --port 8001  # or PORT=8001 / MCP_PORT=8001

The calculation tools work offline. `stock_quote` asks Finnhub and needs FINNHUB_API_KEY (read
from the environment or from a .env file next to this one); without it the tool says so.
Works with mcp 2.x (`MCPServer`) and 1.x (`FastMCP`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

try:  # mcp 2.x
    from mcp.server import MCPServer as _Server

    SDK_MAJOR = 2
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP as _Server

    SDK_MAJOR = 1

from starlette.requests import Request
from starlette.responses import JSONResponse

NAME = "mcp-finance-backend"
VERSION = "1.2.0"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(description="MCP finance backend (streamable HTTP + /health)")
    parser.add_argument(
        "--host",
        default=env.get("MCP_HOST") or env.get("HOST") or "127.0.0.1",
        help="address to bind (default 127.0.0.1; env MCP_HOST or HOST)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(env.get("MCP_PORT") or env.get("PORT") or 8000),
        help="port to listen on (default 8000; env MCP_PORT or PORT)",
    )
    return parser.parse_args(argv)


def load_dotenv_if_present() -> None:
    """Reads .env beside this file (python-dotenv from conda-forge), if both exist."""
    env_file = Path(__file__).with_name(".env")
    if not env_file.is_file():
        return
    try:
        from dotenv import load_dotenv
    except ImportError:
        return
    load_dotenv(env_file, override=False)


def build_server(host: str, port: int):
    if SDK_MAJOR == 2:
        mcp = _Server(NAME, version=VERSION, instructions="Finance calculations and stock quotes.")
    else:
        mcp = _Server(NAME, instructions="Finance calculations and stock quotes.", host=host, port=port)

    @mcp.tool()
    def compound_interest(principal: float, annual_rate_percent: float, years: float, periods_per_year: int = 12) -> float:
        """Future value of `principal` with compound interest (rate in percent per year)."""
        if periods_per_year <= 0:
            raise ValueError("periods_per_year must be positive")
        rate = annual_rate_percent / 100 / periods_per_year
        return round(principal * (1 + rate) ** (periods_per_year * years), 2)

    @mcp.tool()
    def loan_payment(principal: float, annual_rate_percent: float, years: float) -> float:
        """Monthly payment of an amortised loan."""
        months = round(years * 12)
        if months <= 0:
            raise ValueError("years must be positive")
        rate = annual_rate_percent / 100 / 12
        if rate == 0:
            return round(principal / months, 2)
        return round(principal * rate / (1 - (1 + rate) ** -months), 2)

    @mcp.tool()
    def portfolio_value(holdings: dict[str, float], prices: dict[str, float]) -> dict[str, float]:
        """Value of each holding (units × price) and the total, for the symbols priced."""
        values = {sym: round(units * prices[sym], 2) for sym, units in holdings.items() if sym in prices}
        values["total"] = round(sum(values.values()), 2)
        return values

    @mcp.tool()
    def stock_quote(symbol: str) -> dict:
        """Latest quote for a stock symbol from Finnhub (needs FINNHUB_API_KEY)."""
        key = os.environ.get("FINNHUB_API_KEY")
        if not key:
            return {"error": "FINNHUB_API_KEY is not set; add it to .env (see .env.example)"}
        import finnhub  # only the one pip package, imported when used

        quote = finnhub.Client(api_key=key).quote(symbol.upper())
        return {"symbol": symbol.upper(), "current": quote.get("c"), "previous_close": quote.get("pc")}

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "service": NAME, "version": VERSION})

    return mcp


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    load_dotenv_if_present()
    mcp = build_server(args.host, args.port)
    print(f"{NAME} {VERSION}: http://{args.host}:{args.port}/mcp (health: /health)", file=sys.stderr, flush=True)
    if SDK_MAJOR == 2:
        mcp.run(transport="streamable-http", host=args.host, port=args.port)
    else:
        mcp.run(transport="streamable-http")


if __name__ == "__main__":
    main()
