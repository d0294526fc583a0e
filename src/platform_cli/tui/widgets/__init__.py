"""Widgets of the dashboard: the virtual table, the prompt, figures, the detail pane."""
