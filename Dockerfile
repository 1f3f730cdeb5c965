# The application image: the web (gunicorn), the RQ workers and the scheduler all run from it.
# BASE_IMAGE: the public python:3.11-slim by default; deploy/compose/build-base.sh builds an
# equivalent from Debian's packages alone (debootstrap), for machines without an image registry:
#   DOCKER_BUILDKIT=1 docker build --build-arg BASE_IMAGE=pairing-base:bookworm -t pairing .
# Both carry python3 with venv; the app gets a venv of its own, so it runs the same on either.
# RUN --mount needs BuildKit (DOCKER_BUILDKIT=1; Docker 23+ builds with it by default).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=1 \
    PATH=/opt/venv/bin:$PATH PYTHONPATH=/app
WORKDIR /app
# The runtime dependencies of pyproject.toml at the versions of requirements.lock, in a layer of
# their own so that a code change does not reinstall them. Behind a TLS-inspecting proxy, pip
# trusts only that proxy's CA: pass the machine's bundle as the build secret `ca_bundle`
# (--secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt); it is mounted for this step
# only and stored in no layer. Without it pip uses the image's own CA certificates.
COPY pyproject.toml requirements.lock ./
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
    && python3 -m venv /opt/venv \
    && python3 -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /tmp/runtime.txt \
    && pip install --no-cache-dir --disable-pip-version-check -r /tmp/runtime.txt -c requirements.lock \
    && rm /tmp/runtime.txt
COPY accounts accounts
COPY enterprises enterprises
COPY issues issues
COPY pairing pairing
COPY reports reports
COPY templates templates
COPY static static
COPY locale locale
COPY manage.py ./
RUN DJANGO_SETTINGS_MODULE=pairing.settings SECRET_KEY=collectstatic-only-never-served \
    python manage.py collectstatic --noinput -v0
# Uploaded files go to /app/media (a volume in docker-compose.yml), which the app's user owns.
RUN useradd --system --uid 1000 --create-home pairing && mkdir -p media && chown pairing media
USER pairing
# On the host's network (docker-compose.yml), behind nginx: 127.0.0.1 only.
EXPOSE 8090
CMD ["gunicorn", "pairing.wsgi:application", "--bind", "127.0.0.1:8090", "--workers", "4", "--access-logfile", "-"]
