"""Times a command the way hyperfine -N does: no shell, the process spawned directly.

Usage: python3 bench/timer.py WARMUP RUNS CMD [ARG...]
Prints one wall time in nanoseconds per timed run. The command inherits this process's
environment (run it under `env -i …`), with stdin, stdout and stderr on /dev/null. Used by
bench/run.sh when hyperfine is not installed: a `date +%s%N` loop in the shell adds two
forks per run, more than a short command such as `devdoctor --version` takes.
"""

import os
import shutil
import sys
import time


def main() -> int:
    warmup, runs = int(sys.argv[1]), int(sys.argv[2])
    argv = sys.argv[3:]
    program = shutil.which(argv[0]) or argv[0]
    null = os.open(os.devnull, os.O_RDWR)
    actions = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
    for i in range(warmup + runs):
        start = time.perf_counter_ns()
        pid = os.posix_spawn(program, argv, os.environ, file_actions=actions)
        os.waitpid(pid, 0)
        took = time.perf_counter_ns() - start
        if i >= warmup:
            print(took)
    return 0


if __name__ == "__main__":
    sys.exit(main())
