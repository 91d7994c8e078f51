"""Settings for the test suite: the real settings, with a fast password hasher and local e-mail."""

from meute.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    # A file, not Django's shared-cache in-memory database: threads of the concurrency tests then wait on
    # SQLite's real write lock (busy timeout) as production does, instead of failing with "table is locked".
    # MEUTE_TEST_SQLITE names a fixed file instead, for runs that reuse one database (--reuse-db) across
    # processes: the mutation testing of benchmarks/mutation.py forks one per mutant.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("MEUTE_TEST_SQLITE")
        or os.path.join(tempfile.gettempdir(), f"meute-test-{os.getpid()}.sqlite3")
    }
