"""A full disk loses nothing: writes that fail for want of storage are kept in order and written
when they can be, and the bus hears once that it started and once that it is over."""

from __future__ import annotations

import sqlite3
import threading

from core.durable_writes import DurableWrites
from core.events import EventBus, StorageTrouble
from core.translatable import said

FULL = sqlite3.OperationalError("database or disk is full")


class Disk:
    def __init__(self) -> None:
        self.full = False
        self.written: list[str] = []

    def write(self, text: str) -> None:
        if self.full:
            raise FULL
        self.written.append(text)


def test_writes_kept_while_the_disk_is_full_are_written_in_order_after() -> None:
    bus = EventBus(strict=True)
    heard: list[StorageTrouble] = []
    bus.subscribe(StorageTrouble, heard.append)
    disk = Disk()
    writes = DurableWrites(bus, said("the conversation"), retry_s=60)
    assert writes.do(lambda: disk.write("один"))
    disk.full = True
    assert not writes.do(lambda: disk.write("два"))
    assert not writes.do(lambda: disk.write("три"))
    assert writes.pending == 2 and disk.written == ["один"]
    assert [h.resolved for h in heard] == [False]  # said once, not once per write
    assert "disk is full" in heard[0].message and "nothing is lost" in heard[0].message
    disk.full = False
    assert writes.do(lambda: disk.write("четыре"))
    assert disk.written == ["один", "два", "три", "четыре"]
    assert [h.resolved for h in heard] == [False, True]
    assert heard[1].message == "the conversation is saved again"


def test_kept_writes_are_tried_again_without_a_new_one() -> None:
    bus = EventBus(strict=True)
    over = threading.Event()
    bus.subscribe(StorageTrouble, lambda e: e.resolved and over.set())
    disk = Disk()
    disk.full = True
    told = threading.Event()
    writes = DurableWrites(bus, "the memory", retry_s=0.05, resolved=told.set)
    writes.do(lambda: disk.write("кот Барсик"))
    disk.full = False
    assert over.wait(5) and told.wait(5)  # the retry wrote it, nobody else asked
    assert disk.written == ["кот Барсик"] and writes.pending == 0


def test_a_bug_is_dropped_not_retried_and_closing_says_what_is_lost() -> None:
    bus = EventBus(strict=True)
    disk = Disk()
    writes = DurableWrites(bus, "the memory", retry_s=60)

    def broken() -> None:
        raise ValueError("a bug")

    assert writes.do(broken) and writes.pending == 0  # logged and dropped
    disk.full = True
    writes.do(lambda: disk.write("x"))
    assert writes.close() == 1
    disk.full = False
    assert not writes.flush() and disk.written == []  # closed: the store is gone
