# Meute's web server, worker and scheduler image: `docker compose up` runs them with PostgreSQL and Redis.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MEUTE_DATA_DIR=/var/lib/meute STATIC_ROOT=/opt/meute/static

RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/meute --create-home meute

WORKDIR /opt/meute
COPY pyproject.toml README.md LICENSE ./
COPY meute ./meute
RUN pip install --no-cache-dir '.[redis]' \
    && meute collectstatic --noinput -v0

USER meute
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["meute", "serve", "0.0.0.0:8000"]
