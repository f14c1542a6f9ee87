"""Benchmarks, one module each, run with ``zicht bench NAME``. Figures are measured, never asserted in tests."""
