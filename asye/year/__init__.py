"""The NQSW's year at a glance: the task list of the agreement, the development plans, the
evidence by kind, the reviews and the final assessment (`selectors` gathers the data in a fixed
number of queries, `presenters` turns it into task list rows), the "Your ASYE year" page, the
NQSW's home panel, and the evidence progress the staff and "My NQSWs" lists show."""
