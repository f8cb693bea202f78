"""An MCP server over stdio that answers questions about sky surveys."""

import asyncio

import mcp.server.stdio
import mcp.types as types
from mcp.server import Server

server = Server("desi-basic")


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name="search_objects",
            description="Find objects near a sky position.",
            inputSchema={"type": "object", "properties": {"ra": {"type": "number"}}},
        )
    ]


async def main() -> None:
    async with mcp.server.stdio.stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    asyncio.run(main())
