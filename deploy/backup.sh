#!/bin/sh
# A backup of Hubiying's database with PostgreSQL's own tool, in its custom format
# (compressed; pg_restore can restore all of it or single tables). Safe while the
# site runs: pg_dump reads one consistent snapshot.
#   deploy/backup.sh [DATABASE_URL] [FOLDER]      (defaults: $DATABASE_URL, ./backups)
# Prints the file it wrote. Keep the uploaded photos (MEDIA_ROOT) and the keys
# (SECRET_KEY, CARE_PLAN_KEY) beside it: docs/deploy.md says how.
set -eu
url=${1:-${DATABASE_URL:?give a DATABASE_URL (postgres://…)}}
folder=${2:-backups}
mkdir -p "$folder"
file="$folder/hubiying-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file.part" "$url"
mv "$file.part" "$file"  # a half-written dump never looks like a backup
echo "$file"
