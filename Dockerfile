# The application image: the web (gunicorn), the RQ workers and the scheduler all run from it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=1
WORKDIR /app
COPY pyproject.toml ./
COPY accounts accounts
COPY enterprises enterprises
COPY issues issues
COPY pairing pairing
COPY reports reports
COPY templates templates
COPY static static
COPY locale locale
COPY manage.py ./
RUN pip install --no-cache-dir . \
    && DJANGO_SETTINGS_MODULE=pairing.settings SECRET_KEY=collectstatic-only-never-served python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 1000 pairing
USER pairing
EXPOSE 8000
CMD ["gunicorn", "pairing.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
