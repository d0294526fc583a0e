"""Serialising a response model once.

FastAPI validates a returned model against `response_model` again before
serialising it; hot list endpoints skip that by returning JSON bytes made
directly by pydantic (the route keeps `response_model` for the OpenAPI document).
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")
