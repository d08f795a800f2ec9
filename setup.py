"""The one compiled part of dq; everything else is declared in pyproject.toml.

dq._utf8copy copies a cp1252/Latin-1 export to UTF-8 in C (dq/_utf8copy.c, issue 16). It is
optional: where no C compiler is found dq installs without it and copies with Python's codecs,
more slowly (dq.io.copy_part says which path a run takes).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("dq._utf8copy", ["dq/_utf8copy.c"], optional=True)])
