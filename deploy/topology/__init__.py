"""`make topology-check`'s parts: the load (locustfile), the faults, the checks of the results."""
