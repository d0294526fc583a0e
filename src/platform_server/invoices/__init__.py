"""Invoices for paid orders: sequential numbers, JSON and PDF."""
