import os

import psycopg
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes-search", host="0.0.0.0", port=8000)


@mcp.tool()
def search(query: str) -> list[str]:
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        rows = conn.execute("select title from notes where body ilike %s", (f"%{query}%",))
        return [r[0] for r in rows]


if __name__ == "__main__":
    mcp.run(transport="streamable-http")
