# syntax=docker/dockerfile:1.4
FROM debian:12-slim
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl
rm -rf /var/lib/apt/lists/*
EOF
COPY <<-'CONF' /etc/app/app.conf
	[server]
	port = 8080
	CONF
RUN <<SETUP bash
useradd -u 1000 -m app
install -d -o app /var/lib/app
SETUP
USER 1000
HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
CMD ["/usr/local/bin/app"]
