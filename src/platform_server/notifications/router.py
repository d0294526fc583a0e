"""PLACEHOLDER: replaced by the notifications implementation."""

from fastapi import APIRouter

router = APIRouter(prefix="/notifications", tags=["notifications"])
