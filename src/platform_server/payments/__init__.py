"""Payments and refunds through a payment gateway (a sandbox by default)."""
