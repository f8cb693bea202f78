import asyncio
import logging

from worker.queue import drain

logging.basicConfig(level=logging.INFO)
asyncio.run(drain())
