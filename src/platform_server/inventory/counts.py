"""Absolute stock counts set in bulk (a stock-take, an ERP's nightly sync).

A count is what is on the shelf: the level takes it and the ledger records the
difference, with a reason naming what set it (the bulk job). Levels are read under a
row lock in id order, so two jobs counting the same products run one after the
other, each delta taken from the count the other left: no update is lost."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.bulk import RowOutcome
from platform_server.core.database import utcnow
from platform_server.core.ids import new_ids
from platform_server.core.principal import Principal
from platform_server.inventory import repository
from platform_server.inventory.service import low_stock_check


@dataclass(frozen=True, slots=True)
class CountResult:
    """What a count did to one product's level (`valid`: a dry run would update it)."""

    product_id: uuid.UUID
    outcome: RowOutcome
    on_hand_before: int | None = None
    on_hand_after: int | None = None
    error: str | None = None


async def set_counts(
    session: AsyncSession,
    counts: Mapping[uuid.UUID, int],
    *,
    reason: str,
    actor: Principal | None,
    dry_run: bool = False,
) -> dict[uuid.UUID, CountResult]:
    """Sets on hand to each count (never below what orders have reserved), one ledger
    row per changed level with `reason`, one audit record for the lot. Counts must not
    be negative (the caller validates its input)."""
    results: dict[uuid.UUID, CountResult] = {}
    changed: list[tuple[int, int, int, uuid.UUID]] = []  # before, reserved, threshold, id
    for on_hand, reserved, threshold, pid in await repository.locked_figures(session, list(counts)):
        count = counts[pid]
        if count < reserved:
            error = f"{count} is below the {reserved} units reserved by open orders"
            results[pid] = CountResult(pid, "error", on_hand, None, error)
        elif count == on_hand:
            results[pid] = CountResult(pid, "unchanged", on_hand, on_hand)
        else:
            results[pid] = CountResult(pid, "valid" if dry_run else "updated", on_hand, count)
            changed.append((on_hand, reserved, threshold, pid))
    for pid in counts.keys() - results.keys():
        results[pid] = CountResult(pid, "error", error="no inventory record for this product")
    if dry_run or not changed:
        return results
    now = utcnow()
    actor_id = actor.user_id if actor else None
    await repository.set_on_hand(
        session, [{"pid": pid, "on_hand": counts[pid], "now": now} for _, _, _, pid in changed]
    )
    movements = [
        {
            "id": movement_id,
            "product_id": pid,
            "delta": counts[pid] - before,
            "on_hand_after": counts[pid],
            "kind": "count",
            "reason": reason,
            "actor_id": actor_id,
            "order_id": None,
            "created_at": now,
        }
        for movement_id, (before, _, _, pid) in zip(new_ids(len(changed)), changed, strict=True)
    ]
    await repository.insert_movements(session, movements)
    for before, reserved, threshold, pid in changed:
        figures = (counts[pid], reserved, threshold, pid, now)
        await low_stock_check(session, figures, available_before=before - reserved)
    await audit.record(
        session,
        "inventory.count",
        actor=actor,
        target_type="product",
        changes={"reason": reason, "counted": len(counts), "updated": len(changed)},
    )
    return results
