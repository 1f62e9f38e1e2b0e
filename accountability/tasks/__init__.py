"""Tasks and weekly progress (A2, A4, A5, A6): the problem list, the responsibility list of
tasks with owners and deadlines, weekly reports with evidence and audit history, week locks,
and the ``tasks`` registry sheet."""
