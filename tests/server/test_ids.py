"""Row ids are version-7 UUIDs: time-ordered, random below the millisecond."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

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


def test_a_forked_child_makes_other_ids(tmp_path: Path) -> None:
    new_id()  # the parent has random bytes buffered
    out = tmp_path / "child"
    pid = os.fork()
    if pid == 0:  # the child: write its next id and leave at once
        out.write_text(str(new_id()))
        os._exit(0)
    os.waitpid(pid, 0)
    parent_next = new_id()
    child_next = uuid.UUID(out.read_text())
    assert child_next.int & ((1 << 74) - 1) != parent_next.int & ((1 << 74) - 1)
