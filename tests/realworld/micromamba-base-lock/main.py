import os

import uvicorn

PORT = int(os.getenv("PORT", "8080"))

if __name__ == "__main__":
    uvicorn.run("app.server:app", host="0.0.0.0", port=PORT)
