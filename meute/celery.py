"""Celery application.

Tasks run eagerly in-process unless ``CELERY_BROKER_URL`` is set, so the embedded set-up needs no broker
while production runs the same task code on as many workers as it likes.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")

app = Celery("meute")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
