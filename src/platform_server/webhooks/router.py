"""PLACEHOLDER: replaced by the webhooks implementation."""

from fastapi import APIRouter

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
