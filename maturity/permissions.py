"""Who may do what with the strategy.

- Everyone in the organisation (staff included) sees the staff page «Strategien og hvor vi
  står»: the staircase, this year's measures and the headline figures, without the
  assessment notes.
- Leaders and administrators see the leaders' dashboard, export KPIs and measures, write
  progress notes on measures, enter hand-entered KPI values and take part in the yearly
  assessment (answer per dimension, record the agreed level).
- The yearly report for kommunestyret: leaders and administrators request it and try a
  failed one again; they and the portfolio board see the reports and download them.
- Administrators edit the model itself: levels, periods and targets, dimensions and
  criteria, measures and KPI definitions.

Views use `portal.access.role_required` with these tuples (administrators always pass).
"""

from __future__ import annotations

from portal.models import Role

LEADERS = (Role.LEADER,)  # and administrators, as role_required always lets them through
ADMINS = (Role.ADMIN,)
REPORT_READERS = (Role.LEADER, Role.BOARD)
