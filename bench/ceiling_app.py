"""The ceiling of `bench/signed_in_list.py`: a bare FastAPI app that answers
`GET /api/v1/products` with prebuilt JSON (the real server's own first page, read
from the file `CEILING_BODY` names). No auth, no database, no middleware: what the
framework and uvicorn cost on this machine, measured in the same run.

    CEILING_BODY=page.json uvicorn ceiling_app:app --app-dir bench --port 8001
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Response

BODY = Path(os.environ["CEILING_BODY"]).read_bytes()
app = FastAPI()


@app.get("/api/v1/products")
async def products() -> Response:
    return Response(BODY, media_type="application/json")


@app.get("/readyz")
async def readyz() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")
