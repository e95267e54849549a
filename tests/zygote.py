"""A process that loads Archivist and the real model once, then forks CLI runs on request.

Each run is a real OS process executing `bot.cli.main(argv)` — it opens the index, encodes with
the real all-MiniLM-L6-v2 and writes exactly as `python -m bot ...` does — but starts at once
instead of paying seconds of imports and weight loading again, so a test can SIGKILL many runs.
What the runs share is read-only: imported modules and the model's weights (copy-on-write). No
index is opened before the fork. The model runs single-threaded here, which keeps fork safe (no
thread pool exists to be copied half-alive).

A run may be asked to stop itself (SIGSTOP) as it announces a phase, before that phase's work
starts, so the test can choose the moment of the kill within the phase precisely.

Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
  {"op": "run", "argv": [...], "env": {...}, "cwd": DIR, "stdout": PATH, "stderr": PATH,
   "stop_at": PHASE or null} -> {"pid": N}
  {"op": "wait", "pid": N} -> {"status": exit code, or -signal}
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback

import bot.cli
import bot.service
import bot.terminal
from embeddings.encoders import DEFAULT_BACKEND, DEFAULT_MODEL, load_encoder

_MODEL = load_encoder(DEFAULT_MODEL, threads=1)
_MODEL.encode_query("warm up")  # loads (and, into a fresh cache, exports) the model before any fork
_load_encoder = bot.service.load_encoder


def _preloaded(model: str, **options):
    if model == DEFAULT_MODEL and options.get("backend", DEFAULT_BACKEND) == DEFAULT_BACKEND:
        return _MODEL
    return _load_encoder(model, **options)


def _stop_at(phase: str) -> None:
    """Make the run SIGSTOP itself when it announces `phase` (once), just before the phase's work."""
    announce = bot.terminal.progress_line

    def line(event):
        if event.phase == phase and not getattr(line, "stopped", False):
            line.stopped = True
            os.kill(os.getpid(), signal.SIGSTOP)
        return announce(event)

    bot.terminal.progress_line = line


def _child(request: dict) -> None:
    """Become the CLI run: own stdout/stderr files, its environment and directory; never return."""
    code = 70
    try:
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        bot.service.load_encoder = _preloaded
        if request.get("stop_at"):
            _stop_at(request["stop_at"])
        code = bot.cli.main(request["argv"])
    except BaseException:  # os._exit below would swallow it: show it in the run's stderr
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    reply = sys.stdout
    reply.write(json.dumps({"ready": True}) + "\n")
    reply.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "run":
            reply.flush()
            pid = os.fork()
            if pid == 0:
                _child(request)
            reply.write(json.dumps({"pid": pid}) + "\n")
        elif request["op"] == "wait":
            _, status = os.waitpid(request["pid"], 0)
            reply.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
