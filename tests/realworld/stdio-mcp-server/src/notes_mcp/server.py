from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool()
def add_note(text: str) -> str:
    """Store a note."""
    return f"stored: {text}"


def main() -> None:
    mcp.run()  # stdio, the SDK's default


if __name__ == "__main__":
    main()
