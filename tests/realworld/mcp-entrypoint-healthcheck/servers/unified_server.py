"""One server for every tool; stdio by default, Streamable HTTP with --http."""
import argparse

from fastmcp import FastMCP

mcp = FastMCP("unified")


@mcp.tool()
def health_check() -> dict:
    """A tool that reports the server as healthy (a tool, not an HTTP route)."""
    return {"status": "healthy"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--host", type=str, default="0.0.0.0")
    args = parser.parse_args()
    if args.http:
        mcp.run(transport="http", host=args.host, port=args.port)
    else:
        mcp.run()


if __name__ == "__main__":
    main()
