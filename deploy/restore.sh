#!/bin/sh
# Restores a backup made by deploy/backup.sh into an EMPTY database, in one
# transaction: all of it or, on any error, nothing.
#   createdb -O hubiying hubiying_restored
#   deploy/restore.sh backups/hubiying-20261202T020000Z.dump postgres://hubiying@127.0.0.1/hubiying_restored
# Then point DATABASE_URL at it (or rename the databases) and run `manage.py migrate`
# (nothing to do when the code is the backup's) and `manage.py reconcile_funds`.
set -eu
file=${1:?give the backup file}
url=${2:?give the DATABASE_URL of an empty database}
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$url" "$file"
echo "restored $file"
