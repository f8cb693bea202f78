"""An MCP server over stdio whose file keeps an old HTTP start commented out."""

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("geo-server")


class Buildings:
    def run(self):
        return []


@mcp.tool()
def buildings_in(bbox: str) -> int:
    """Count the buildings in a bounding box."""
    # The model object has a run() of its own: it is not the server's.
    found = Buildings().run()
    return len(found)


if __name__ == "__main__":
    # mcp.run(transport="streamable-http")
    mcp.run(transport="stdio")
