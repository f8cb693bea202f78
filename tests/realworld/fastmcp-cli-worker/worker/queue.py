import asyncio


async def drain():
    while True:
        await asyncio.sleep(5)
