from meute.programs.tests.conftest import program  # noqa: F401  (the seed's programme, shared)
