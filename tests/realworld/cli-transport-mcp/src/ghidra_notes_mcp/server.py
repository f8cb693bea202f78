# Shape of pyghidra-mcp's src/pyghidra_mcp/server.py (clearbluejar/pyghidra-mcp), trimmed:
# the transport and port come from click options; stdio is the default. (Upstream's port
# option is `default=8000, envvar="MCP_PORT"`; here the default reads MCP_PORT itself, on a
# port unlikely to be in use.)
import os

import click
from click_option_group import optgroup
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("ghidra-notes-mcp")


@mcp.tool()
def list_notes() -> list[str]:
    return []


def run_mcp_server(mcp: FastMCP, transport: str) -> None:
    if transport == "stdio":
        mcp.run(transport="stdio")
    elif transport in ["streamable-http", "http"]:
        mcp.run(transport="streamable-http")
    elif transport == "sse":
        mcp.run(transport="sse")
    else:
        raise ValueError(f"Invalid transport: {transport}")


@click.command()
@optgroup.group("Server Options")
@optgroup.option(
    "-t",
    "--transport",
    type=click.Choice(["stdio", "streamable-http", "sse", "http"], case_sensitive=False),
    default="stdio",
    envvar="MCP_TRANSPORT",
    show_default=True,
)
@optgroup.option(
    "-p",
    "--port",
    type=int,
    default=lambda: int(os.environ.get("MCP_PORT", "47320")),
    show_default=True,
)
@optgroup.option("-o", "--host", type=str, default="127.0.0.1", envvar="MCP_HOST")
def main(transport: str, port: int, host: str) -> None:
    mcp.settings.host = host
    mcp.settings.port = port
    run_mcp_server(mcp, transport)


if __name__ == "__main__":
    main()
