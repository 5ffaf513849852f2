#!/bin/sh
# One image, three roles: web (migrates, then gunicorn), worker and beat.
set -e
case "$1" in
  web)
    python manage.py migrate --noinput
    python manage.py load_units
    exec gunicorn -c config/gunicorn.conf.py config.wsgi:application ;;
  worker)
    exec celery -A config worker --loglevel=INFO --concurrency "${CELERY_CONCURRENCY:-2}" ;;
  beat)
    exec celery -A config beat --loglevel=INFO --schedule /tmp/celerybeat-schedule ;;
  *)
    exec "$@" ;;
esac
