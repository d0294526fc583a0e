"""What other domains may react to, inside the same transaction."""

from platform_server.core.hooks import Hook

# handler(session, user_id)
user_deleted = Hook("user_deleted")
# handler(session, user_id, keep_session_id): revoke every other credential
credentials_changed = Hook("credentials_changed")
# handler(session, settings, user_id, created): someone registered with this user's address;
# created is False when the address already had an account (nothing was changed).
registration_requested = Hook("registration_requested")
