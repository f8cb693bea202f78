# File: server.py
from mcp.server.fastmcp import FastMCP
import pandas as pd

mcp = FastMCP(
    name="Configured MCP Server",
    # port=8080,  # Sets the default SSE port
    # host="127.0.0.1",  # Sets the default SSE host
)


@mcp.tool()
def describe(path: str) -> str:
    """Summary statistics of a CSV file."""
    return pd.read_csv(path).describe().to_string()


if __name__ == "__main__":
    # mcp.settings.host = "0.0.0.0"
    mcp.settings.port = 3005
    mcp.run(transport="sse")
