"""Running the round: the monitor of response rates (figures, chart geometry, the units list as Excel)."""
