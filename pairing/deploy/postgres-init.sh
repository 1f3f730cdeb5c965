#!/bin/bash
# First start of the PostgreSQL container: an application role that may read and write rows but
# owns nothing, so it can neither alter tables nor get past the audit table's append-only trigger.
# Migrations run as the owner role (POSTGRES_USER).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE pairing_app LOGIN PASSWORD '${APP_DB_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT CONNECT ON DATABASE "${POSTGRES_DB}" TO pairing_app;
GRANT USAGE ON SCHEMA public TO pairing_app;
ALTER DEFAULT PRIVILEGES FOR ROLE "${POSTGRES_USER}" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pairing_app;
ALTER DEFAULT PRIVILEGES FOR ROLE "${POSTGRES_USER}" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO pairing_app;
SQL
