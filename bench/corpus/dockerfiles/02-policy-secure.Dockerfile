FROM mambaorg/micromamba:1.5.6 as builder
COPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/environment.yml
RUN micromamba install -y -n base -f /tmp/environment.yml && \
    micromamba clean --all --yes

FROM mambaorg/micromamba:1.5.6
COPY --from=builder /opt/conda /opt/conda
WORKDIR /app
COPY --chown=$MAMBA_USER:$MAMBA_USER . /app
EXPOSE 8000
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
CMD ["python3", "main.py"]
