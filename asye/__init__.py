"""The ASYE e-portfolio: records, evidence, supervision, reviews, cohorts and moderation."""
