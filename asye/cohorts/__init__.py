"""Cohorts (intakes) of NQSWs, their import from HR spreadsheets and bulk assignment (issue 19)."""
