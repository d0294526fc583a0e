"""Webhooks for integrators: signing now; endpoints and deliveries arrive with the events work."""
