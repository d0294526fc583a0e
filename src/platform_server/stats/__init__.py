"""Figures for the operator dashboard, composed from each domain's own read functions."""
