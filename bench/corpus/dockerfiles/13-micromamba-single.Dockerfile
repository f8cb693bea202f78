FROM mambaorg/micromamba:1.5.8
COPY --chown=$MAMBA_USER:$MAMBA_USER env.yaml /tmp/env.yaml
RUN micromamba install -y -n base -c conda-forge -f /tmp/env.yaml && \
    micromamba clean --all --yes
ARG MAMBA_DOCKERFILE_ACTIVATE=1
WORKDIR /home/mambauser/app
COPY --chown=$MAMBA_USER:$MAMBA_USER . .
EXPOSE 8888
HEALTHCHECK CMD ["micromamba", "run", "-n", "base", "python", "-c", "import app"]
CMD ["python", "-m", "app"]
