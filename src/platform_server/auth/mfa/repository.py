"""All of the second factor's SQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.auth.mfa.models import MfaFactor, MfaRecoveryCode
from platform_server.auth.models import Session
from platform_server.core.rows import spend


async def factor(session: AsyncSession, user_id: uuid.UUID) -> MfaFactor | None:
    return await session.get(MfaFactor, user_id)


async def confirmed(session: AsyncSession, user_id: uuid.UUID) -> bool:
    stmt = select(MfaFactor.user_id).where(
        MfaFactor.user_id == user_id, MfaFactor.confirmed_at.is_not(None)
    )
    return (await session.execute(stmt)).first() is not None


async def put_factor(session: AsyncSession, user_id: uuid.UUID, secret_encrypted: str) -> None:
    """A new unconfirmed secret, replacing an unconfirmed one left from an earlier try."""
    await session.execute(delete(MfaFactor).where(MfaFactor.user_id == user_id))
    session.add(MfaFactor(user_id=user_id, secret_encrypted=secret_encrypted))
    await session.flush()


async def accept_step(session: AsyncSession, user_id: uuid.UUID, step: int) -> bool:
    """Record `step` as used, atomically: False when it (or a later one) already was."""
    stmt = (
        update(MfaFactor)
        .where(
            MfaFactor.user_id == user_id,
            or_(MfaFactor.last_step.is_(None), MfaFactor.last_step < step),
        )
        .values(last_step=step)
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def confirm(session: AsyncSession, user_id: uuid.UUID, when: datetime) -> None:
    stmt = update(MfaFactor).where(MfaFactor.user_id == user_id).values(confirmed_at=when)
    await session.execute(stmt)


async def replace_recovery_codes(
    session: AsyncSession, user_id: uuid.UUID, hashes: Iterable[str]
) -> None:
    await session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    session.add_all(MfaRecoveryCode(user_id=user_id, code_hash=h) for h in hashes)
    await session.flush()


async def use_recovery_code(
    session: AsyncSession, user_id: uuid.UUID, code_hash: str, when: datetime
) -> bool:
    """Mark the code used, atomically: False when it is unknown or already used."""
    spent = await spend(
        session,
        MfaRecoveryCode,
        when,
        MfaRecoveryCode.user_id == user_id,
        MfaRecoveryCode.code_hash == code_hash,
    )
    return spent > 0


async def remove(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    await session.execute(delete(MfaFactor).where(MfaFactor.user_id == user_id))


async def mark_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    """The session passed a second factor (enrolled from it)."""
    await session.execute(update(Session).where(Session.id == session_id).values(mfa=True))
