# hadolint global ignore=DL3008,DL3059
FROM debian:12-slim
# hadolint ignore=DL3004
RUN sudo apt-get update
# devdoctor ignore=pip,remote_fetch
RUN curl -fsSL https://example.com/get-pip.py | python3 - && pip install legacy-tool
USER 1000
# devdoctor ignore=healthcheck
HEALTHCHECK NONE
