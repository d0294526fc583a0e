"""Email and SMS to customers and admins, sent from domain events."""
