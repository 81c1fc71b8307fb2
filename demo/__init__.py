"""The demo local authority: fictional children, families and staff to try Continuity with.

generate.py builds it in memory from a seed, load.py writes it with COPY, service.py ties the two
together in one transaction; `continuity demo` and `continuity demo_logins` are the commands.
"""
