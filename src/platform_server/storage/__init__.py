"""Object storage: files the server keeps (product images, avatars, later invoices).

Shared plumbing like `cache/` and `delivery/`: it imports no domain. A domain asks
for a `Storage` (the `STORAGE` slot, filled by `app.py` from the settings) and keeps
the keys it was given in its own rows. Keys are made here (random or content
addressed), never from a name a user gave.
"""
