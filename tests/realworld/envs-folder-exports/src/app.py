"""A model-serving MCP server over HTTP."""

from fastmcp import FastMCP

mcp = FastMCP("model-server")


@mcp.tool()
def predict(rows: list[list[float]]) -> list[float]:
    return [0.0 for _ in rows]


if __name__ == "__main__":
    mcp.run(transport="http", host="127.0.0.1", port=47810)
