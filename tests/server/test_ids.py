"""Row ids are version-7 UUIDs: time-ordered, random below the millisecond."""

from __future__ import annotations

import time
import uuid

from platform_server.core.ids import new_id, new_ids


def test_ids_are_rfc_9562_version_7() -> None:
    before = time.time_ns() // 1_000_000
    ids = new_ids(500)
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == 500
    for value in ids:
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert before <= value.int >> 80 <= after  # the 48-bit millisecond timestamp


def test_later_ids_sort_after_earlier_ones() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_ids(3)
    assert all(str(first) < str(later) for later in second)
    assert all(first.bytes < later.bytes for later in second)


def test_the_random_part_varies() -> None:
    ids = new_ids(200)
    random_bits = {value.int & ((1 << 74) - 1) for value in ids}
    assert len(random_bits) == 200
