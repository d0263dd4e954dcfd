"""A cheap Argon2 for the test suite: still Argon2id through the same code path, with
memory and time costs that make creating hundreds of test users quick."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
