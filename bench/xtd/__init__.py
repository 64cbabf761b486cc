"""django-comments-xtd 2.10.13 rendering one thread: the baseline the benchmark compares against.

A minimal project and app in one package, run in a virtualenv of its own by
``bench/xtd_baseline.py``; xtd never enters the site's virtualenv.
"""
