FROM rust:1.79-alpine AS builder
RUN apk add --no-cache musl-dev openssl-dev pkgconf
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release --locked
FROM alpine:3.20
RUN addgroup -S app && adduser -S -G app -u 10001 app
COPY --from=builder /build/target/release/api /usr/local/bin/api
USER 10001
EXPOSE 8443
HEALTHCHECK CMD ["/usr/local/bin/api", "--health"]
ENTRYPOINT ["/usr/local/bin/api"]
