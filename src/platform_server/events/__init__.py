"""Domain events: the transactional outbox, its stream, and dispatch to subscribers."""
