# syntax=docker/dockerfile:1.6
FROM mambaorg/micromamba:1.5.8
ARG NPM_TOKEN
ARG GITHUB_TOKEN=ghp_exampleexampleexampleexample000000
LABEL org.opencontainers.image.source="https://example.com/repo" \
      com.example.deploy.password="hunter2-but-longer"
RUN --mount=type=secret,id=pypi_token,env=PYPI_TOKEN \
    micromamba install -y -n base -c conda-forge requests && micromamba clean --all --yes
COPY --chown=$MAMBA_USER:$MAMBA_USER .npmrc /home/mambauser/.npmrc
HEALTHCHECK CMD ["true"]
