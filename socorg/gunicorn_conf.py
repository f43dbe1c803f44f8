"""gunicorn settings for socorg (README, "Web server"):

    .venv/bin/gunicorn -c python:socorg.gunicorn_conf socorg.wsgi -b 127.0.0.1:8000

Options given on the command line override these (e.g. `-w 8`). The choices, and what the bounded load tests
(benchmarks/load.py, benchmarks/public.py; figures in benchmarks/README.md) showed:

- preload_app: the application — Django, every URLconf and view, the catalogs, the compiled templates
  (socorg.core.warmup) — is loaded once in the master before the workers are forked. Without it each worker loaded
  it after the fork, and the first requests it took waited seconds: the long tail of the load tests. A worker
  restarted later (a crash, a timeout) is forked warm too. Code changes need a restart, not a HUP.
- worker_tmp_dir: the workers' heartbeat file in memory (/dev/shm), as gunicorn's documentation advises, instead of
  a disk-backed /tmp where each heartbeat is an inode update that may wait behind the file system's journal (a
  precaution: the heartbeats traced here took microseconds; the stalls measured were the cold workers).
- workers: WEB_CONCURRENCY, else 2 per core (PostgreSQL and Redis run beside them on the same cores).
"""

import os

preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or 2 * (os.cpu_count() or 1)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server):
    """In the master, once the preloaded application is imported: warm it before forking."""
    if server.cfg.preload_app:
        from socorg.core.warmup import warm_up

        warm_up()


def post_worker_init(worker):
    """Without preload_app (a configuration deriving from this one may turn it off), each worker warms itself
    before it accepts a connection."""
    if not worker.cfg.preload_app:
        from socorg.core.warmup import warm_up

        warm_up()
