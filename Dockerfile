# The production image: the API server, the event worker and the `platform` CLI.
# Not built by CI here (these machines have no container engine); tests/test_deploy_files.py
# keeps the settings it names in step with the code. See docs/deploy.md.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[server,postgres,redis,broker,cli,s3]"

FROM python:3.11-slim
# No root at run time; the data dir is the only place the process writes.
RUN useradd --create-home --uid 10001 platform \
    && mkdir -p /var/lib/platform /var/lib/platform/metrics \
    && chown -R platform /var/lib/platform
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels platform-commerce[server,postgres,redis,broker,cli,s3] \
    && rm -rf /wheels
USER platform
ENV PLATFORM_DATA_DIR=/var/lib/platform \
    PLATFORM_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
EXPOSE 8000
# Migrations run once per deploy, before the new API processes start (`migrate` in compose.yaml).
CMD ["platform", "server", "run", "--host", "0.0.0.0", "--port", "8000", "--workers", "4", "--no-migrate"]
