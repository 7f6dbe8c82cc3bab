"""Bundled sample of the Ninh Thuận provincial portal, served on 127.0.0.1 with planted defects."""

import datetime

# Every date in the sample is relative to this day, never to the wall clock, so that the
# demo and the end-to-end tests give the same findings whatever day they run.
SAMPLE_AS_OF = datetime.date(2026, 11, 1)

__all__ = ["SAMPLE_AS_OF"]
