"""Supervision and the employer's side of an ASYE record: supervision sessions (one-to-one and
group), the supervision cadence, and workload and protected development time."""
