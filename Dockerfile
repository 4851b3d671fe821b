# MagicShelf: one image for every deployment. Embedded defaults (SQLite + /data/media)
# unless MAGICSHELF_DATABASE_URL / MAGICSHELF_STORAGE_URL point elsewhere.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/magicshelf
COPY requirements/run.lock requirements/run.lock
RUN /opt/magicshelf/bin/pip install --require-hashes -r requirements/run.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/magicshelf/bin/pip install --no-deps --no-build-isolation .

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --home-dir /data --create-home magicshelf
COPY --from=build /opt/magicshelf /opt/magicshelf
ENV PATH=/opt/magicshelf/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MAGICSHELF_DATA_DIR=/data \
    MAGICSHELF_HOST=0.0.0.0 \
    MAGICSHELF_PORT=8000
USER magicshelf
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["magicshelf", "serve"]
