import httpx
from fastmcp import FastMCP

mcp = FastMCP("Weather")


@mcp.tool
async def forecast(city: str) -> str:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"https://wttr.in/{city}?format=3")
        return r.text


if __name__ == "__main__":
    mcp.run(transport="http", host="127.0.0.1", port=47931)
