ARG BASE=mambaorg/micromamba:1.5.8
FROM ${BASE} AS deps
COPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/
RUN micromamba install -y -n base -c conda-forge -f /tmp/environment.yml && micromamba clean --all --yes
FROM deps AS test
COPY --chown=$MAMBA_USER:$MAMBA_USER . /app
RUN micromamba run -n base pytest -q /app/tests
FROM deps AS docs
COPY --chown=$MAMBA_USER:$MAMBA_USER docs /docs
RUN micromamba run -n base sphinx-build /docs /docs/_build
FROM ${BASE} AS final
COPY --from=deps /opt/conda /opt/conda
COPY --chown=$MAMBA_USER:$MAMBA_USER src /app
HEALTHCHECK CMD ["micromamba", "run", "-n", "base", "python", "-c", "import app"]
CMD ["python", "-m", "app"]
