FROM erlang:27-alpine
RUN adduser -D -u 1000 rabbit
USER rabbit
EXPOSE 4369 5671-5672 15672 25672 61613-61614/tcp 1883 8883
HEALTHCHECK CMD ["rabbitmq-diagnostics", "-q", "ping"]
CMD ["rabbitmq-server"]
