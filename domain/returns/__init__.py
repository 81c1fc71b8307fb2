"""Rules of the data returns the DfE asked local authorities for (period arithmetic, thresholds)."""
