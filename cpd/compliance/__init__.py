"""The employer's CPD compliance view: for PSWs and academy admins (their organisation and the
organisations beneath it) and line managers (their own teams), who among the people who keep
CPD has met the registration year's requirement, who is on track, at risk or not started.
Status and counts only: nothing here reads a record's title or words (ADR 0011)."""
