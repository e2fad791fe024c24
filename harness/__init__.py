"""Standing harnesses (issue 16): fuzzing, the hostile corpus, durability and load.

Not part of the default test run and not shipped in the wheel (like ``benchmarks/``): they
drive the installed gateway from outside, by hand for the full runs and from ``.ci/run`` in
their bounded smoke modes. Each module runs as ``python -m harness.NAME --help``.
"""
