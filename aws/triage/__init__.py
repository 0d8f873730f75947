"""What is broken right now, and why: ``problems`` (the ``ProblemWatch`` reader) spends the read
budget through ``reads``, judges the snapshots with ``rules`` and words causes with ``causes``
(which the views share, so a cause reads the same everywhere)."""
