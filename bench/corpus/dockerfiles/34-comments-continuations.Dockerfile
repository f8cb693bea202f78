FROM debian:12.6-slim
# Install runtime deps; comments inside a continuation are dropped by BuildKit
RUN apt-get update \
# network tools
    && apt-get install -y --no-install-recommends \
        curl \
        # TLS roots
        ca-certificates \

        netcat-openbsd \
    && rm -rf /var/lib/apt/lists/*
RUN useradd -r -u 999 svc
USER svc
HEALTHCHECK CMD nc -z localhost 9000 || exit 1
CMD ["sleep", "infinity"]
