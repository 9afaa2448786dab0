"""A killed writer leaves no lock behind, even while a worker it forked is still running.

flock belongs to the open file, which a fork shares: before, a supervised worker orphaned by a SIGKILLed
ingest kept the store locked until its file's budget ran out (up to 90 s for a PDF), and the next ingest
was refused naming the dead pid (found by the kill matrix once its runs started warm).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from govreport.ingestion import lock
from locations import REPO

WRITER = textwrap.dedent("""
    import os, signal, sys, time
    from govreport.ingestion import lock
    with lock.store_lock(sys.argv[1]):
        worker = os.fork()
        if worker == 0:         # a worker, still busy when its writer dies (off the test's pipes)
            quiet = os.open(os.devnull, os.O_RDWR)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            time.sleep(30)
            os._exit(0)
        print(worker, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_writers_forked_worker_does_not_keep_the_store_locked(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    run = subprocess.run([sys.executable, "-c", WRITER, str(tmp_path)], capture_output=True, text=True,
                         timeout=60, env=env)
    assert run.returncode == -signal.SIGKILL, run.stderr
    worker = int(run.stdout)
    try:
        os.kill(worker, 0)  # the worker sleeps on...
        with lock.store_lock(tmp_path):  # ...and the store is free at once
            pass
    finally:
        os.kill(worker, signal.SIGKILL)
