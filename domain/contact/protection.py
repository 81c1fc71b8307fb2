"""Immediate protection: what the worker does next when a child is at risk of their life or of immediate
serious harm.

"Where ... there is a risk to the life of the child or a likelihood of immediate serious harm, local
authorities should follow the immediate protection procedures set out in Working Together to Safeguard
Children" (DfE, Coronavirus (COVID-19): guidance for local authorities on children's social care,
3 April 2020, "Children's social care"). The council's emergency operational procedures (spring 2020) are
"based on Government guidance for local authorities on children's social care published on Friday
3 April 2020", so the steps are those of Working Together 2018, chapter 1, "Immediate protection": act at
once to secure the child's safety (an emergency protection order wherever possible; police powers only
where there is no time), then a strategy discussion. The paragraph numbers are not quoted: unconfirmed.
"""

from __future__ import annotations

SOURCE = (
    "DfE guidance for local authorities on children's social care, 3 April 2020: follow the immediate "
    "protection procedures in Working Together to Safeguard Children. The council's emergency operational "
    "procedures (2020) follow that guidance. Working Together to Safeguard Children 2018, chapter 1, "
    "'Immediate protection' (paragraph numbers not checked)."
)
CONFIRMED = False

NEXT_STEPS = (
    "If the child is in danger now, call the police on 999.",
    "Phone your manager now: do not wait for them to read the alert. If you cannot reach them, phone "
    "another manager or the emergency duty team.",
    "Act at once to make the child safe, with your manager: the council applies to court for an emergency "
    "protection order wherever possible; the police use their powers to remove a child only where there "
    "is no time for one.",
    "A strategy discussion with the police and other agencies (health, the school) follows as soon as "
    "possible, to decide whether to start child protection enquiries.",
    "Record on the child's record what you did, when, and who you spoke to.",
)
