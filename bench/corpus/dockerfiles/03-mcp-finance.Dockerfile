# MCP finance backend: the policy's secure pattern.
# Multi-stage on a pinned mambaorg/micromamba, conda-forge packages only (environment.yml),
# non-root (the image's mambauser), files copied with --chown, a HEALTHCHECK, port 8000.
#   docker build -t mcp-finance-backend:latest .
ARG MICROMAMBA_TAG=2.3.0

FROM mambaorg/micromamba:${MICROMAMBA_TAG} AS builder
COPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/environment.yml
RUN micromamba install -y -n base -f /tmp/environment.yml && \
    micromamba clean --all --yes

FROM mambaorg/micromamba:${MICROMAMBA_TAG}
COPY --from=builder --chown=$MAMBA_USER:$MAMBA_USER /opt/conda /opt/conda
WORKDIR /app
COPY --chown=$MAMBA_USER:$MAMBA_USER main.py /app/main.py
USER mambauser
# Inside the container the server listens on all interfaces; compose publishes it on loopback only.
ENV MCP_HOST=0.0.0.0 \
    MCP_PORT=8000 \
    PYTHONDONTWRITEBYTECODE=1
EXPOSE 8000
# The image has no curl: ask the /health route with the environment's own Python.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/opt/conda/bin/python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
CMD ["python", "main.py"]
