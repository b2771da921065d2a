"""Settings for every test in the checkout, whichever folder pytest is given.

Hypothesis's "too slow" health check and its per-example deadline measure wall
time: the first text strategy of a process builds Hypothesis's Unicode tables
(over a second), and the machines the suite runs on are shared. So a property
test would pass or fail depending on which file ran first and on the load.
The property tests check behaviour; their speed is not a test's business.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("suite")
