"""Academy news: bulletins the academy's staff write to chosen people (organisations, roles, a
service area), shown on their home page and in their daily digest. The model lives in
programmes/models.py; this package holds the rest."""
