"""Settings for the test suite: the production settings, plus what emptying a test
database between tests needs."""

from safeguarding.config.settings import *  # noqa: F403 - the settings, with the changes below
from safeguarding.config.settings import DATABASES

AUDIT_ALLOW_PURGE = True
# Each test database's log is new: tests that need checkpoints name a file of their own.
AUDIT_CHECKPOINT_FILE = ""

# Each test run gets its own PostgreSQL test database, so that runs in parallel (several
# developers' checks on one server) never drop each other's database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    import os

    DATABASES["default"]["TEST"] = {"NAME": f"test_safeguarding_{os.getpid()}"}

PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
