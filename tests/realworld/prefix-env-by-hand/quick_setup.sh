#!/bin/bash
# Sets up the MCP server's environment in ./env, with whichever of mamba or conda is there.
set -e
cd "$(dirname "$0")"

echo "[1/3] environment"
(command -v mamba >/dev/null 2>&1 && mamba create -p ./env python=3.10 pip -y) || \
(command -v conda >/dev/null 2>&1 && conda create -p ./env python=3.10 pip -y)

echo "[2/3] server dependencies"
./env/bin/pip install loguru click pandas numpy tqdm
./env/bin/pip install --force-reinstall --no-cache-dir fastmcp

echo "[3/3] RDKit"
(command -v mamba >/dev/null 2>&1 && mamba run -p ./env mamba install -c conda-forge rdkit -y)

echo "Run the server: ./env/bin/python src/server.py"
