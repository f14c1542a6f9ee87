"""Synthetic partner exports with ground truth (framework-free: no Django imports).

Entry points: `zicht.synth.generate.generate` (behind ``zicht synth``) and
`zicht.synth.people.person_records` (linkage benchmarks). See docs/synthetic-data.md.
"""
