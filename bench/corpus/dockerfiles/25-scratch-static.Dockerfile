FROM scratch
COPY busybox /bin/busybox
COPY --chown=1000:1000 app /app
USER 1000:1000
HEALTHCHECK CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/app"]
