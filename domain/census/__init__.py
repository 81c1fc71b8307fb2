"""The DfE returns' own rules, without Django: collection years, code lists, formats, and how the
register's legal statuses and placements follow from a return's records (shared/RETURNS.md)."""
