"""PLACEHOLDER: replaced by the audit implementation."""

from fastapi import APIRouter

router = APIRouter(prefix="/audit", tags=["audit"])
