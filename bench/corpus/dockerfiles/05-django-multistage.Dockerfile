# syntax=docker/dockerfile:1.7
ARG PYTHON_VERSION=3.11
FROM python:${PYTHON_VERSION}-slim AS build
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --wheel-dir /wheels django==5.0.6 psycopg[binary]==3.1.19
FROM python:${PYTHON_VERSION}-slim
RUN groupadd -g 1000 app && useradd -u 1000 -g app -m app
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels django psycopg && rm -rf /wheels
WORKDIR /app
COPY --chown=app:app . .
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz')"
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
