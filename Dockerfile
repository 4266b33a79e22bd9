# One image for every part (api, worker, edge, migrate); docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends varnish varnish-modules nginx-light libfribidi0 \
    prometheus-varnish-exporter \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

ENV PATH="/app/.venv/bin:$PATH" \
    TABLEFOR_DATA_DIR=/data
ENTRYPOINT ["tablefor"]
