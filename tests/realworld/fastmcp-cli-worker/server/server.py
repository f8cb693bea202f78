"""A task-tracker MCP server (tools only)."""
import os

import httpx
from fastmcp import FastMCP

mcp = FastMCP("tasks")


@mcp.tool()
async def list_tasks(project: str) -> list[dict]:
    """Tasks of a project."""
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{os.environ['TASKS_API']}/projects/{project}/tasks")
        return r.json()


if __name__ == "__main__":
    mcp.run()
