"""One writer for the service: submissions arriving together are kept in one transaction.

Each request hands its submission to :meth:`BatchWriter.keep` and waits; a single task takes
whatever has arrived (up to ``batch`` at once), keeps it with
:meth:`~shopperkit.store.Store.keep_submissions` in a worker thread, and answers every
waiting request. Under load many submissions share a commit, so the store's one-writer-at-a-
time rule costs one transaction per batch rather than per request; when a transaction fails,
every request in it gets the error and nothing of it is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import anyio.to_thread

if TYPE_CHECKING:
    from shopperkit.store import Store
    from shopperkit.store.intake import Kept, Submission

Waiting = tuple["Submission", "asyncio.Future[Kept]"]


class BatchWriter:
    """Keeps the submissions of ``programme`` in ``store``, many to a transaction."""

    def __init__(self, store: Store, programme: str, batch: int = 256) -> None:
        self.store = store
        self.programme = programme
        self.batch = batch
        self._queue: asyncio.Queue[Waiting] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the writing task (on the running event loop)."""
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(self._queue))

    async def stop(self) -> None:
        """Finish what was handed in, then stop."""
        if self._task is None or self._queue is None:
            return
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def keep(self, submission: Submission) -> Kept:
        """Keep ``submission`` (once per its id); what keeping it did."""
        if self._queue is None:
            raise RuntimeError("the writer is not started")
        done: asyncio.Future[Kept] = asyncio.get_running_loop().create_future()
        await self._queue.put((submission, done))
        return await done

    async def _run(self, queue: asyncio.Queue[Waiting]) -> None:
        while True:
            waiting = [await queue.get()]
            while len(waiting) < self.batch and not queue.empty():
                waiting.append(queue.get_nowait())
            items = [submission for submission, _ in waiting]
            try:
                kept = await anyio.to_thread.run_sync(
                    self.store.keep_submissions, self.programme, items
                )
            except Exception as error:  # every waiting request hears of it
                for _, done in waiting:
                    if not done.done():
                        done.set_exception(error)
            else:
                for (_, done), outcome in zip(waiting, kept, strict=True):
                    if not done.done():
                        done.set_result(outcome)
            finally:
                for _ in waiting:
                    queue.task_done()
