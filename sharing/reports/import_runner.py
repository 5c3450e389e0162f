"""Import work in the background: each app keeps one ImportRunner on `app.extensions`, which
runs a job's step in a thread inside that app's context, knows which jobs are at work, and
holds the progress of commits (the commit's own transaction cannot report it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from sharing.extensions import db

EXTENSION = "import_runner"


class ImportRunner:
    """The background threads and commit progress of one app's import jobs, by job id."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._threads: dict[int, threading.Thread] = {}
        self._progress: dict[int, int] = {}
        self._lock = threading.Lock()

    def start(self, job_id: int, work: Callable[..., Any], *args: Any) -> None:
        """Run `work(job_id, *args)` in a thread with its own app context and session."""
        thread = threading.Thread(target=self._run, args=(job_id, work, *args), daemon=True)
        with self._lock:
            self._threads[job_id] = thread
        thread.start()

    def _run(self, job_id: int, work: Callable[..., Any], *args: Any) -> None:
        with self.app.app_context():
            try:
                work(job_id, *args)
            finally:
                db.session.remove()
                with self._lock:
                    self._threads.pop(job_id, None)

    def running(self, job_id: int) -> bool:
        with self._lock:
            return job_id in self._threads

    def wait_for(self, job_id: int, timeout: float | None = None) -> None:
        """Wait until a background step of this job has finished (tests and shutdown)."""
        with self._lock:
            thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def report(self, job_id: int, done: int) -> None:
        """A commit's rows written so far."""
        self._progress[job_id] = done

    def progress(self, job_id: int, default: int) -> int:
        return self._progress.get(job_id, default)

    def forget(self, job_id: int) -> None:
        self._progress.pop(job_id, None)


def init_import_runner(app: Flask) -> None:
    app.extensions[EXTENSION] = ImportRunner(app)


def runner() -> ImportRunner:
    """The current app's runner."""
    return current_app.extensions[EXTENSION]


def wait_for(job_id: int, timeout: float | None = None) -> None:
    """Wait for the current app's background step of this job (tests and shutdown)."""
    runner().wait_for(job_id, timeout)
