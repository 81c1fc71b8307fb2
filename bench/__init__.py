"""Benchmarks of Continuity at the scale of a large local authority: `python -m bench.run`."""
