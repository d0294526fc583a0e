"""`platform users delete`, `revoke-sessions` and `mfa-reset`: changes of a whole user."""

from __future__ import annotations

from platform_cli.commands.users.options import UserId, resolve_id
from platform_cli.verbs import Change, Session, changing

# verb: (action, message when done, its -o json record, spinner); {} is the user id.
_WHOLE_USER = {
    "delete": ("delete user {}", "Deleted user {}.", "deleted", "Deleting…"),
    "revoke_sessions": (
        "revoke every session of user {}",
        "Revoked every session of user {}.",
        "sessions_revoked",
        "Revoking…",
    ),
}


def _plan(session: Session, user_id: str, verb: str) -> Change:
    """Previewed with the user as it is (a user that does not exist fails with 404)."""
    action, message, flag, spinner = _WHOLE_USER[verb]
    users = session.sdk.users
    target = resolve_id(session.sdk, user_id)
    return Change(
        action=action.format(target),
        fetch=lambda: users.get(target),
        call=lambda: getattr(users, verb)(target),
        spinner=spinner,
        done=message.format(target),
        record={"id": target, flag: True},
    )


@changing(confirm=True)
def delete(session: Session, user_id: UserId) -> Change:
    """Delete a user with its profile, sessions and API keys."""
    return _plan(session, user_id, "delete")


@changing(confirm=True)
def revoke_sessions(session: Session, user_id: UserId) -> Change:
    """Sign a user out everywhere: end all its sessions (yourself, or anyone as an admin)."""
    return _plan(session, user_id, "revoke_sessions")


@changing(confirm=True)
def mfa_reset(session: Session, user_id: UserId) -> Change:
    """Admin only: turn off another user's second factor (a lost phone) and end their
    sessions; they sign in with the password and enrol again."""
    users = session.sdk.users
    target = resolve_id(session.sdk, user_id)
    email = users.get(target).email  # named by address (a missing user fails with 404)
    return Change(
        action=f"turn off the second factor of {email} and end their sessions",
        fetch=lambda: users.get(target),
        call=lambda: users.reset_mfa(target),
        spinner="Resetting…",
        done=f"Turned off the second factor of {email}; they sign in with their password "
        "and enrol again.",
        record={"id": target, "mfa_reset": True},
    )
