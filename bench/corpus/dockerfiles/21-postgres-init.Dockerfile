FROM postgres:16.3
ENV POSTGRES_DB=app POSTGRES_USER=app
ENV POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password
COPY init/*.sql /docker-entrypoint-initdb.d/
HEALTHCHECK CMD pg_isready -U app || exit 1
