"""Cyclic peptide tools over MCP (stdio)."""

from fastmcp import FastMCP

mcp = FastMCP(name="highfold-med-tools")


@mcp.tool()
def check_dependencies() -> dict:
    """Report which optional libraries import."""
    found = {}
    for module in ("rdkit", "pandas"):
        try:
            __import__(module)
            found[module] = True
        except ImportError:
            found[module] = False
    return found


if __name__ == "__main__":
    mcp.run()
