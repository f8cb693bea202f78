FROM python:3.12-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv pip install --system -r pyproject.toml
COPY . .
RUN useradd -u 1000 app
USER app
CMD ["python", "-m", "service"]
