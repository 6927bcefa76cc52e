"""Anchor: a FastAPI hello-world under the same uvicorn set-up as the gateway."""

import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello():
    return {"hello": "world"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), loop="uvloop",
                http="httptools", access_log=False, log_level="warning")
