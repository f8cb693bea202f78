ARG MM_TAG=1.5.8-bookworm-slim
FROM mambaorg/micromamba:${MM_TAG} AS env
COPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/environment.yml
RUN micromamba install -y -n base -c conda-forge -f /tmp/environment.yml \
 && micromamba clean --all --yes
FROM mambaorg/micromamba:${MM_TAG}
COPY --from=env /opt/conda /opt/conda
COPY --chown=$MAMBA_USER:$MAMBA_USER notebooks /home/mambauser/notebooks
EXPOSE 8888
HEALTHCHECK CMD ["micromamba", "run", "-n", "base", "jupyter", "server", "list"]
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--no-browser"]
