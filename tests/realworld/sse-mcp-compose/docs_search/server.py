from mcp.server.fastmcp import FastMCP

mcp = FastMCP("docs-search", host="0.0.0.0", port=8000)


@mcp.tool()
def search(query: str) -> list[str]:
    return []


if __name__ == "__main__":
    mcp.run(transport="sse")
