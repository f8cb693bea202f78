FROM alpine:3.20
RUN apk add --no-cache curl \
    jq
USER 65534
HEALTHCHECK CMD ["true"]
CMD ["sh"]
