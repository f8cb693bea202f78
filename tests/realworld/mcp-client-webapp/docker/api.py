from fastapi import FastAPI, Header
from llama_index.tools.mcp import McpToolSpec, BasicMCPClient

app = FastAPI()


@app.post("/mcp")
async def mcp(x_api_key: str = Header(None)):
    client = BasicMCPClient(x_api_key)
    tools = await McpToolSpec(client).to_tool_list_async()
    return {"tools": [t.metadata.name for t in tools]}
