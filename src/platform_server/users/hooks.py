"""What other domains may react to, inside the same transaction."""

from platform_server.core.hooks import Hook

# handler(session, user_id)
user_deleted = Hook("user_deleted")
# handler(session, user_id, keep_session_id): revoke every other credential
credentials_changed = Hook("credentials_changed")
