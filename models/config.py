"""Executable models of the ConfigManager of section 6.1 of the design document.

Two managers with one interface:

* :class:`ConfigManager` -- FAITHFUL to the document's Rust code, flaws
  included: ``set_config`` stores under the configs write lock, releases it,
  then takes a READ guard on the watchers map and keeps it while it
  ``send(change).await``\\ s on each bounded ``mpsc`` channel in turn.
* :class:`FixedConfigManager` -- the corrected design of
  ``spec/config_fixed.spec``: one ``watch`` channel per service, store and
  publish under one lock, subscription returns the current value.

Async Rust, step by step
------------------------
Every ``async fn`` of the Rust code is a Python *generator* here that yields
an :class:`Await` at each ``.await`` on a lock or a channel: what it waits
for, and a predicate saying when it can go on.  Every such ``.await`` is a
point where another task (on another worker thread of the runtime) may run
first, so each is a separate step, even when the lock happens to be free.  A :class:`Task` wraps one such call;
``task.step()`` resumes it up to its next suspension point (raising
:class:`Blocked` if it cannot resume now), so a test interleaves concurrent
calls exactly where tokio could, and sees a hang as "this task can never be
resumed again" instead of a test that never returns.  :func:`run` resumes
ready tasks (round robin, or in the order a test gives) until all are done or
all are blocked.

Locks behave as tokio's ``RwLock``: fair (write-preferring): once a writer
is queued, later readers wait behind it.  Channels behave as
``tokio::sync::mpsc::channel(cap)``: ``send`` waits while the channel is
full and fails at once (``Err``, ignored by the document's ``let _ =``) when
the receiver was dropped.

The document's code does not compile as written (``new_config: config`` uses
``config`` after it was moved into the map); the model reads it as
``config.clone()`` was inserted, which is evidently the intent.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Generator, Iterable, Optional


# ---------------------------------------------------------------- async machinery


@dataclass
class Await:
    """A suspension point: ``what`` the task waits for, ``ready()`` when it may go on."""

    what: str
    ready: Callable[[], bool]


class Blocked(RuntimeError):
    """``Task.step`` on a task whose awaited condition does not hold."""


class Task:
    """One call of an ``async fn`` in flight."""

    _ids = itertools.count(1)

    def __init__(self, gen: Generator[Await, None, Any], name: str = ""):
        self.id = next(Task._ids)
        self.name = name or f"task{self.id}"
        self._gen = gen
        self.waiting: Optional[Await] = None
        self.done = False
        self.result: Any = None
        self.steps = 0

    def ready(self) -> bool:
        return not self.done and (self.waiting is None or self.waiting.ready())

    def step(self) -> "Task":
        """Run up to the next suspension point (or to the end)."""
        if self.done:
            raise Blocked(f"{self.name} has finished")
        if not self.ready():
            raise Blocked(f"{self.name} is waiting for {self.waiting.what}")
        self.steps += 1
        try:
            self.waiting = next(self._gen)
        except StopIteration as stop:
            self.done, self.waiting, self.result = True, None, stop.value
        return self

    def __repr__(self) -> str:
        state = "done" if self.done else (f"waiting for {self.waiting.what}" if self.waiting else "runnable")
        return f"Task({self.name}: {state})"


def run(tasks: Iterable[Task], max_steps: int = 100_000) -> list[Task]:
    """Resume ready tasks round robin until every task is done or none can go
    on.  Returns the tasks that are left blocked (empty: all finished)."""
    tasks = list(tasks)
    for _ in range(max_steps):
        ready = [t for t in tasks if t.ready()]
        if not ready:
            return [t for t in tasks if not t.done]
        for t in ready:
            if t.ready():
                t.step()
    raise RuntimeError("run: step budget exhausted (a livelock?)")


class RwLock:
    """tokio::sync::RwLock, fair: a queued writer holds back later readers."""

    def __init__(self, name: str):
        self.name = name
        self.readers = 0
        self.writer = False
        self.queued_writers: deque[int] = deque()

    # Readers
    def can_read(self) -> bool:
        return not self.writer and not self.queued_writers

    def read(self) -> Generator[Await, None, None]:
        """``lock.read().await``: a generator step that acquires a read guard."""
        yield Await(f"{self.name}.read()", self.can_read)
        self.readers += 1

    def release_read(self) -> None:
        assert self.readers > 0
        self.readers -= 1

    # Writers
    def write(self) -> Generator[Await, None, None]:
        """``lock.write().await``: queue, wait for readers and writer to leave."""
        token = next(Task._ids)
        self.queued_writers.append(token)

        def can() -> bool:
            return self.queued_writers[0] == token and not self.writer and self.readers == 0

        yield Await(f"{self.name}.write()", can)
        self.queued_writers.popleft()
        self.writer = True

    def release_write(self) -> None:
        assert self.writer
        self.writer = False


class SendError(Exception):
    """``mpsc::error::SendError``: the receiver is gone."""


class Receiver:
    """``tokio::sync::mpsc::Receiver`` of a bounded channel."""

    def __init__(self, cap: int):
        self.cap = cap
        self.queue: deque = deque()
        self.closed = False

    def try_recv(self) -> Any:
        """``rx.try_recv()``: the next change, or None when the channel is empty."""
        return self.queue.popleft() if self.queue else None

    def drain(self) -> list:
        """Every change queued, oldest first."""
        out = list(self.queue)
        self.queue.clear()
        return out

    def drop(self) -> None:
        """Drop the Receiver: queued messages are discarded, senders get Err."""
        self.closed = True
        self.queue.clear()


class Sender:
    """``tokio::sync::mpsc::Sender`` of a bounded channel."""

    def __init__(self, rx: Receiver):
        self.rx = rx

    def full(self) -> bool:
        return len(self.rx.queue) >= self.rx.cap

    def send(self, value: Any) -> Generator[Await, None, None]:
        """``sender.send(value).await``: waits while full; Err if the receiver is gone."""
        yield Await("sender.send(change)", lambda: self.rx.closed or not self.full())
        if self.rx.closed:
            raise SendError("channel closed")
        self.rx.queue.append(value)


# ---------------------------------------------------------------- the document's ConfigManager


@dataclass(frozen=True)
class ServiceConfig:
    """``ServiceConfig``; ``version`` is test bookkeeping (which set_config stored it)."""

    service_id: str
    database_url: str = "postgres://db"
    redis_url: str = "redis://cache"
    log_level: str = "info"
    max_connections: int = 10
    version: int = 0


@dataclass(frozen=True)
class ConfigChange:
    service_id: str
    old_config: Optional[ServiceConfig]
    new_config: ServiceConfig


class ConfigManager:
    """The document's ``ConfigManager``.  ``capacity`` is the channel size
    (``mpsc::channel(100)``).  Each ``async fn`` is a method returning a
    :class:`Task` to be stepped."""

    def __init__(self, capacity: int = 100):
        self.capacity = capacity
        self.configs: dict[str, ServiceConfig] = {}
        self.watchers: dict[str, list[Sender]] = {}
        self.configs_lock = RwLock("configs")
        self.watchers_lock = RwLock("watchers")
        self.store_log: list[ServiceConfig] = []   # test bookkeeping: order of stores

    # async fn set_config(&self, config: ServiceConfig)
    def set_config(self, config: ServiceConfig) -> Task:
        return Task(self._set_config(config), f"set_config(v{config.version})")

    def _set_config(self, config: ServiceConfig):
        service_id = config.service_id
        # let old_config = { let mut configs = self.configs.write().await; ... };
        yield from self.configs_lock.write()
        old_config = self.configs.get(service_id)
        self.configs[service_id] = config
        self.store_log.append(config)
        self.configs_lock.release_write()            # guard dropped at the block's end
        change = ConfigChange(service_id, old_config, config)
        # let watchers = self.watchers.read().await;  -- held to the end of the fn
        yield from self.watchers_lock.read()
        try:
            for sender in list(self.watchers.get(change.service_id, [])):
                try:
                    yield from sender.send(change)   # let _ = sender.send(change.clone()).await;
                except SendError:
                    pass                             # `let _ =`: ignored, sender stays in the Vec
        finally:
            self.watchers_lock.release_read()

    # async fn get_config(&self, service_id: &str) -> Option<ServiceConfig>
    def get_config(self, service_id: str) -> Task:
        return Task(self._get_config(service_id), f"get_config({service_id})")

    def _get_config(self, service_id: str):
        yield from self.configs_lock.read()
        try:
            return self.configs.get(service_id)
        finally:
            self.configs_lock.release_read()

    # async fn watch_config(&self, service_id: String) -> Receiver<ConfigChange>
    def watch_config(self, service_id: str) -> Task:
        return Task(self._watch_config(service_id), f"watch_config({service_id})")

    def _watch_config(self, service_id: str):
        rx = Receiver(self.capacity)                 # mpsc::channel(100)
        tx = Sender(rx)
        yield from self.watchers_lock.write()
        self.watchers.setdefault(service_id, []).append(tx)
        self.watchers_lock.release_write()
        return rx


# ---------------------------------------------------------------- the corrected design


class WatchReceiver:
    """``tokio::sync::watch::Receiver``: sees the latest value only."""

    def __init__(self, chan: "WatchChannel"):
        self._chan = chan
        self.seen_version = chan.version
        self.closed = False

    def borrow_and_update(self) -> Optional[ServiceConfig]:
        self.seen_version = self._chan.version
        return self._chan.value

    def has_changed(self) -> bool:
        return not self.closed and self._chan.version != self.seen_version

    def changed(self) -> Task:
        """``rx.changed().await``: waits until a value newer than the last seen one."""
        def gen():
            yield Await("rx.changed()", self.has_changed)
        return Task(gen(), "changed()")

    def drop(self) -> None:
        self.closed = True
        self._chan.receivers.discard(self)


@dataclass(eq=False)
class WatchChannel:
    value: Optional[ServiceConfig] = None
    version: int = 0
    receivers: set = field(default_factory=set)

    def send_replace(self, value: ServiceConfig) -> None:
        """Never waits: overwrite the one slot, bump the version."""
        self.value = value
        self.version += 1


class FixedConfigManager:
    """The corrected design (spec/config_fixed.spec).  Same Task-returning API;
    ``watch_config`` returns a :class:`WatchReceiver` whose
    ``borrow_and_update()`` is the current config at subscription time."""

    def __init__(self):
        self.inner: dict[str, WatchChannel] = {}
        self.lock = RwLock("inner")
        self.store_log: list[ServiceConfig] = []

    def set_config(self, config: ServiceConfig) -> Task:
        def gen():
            yield from self.lock.write()
            try:
                chan = self.inner.setdefault(config.service_id, WatchChannel())
                chan.send_replace(config)             # store AND publish, under one lock
                self.store_log.append(config)
            finally:
                self.lock.release_write()
        return Task(gen(), f"set_config(v{config.version})")

    def get_config(self, service_id: str) -> Task:
        def gen():
            yield from self.lock.read()
            try:
                chan = self.inner.get(service_id)
                return chan.value if chan else None
            finally:
                self.lock.release_read()
        return Task(gen(), f"get_config({service_id})")

    def watch_config(self, service_id: str) -> Task:
        def gen():
            yield from self.lock.write()
            try:
                chan = self.inner.setdefault(service_id, WatchChannel())
                rx = WatchReceiver(chan)        # current value marked seen: read it
                chan.receivers.add(rx)          # with rx.borrow_and_update()
                return rx
            finally:
                self.lock.release_write()
        return Task(gen(), f"watch_config({service_id})")


def cfg(version: int, service_id: str = "orders") -> ServiceConfig:
    """A config for ``service_id`` tagged with the number of the store that writes it."""
    return replace(ServiceConfig(service_id), version=version, max_connections=10 + version)
