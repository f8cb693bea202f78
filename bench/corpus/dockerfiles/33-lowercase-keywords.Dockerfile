from debian:bookworm-slim
run apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
copy --chown=1000:1000 entrypoint.sh /entrypoint.sh
user 1000
healthcheck cmd ["/entrypoint.sh", "health"]
entrypoint ["tini", "--", "/entrypoint.sh"]
