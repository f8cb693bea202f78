#!/usr/bin/env bash
# The manual health check that devdoctor replaces, as six shell steps run one after another:
# the package manager answers, the project's environment is listed, Python runs inside it, the
# MCP server's /health answers, the Docker engine answers, and the image does not run as root.
# bench/run.sh times it against devdoctor on the same machine state.
#   usage: bench/old-procedure.sh [ENV_NAME] [HEALTH_URL] [IMAGE]
# Exit status: how many of the six steps failed (0: all passed).
env_name=${1:-mcp-finance-backend}
health_url=${2:-http://127.0.0.1:8000/health}
image=${3:-mcp-finance-backend:latest}
failures=0
run_step() {
    if ! "$@" >/dev/null 2>&1; then
        failures=$((failures + 1))
    fi
}

# 1. a package manager is installed
run_step sh -c 'mamba --version || micromamba --version'
# 2. the environment exists
run_step sh -c "(mamba env list || micromamba env list) | grep -q -- \"\$1\"" sh "$env_name"
# 3. Python runs inside it, without activation
run_step sh -c "micromamba run -n \"\$1\" python3 --version || mamba run -n \"\$1\" python3 --version" sh "$env_name"
# 4. the MCP server answers its health route
run_step curl -fsS --max-time 10 "$health_url"
# 5. the Docker engine answers
run_step docker info
# 6. the image runs as a user other than root
run_step sh -c "test \"\$(docker run --rm --network none \"\$1\" whoami)\" != root" sh "$image"
exit "$failures"
