"""The columns of a CPD spreadsheet, shared by the year's CSV export and the import, so a file
the portal wrote can be read back (and its rows are then recognised as already there).

The regulator's fields come in the order of Social Work England's form, as the copy pack orders
them (`cpd.presenters.copy_pack`); the person's own notes follow."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    example: str
    required: bool = False
    # The copy pack field (cpd.presenters.CopyField.slug) the export takes the value from.
    copy_slug: str = ""


TITLE = Column("title", "Title", "Mental capacity refresher", required=True)
COLUMNS: tuple[Column, ...] = (
    TITLE,
    Column(
        "activity_type",
        "Type of CPD activity",
        "Training course or workshop",
        required=True,
        copy_slug="type",
    ),
    Column(
        "description",
        "Description and relevance",
        "A half-day course on the Mental Capacity Act; I assess capacity most weeks.",
        copy_slug="description",
    ),
    Column("occurred_on", "Date", "14/05/2026", required=True, copy_slug="date"),
    Column(
        "learning",
        "What I learnt",
        "To record each decision separately rather than a general view of capacity.",
        copy_slug="learning",
    ),
    Column(
        "impact",
        "Impact on my practice and the people I work with",
        "My assessments name the decision, so people are less often judged in general.",
        copy_slug="impact",
    ),
    Column(
        "peer_learning",
        "Peer reflection",
        "My supervisor reminded me to ask the person before their family.",
        copy_slug="peer",
    ),
    Column("peer_name", "Peer", "A. Colleague"),
    Column("peer_role", "Peer's role", "Senior practitioner"),
    Column("peer_discussed_on", "Date of the peer conversation", "21/05/2026"),
    Column("hours", "Hours", "3.5"),
    Column("provider", "Provider", "County training team"),
    Column("topics", "Standard 4 topics", "4.3, 4.6"),
    Column("status", "Status", "Complete"),
)
HEADINGS = [column.heading for column in COLUMNS]
