#!/usr/bin/env bash
# env.* at scale (issue 15, "Scale"): a root prefix with ENVS environments listed in
# ~/.conda/environments.txt, and the project's environment with PACKAGES conda-meta records,
# every recorded file present (a healthy env). Times `devdoctor env.*` as a whole process.
#
# Usage: bench/env-scale.sh [ENVS] [PACKAGES] [BINARY]
#   ENVS      environments besides the project's (default 1000)
#   PACKAGES  records in the project's environment (default 500)
#   BINARY    devdoctor binary (default target/release/devdoctor)
# Run it at two sizes to see how the cost grows. Times with hyperfine -N when installed, else
# with bench/timer.py (python3); prints the median.
set -euo pipefail
N=${1:-1000}
P=${2:-500}
BIN=$(realpath "${3:-target/release/devdoctor}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

history_file() { # PREFIX CMD
  mkdir -p "$1/conda-meta"
  printf '==> 2025-06-01 12:00:00 <==\n# cmd: %s\n# conda version: 3.8.0\n' "$2" >"$1/conda-meta/history"
}

R=$D/micromamba
mkdir -p "$D/home/.conda" "$D/project"
history_file "$R" "micromamba shell init --shell bash"
: >"$D/home/.conda/environments.txt"
for i in $(seq -f '%05g' 1 "$N") proj; do
  p=$R/envs/env$i
  [ "$i" = proj ] && p=$R/envs/proj
  history_file "$p" "micromamba create -n ${p##*/}"
  echo "$p" >>"$D/home/.conda/environments.txt"
done
E=$R/envs/proj
site=lib/python3.12/site-packages
mkdir -p "$E/bin" "$E/$site"
: >"$E/bin/python3.12"
printf '{"name": "python", "version": "3.12.3", "build": "h_0", "depends": [], "files": ["bin/python3.12"], "python_site_packages_path": "%s"}' \
  "$site" >"$E/conda-meta/python-3.12.3-h_0.json"
printf 'name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n' >"$D/project/environment.yml"
for ((i = 0; i < P - 1; i++)); do
  name=$(printf 'pkg-%04d' "$i")
  mkdir -p "$E/$site/$name"
  : >"$E/$site/$name/__init__.py"
  printf '{"name": "%s", "version": "1.%d.0", "build": "pyhd8ed1ab_0", "depends": ["python >=3.9"], "files": ["%s/%s/__init__.py"]}' \
    "$name" "$i" "$site" "$name" >"$E/conda-meta/$name-1.$i.0-pyhd8ed1ab_0.json"
done

run=(env -i HOME="$D/home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM=dumb NO_COLOR=1
  MAMBA_ROOT_PREFIX="$R" "$BIN" -C "$D/project" --color never -q 'env.*')
"${run[@]}" >/dev/null || true
echo "env.* over $N envs + the project's env of $P packages:"
if command -v hyperfine >/dev/null; then
  hyperfine -N -i --style basic -w 2 -r 20 --export-json "$D/h.json" -- "$(printf '%q ' "${run[@]}")" >/dev/null
  python3 -c 'import json, sys; print("  median %.1f ms (hyperfine, 20 runs)" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$D/h.json"
else
  python3 "$here/timer.py" 2 20 "${run[@]}" | sort -n |
    awk '{ v[NR] = $1 } END { printf "  median %.1f ms (bench/timer.py, 20 runs)\n", v[int((NR + 1) / 2)] / 1e6 }'
fi
