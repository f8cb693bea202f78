FROM mambaorg/micromamba:1.5.8
COPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/env.yml
RUN micromamba install -y -n base -f /tmp/env.yml && micromamba clean -a -y
COPY --chown=$MAMBA_USER:$MAMBA_USER worker /app/worker
WORKDIR /app
HEALTHCHECK --interval=60s CMD ["micromamba", "run", "-n", "base", "celery", "-A", "worker", "inspect", "ping"]
CMD ["micromamba", "run", "-n", "base", "celery", "-A", "worker", "worker", "--loglevel=info"]
