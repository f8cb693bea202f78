FROM busybox:1.36
RUN echo "BOM at the start" \
  && echo "unicode: café ✓ 🐳"
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["sh"]
