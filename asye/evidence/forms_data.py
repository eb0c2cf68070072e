"""What each kind of evidence asks, read from the record's programme version (`forms[kind]`),
never from code. Conventions on the prompt keys:

- a direct observation's keys starting with `observer_` are the observer's part: the observer
  (the assessor, or the named observer) writes them, never the NQSW;
- a self-assessment's keys starting with `statement_` are asked once per statement of the
  record's framework versions (a rating and a note each), kept under `answers["statements"]`
  as ``{"<element id>": {"rating": ..., "note": ...}}``.
"""

from dataclasses import dataclass

from asye.models import EvidenceKind, ProgrammeTypeVersion

OBSERVER_PREFIX = "observer_"
STATEMENT_PREFIX = "statement_"
MAX_ANSWER_CHARACTERS = 20_000
# A cited CPD record's peer reflection, kept among the answers (asye/evidence/citations).
PEER_REFLECTION_ANSWER = "cpd_peer_reflection"
PEER_REFLECTION_LABEL = "Peer reflection, from your CPD record"


# How confident the NQSW is against one statement (self-assessment).
RATING_CHOICES = (
    ("not_yet", "Not yet confident"),
    ("developing", "Developing"),
    ("confident", "Confident"),
    ("strength", "A strength"),
)
RATING_LABELS = dict(RATING_CHOICES)


@dataclass(frozen=True)
class KindForm:
    kind: str
    title: str
    guidance: str
    nqsw_prompts: dict[str, str]
    observer_prompts: dict[str, str]
    statement_prompts: dict[str, str]


def kind_form(version: ProgrammeTypeVersion, kind: str) -> KindForm:
    data = (version.forms or {}).get(kind) or {}
    prompts: dict[str, str] = dict(data.get("prompts") or {})
    observer = {}
    statements = {}
    if kind == EvidenceKind.DIRECT_OBSERVATION:
        observer = {k: v for k, v in prompts.items() if k.startswith(OBSERVER_PREFIX)}
    if kind == EvidenceKind.SELF_ASSESSMENT:
        statements = {k: v for k, v in prompts.items() if k.startswith(STATEMENT_PREFIX)}
    nqsw = {k: v for k, v in prompts.items() if k not in observer and k not in statements}
    return KindForm(
        kind=kind,
        title=str(data.get("title") or EvidenceKind(kind).label),
        guidance=str(data.get("guidance") or ""),
        nqsw_prompts=nqsw,
        observer_prompts=observer,
        statement_prompts=statements,
    )
