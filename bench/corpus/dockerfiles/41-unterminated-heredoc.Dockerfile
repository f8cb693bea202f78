FROM debian:12
RUN <<EOF
apt-get update
echo "this heredoc is never closed"
