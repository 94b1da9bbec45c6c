"""What the strategy's services refuse, as exceptions the views turn into messages."""

from __future__ import annotations


class PeriodInUse(ValueError):
    """A period with measures cannot be deleted: the measures would lose their period."""

    def __init__(self, measures: int) -> None:
        super().__init__(f"The period has {measures} measures.")
        self.measures = measures


class CriterionInUse(ValueError):
    """A criterion leaders have ticked in an assessment stays: the answers point to it."""

    def __init__(self, ticks: int) -> None:
        super().__init__(f"The criterion is ticked in {ticks} answers.")
        self.ticks = ticks


class ReportPending(ValueError):
    """A report for the year is still queued or being made: a second request (a double
    click, two leaders at once) would only make the same report twice."""

    def __init__(self, report_id: int) -> None:
        super().__init__(f"Report {report_id} is still pending.")
        self.report_id = report_id


class ReportNotFailed(ValueError):
    """Only a failed report is tried again; a finished one is a record, a pending one is on
    its way."""
