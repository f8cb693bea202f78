FROM redis:7.2
COPY redis.conf /usr/local/etc/redis/redis.conf
ENV REDIS_PASSWORD=changeme-please-123
CMD [ "redis-server", "/usr/local/etc/redis/redis.conf" ]
