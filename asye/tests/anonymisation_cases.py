"""The anonymisation guard's evaluation set: short passages in the voice of an NQSW's reflections,
each labelled with what in it identifies someone.

Every person, number and address here is invented. Phone numbers come from the ranges Ofcom keeps
for drama (07700 900xxx, 020 7946 0xxx, 0161 496 0xxx, 0113 496 0xxx, 01632 960xxx), emails use
example domains, NHS numbers were generated to pass or fail the check digit.

A label is what a careful reader would flag, not what the detectors happen to do: a citation of an
author, a team's name or a meeting last month is not labelled, even where the guard flags it.
`DEVELOPMENT` was written first and the rules tuned on it; `HELD_OUT` was written after the rules
were settled and not tuned on, so its figures show how the guard does on text it has not seen.
"""

import datetime
from dataclasses import dataclass

from asye.anonymisation import FlagKind

TODAY = datetime.date(2026, 11, 1)
CASE_REFERENCE_PATTERNS = (r"CR-?\d{6}", r"LCS\d{7}")

NHS = FlagKind.NHS_NUMBER
NI = FlagKind.NI_NUMBER
POSTCODE = FlagKind.POSTCODE
PHONE = FlagKind.PHONE
EMAIL = FlagKind.EMAIL
DOB = FlagKind.DATE_OF_BIRTH
CASE_REF = FlagKind.CASE_REFERENCE
NAME = FlagKind.PERSON_NAME


@dataclass(frozen=True)
class Case:
    text: str
    expected: tuple[tuple[FlagKind, str], ...] = ()  # each substring occurs once in `text`


DEVELOPMENT: tuple[Case, ...] = (
    # Names in ordinary sentences
    Case(
        "I visited Sarah Jones at home with her two children.",
        ((NAME, "Sarah Jones"),),
    ),
    Case(
        "During the visit Priya told me she had not slept for days.",
        ((NAME, "Priya"),),
    ),
    Case(
        "Kacper said he felt nobody at school listened to him.",
        ((NAME, "Kacper"),),
    ),
    Case(
        "Her son Tobiasz was reluctant to speak while his stepfather was in the room.",
        ((NAME, "Tobiasz"),),
    ),
    Case(
        "I spoke with Mrs Okafor about the support she wanted for her mother.",
        ((NAME, "Mrs Okafor"),),
    ),
    Case(
        "Mr Hussain and I agreed a plan to review the direct payments in six weeks.",
        ((NAME, "Mr Hussain"),),
    ),
    Case(
        "Mrs B was anxious about the review, so I explained each step of the process to her.",
    ),
    Case(
        "Child A and Child B were placed together, which their mother said mattered to her.",
    ),
    Case(
        "I met Daniel and his foster carer, Angela Whitfield, at the contact centre.",
        ((NAME, "Daniel"), (NAME, "Angela Whitfield")),
    ),
    Case(
        "Ms Kowalczyk asked whether the Local Authority would pay for the school uniform.",
        ((NAME, "Ms Kowalczyk"),),
    ),
    Case(
        "Chloe's grandmother has cared for her since she was a baby.",
        ((NAME, "Chloe"),),
    ),
    Case(
        "Ama Mensah-Boateng attended the meeting with her advocate.",
        ((NAME, "Ama Mensah-Boateng"),),
    ),
    Case(
        "When I arrived, Oluwaseun was playing quietly in his bedroom.",
        ((NAME, "Oluwaseun"),),
    ),
    Case(
        "The family asked me to call them the Reillys in the report, so I used initials instead.",
        ((NAME, "Reillys"),),
    ),
    Case(
        "Jack and Emily both said they wanted to stay with their dad at weekends.",
        ((NAME, "Jack"), (NAME, "Emily")),
    ),
    Case(
        "I noticed that Dr. Patel, the GP, had already made a referral to CAMHS.",
        ((NAME, "Dr. Patel"),),
    ),
    Case(
        "The headteacher, Mr Daniel Price, shared his worries about attendance.",
        ((NAME, "Mr Daniel Price"),),
    ),
    Case(
        "I was struck by how calm Margaret remained when her husband became confused.",
        ((NAME, "Margaret"),),
    ),
    Case(
        "Hope is something I tried to hold on to in this piece of work.",
    ),
    Case(
        "May was a difficult month for the team because of sickness.",
    ),
    Case(
        "Grace told me she was frightened of going home.",
        ((NAME, "Grace"),),
    ),
    Case(
        "I reflected with my assessor on how I responded to Mohammed when he raised his voice.",
        ((NAME, "Mohammed"),),
    ),
    Case(
        "Ferguson (2011) argues that home visits are at the heart of child protection work.",
    ),
    Case(
        "Using Gibbs' reflective cycle helped me to make sense of my feelings after the visit.",
    ),
    Case(
        "The Munro Review reminded me that relationships, not procedures, keep children safe.",
    ),
    # Framework and practice vocabulary: no names here
    Case(
        "This piece of evidence maps to PCF 5 Knowledge and PCF 7 Skills and Interventions.",
    ),
    Case(
        "I have linked this reflection to the KSS for Adults, statement 3, and to the PCF 2018 domains.",
    ),
    Case(
        "Social Work England's professional standards require me to keep my practice up to date.",
    ),
    Case(
        "We used Signs of Safety mapping at the Initial Child Protection Conference.",
    ),
    Case(
        "My ASYE assessor and the Principal Social Worker observed me chairing the Core Group.",
    ),
    Case(
        "The Team Manager agreed that the case could step down to Early Help.",
    ),
    Case(
        "The Mental Capacity Act 2005 and the Care Act 2014 shaped how I approached the assessment.",
    ),
    Case(
        "I attended the Multi-Agency Safeguarding Hub briefing with the Duty Team.",
    ),
    Case(
        "Brookside Family Hub offered a parenting course on Tuesday mornings.",
    ),
    Case(
        "In supervision on Monday we discussed the Independent Reviewing Officer's recommendations.",
    ),
    Case(
        "My practice educator at Testvale University encouraged me to use the Thompson PCS model.",
    ),
    # NHS numbers
    Case(
        "His NHS number is 573 856 3913 according to the hospital discharge letter.",
        ((NHS, "573 856 3913"),),
    ),
    Case(
        "The referral listed NHS no. 4809865347 and a GP in the next town.",
        ((NHS, "4809865347"),),
    ),
    Case(
        "The letter quoted 573 856 3914 as the number, which I later found was mistyped.",
    ),
    Case(
        "I checked reference 611-969-2495 against the health record.",
        ((NHS, "611-969-2495"),),
    ),
    # National Insurance numbers
    Case(
        "Her National Insurance number, JG 10 37 21 B, was on the benefits letter.",
        ((NI, "JG 10 37 21 B"),),
    ),
    Case(
        "The form showed TW123456A next to his name.",
        ((NI, "TW123456A"),),
    ),
    Case(
        "The training slide used QQ 12 34 56 C as an example of the format.",
    ),
    Case(
        "GB123456A is not a real number, the trainer explained.",
    ),
    Case(
        "He gave his NI number as PR 71 82 93 so that I could check his claim.",
        ((NI, "PR 71 82 93"),),
    ),
    # Postcodes
    Case(
        "The family moved to a flat near LS6 2AB last spring.",
        ((POSTCODE, "LS6 2AB"),),
    ),
    Case(
        "Her new address is in the M14 5RT area, close to her sister.",
        ((POSTCODE, "M14 5RT"),),
    ),
    Case(
        "He wrote his postcode as ne1 4xy on the form.",
        ((POSTCODE, "ne1 4xy"),),
    ),
    Case(
        "The office is in the M1 district of the city.",
    ),
    Case(
        "The placement is in B15 but the family live elsewhere.",
    ),
    # Phone numbers
    Case(
        "Her mobile is 07700 900123 and she prefers texts.",
        ((PHONE, "07700 900123"),),
    ),
    Case(
        "His landline is 020 7946 0812, though he rarely answers it.",
        ((PHONE, "020 7946 0812"),),
    ),
    Case(
        "I left a message on +44 161 496 0734 for the grandmother.",
        ((PHONE, "+44 161 496 0734"),),
    ),
    Case(
        "She asked me to ring (0113) 496 0551 after four o'clock.",
        ((PHONE, "(0113) 496 0551"),),
    ),
    Case(
        "I signposted him to the helpline on 0800 123 4567, which is free to call.",
    ),
    Case(
        "The family were given the number 0808 800 5000 for advice.",
    ),
    Case(
        "We had 12 visits, 3 meetings and 4 phone calls in 6 weeks.",
    ),
    # Email addresses
    Case(
        "The mother emailed me from jade.m1987@example.com to cancel the visit.",
        ((EMAIL, "jade.m1987@example.com"),),
    ),
    Case(
        "Please send the chronology to j.smith@example.org before the meeting.",
        ((EMAIL, "j.smith@example.org"),),
    ),
    # Dates
    Case(
        "We met on 14/10/2026 to review the safety plan.",
    ),
    Case(
        "The strategy discussion took place on 3 March 2025.",
    ),
    Case(
        "Her DOB is 02/09/2019, which makes her the youngest of the three.",
        ((DOB, "02/09/2019"),),
    ),
    Case(
        "He was born on 17 May 1987 in a small town.",
        ((DOB, "17 May 1987"),),
    ),
    Case(
        "Date of birth: 1985-06-30. Lives alone with two cats.",
        ((DOB, "1985-06-30"),),
    ),
    Case(
        "Mr Ellis, who was born 4th July 1941, worked as a miner for most of his life.",
        ((NAME, "Mr Ellis"), (DOB, "4th July 1941")),
    ),
    Case(
        "On 14/02/1979 she married her first husband, and the marriage ended in 1995.",
        ((DOB, "14/02/1979"),),
    ),
    Case(
        "The Care Act 2014 came into force on 1 April 2015, changing adult safeguarding duties.",
    ),
    Case(
        "The next review is booked for 12 January 2027.",
    ),
    Case(
        "I qualified from university in July 2025 and started my ASYE in September.",
    ),
    Case(
        "Her birthday is 23rd November, and she wanted a party at the contact centre.",
        ((DOB, "23rd November"),),
    ),
    # Case references (the organisation's patterns: CR-nnnnnn and LCS + seven digits)
    Case(
        "The family's file is CR-204518 on the case management system.",
        ((CASE_REF, "CR-204518"),),
    ),
    Case(
        "I updated the record LCS1234567 after the visit.",
        ((CASE_REF, "LCS1234567"),),
    ),
    Case(
        "The meeting was in room CR-12 on the second floor.",
    ),
    # Several at once
    Case(
        "Sophie Turnbull (DOB 11/06/2012) lives at 4 Hill View, TV1 4QX, with her mother.",
        ((NAME, "Sophie Turnbull"), (DOB, "11/06/2012"), (POSTCODE, "TV1 4QX")),
    ),
    Case(
        "Contact: Darren Pike, 07700 900456, darren.pike@example.net.",
        ((NAME, "Darren Pike"), (PHONE, "07700 900456"), (EMAIL, "darren.pike@example.net")),
    ),
    Case(
        "Referral for Aleksandra Nowak, NHS 748 983 3172, CR-778812, received 20/10/2026.",
        ((NAME, "Aleksandra Nowak"), (CASE_REF, "CR-778812")),
    ),
)

HELD_OUT: tuple[Case, ...] = (
    Case(
        "Afterwards I wondered whether Bethany had understood what the plan meant for her.",
        ((NAME, "Bethany"),),
    ),
    Case(
        "I met with Mr and Mrs Adeyemi to talk through the outcome of the assessment.",
        ((NAME, "Mrs Adeyemi"),),
    ),
    Case(
        "Her partner Liam was present but said very little.",
        ((NAME, "Liam"),),
    ),
    Case(
        "When Zainab explained what had happened, I tried to stay curious rather than judging.",
        ((NAME, "Zainab"),),
    ),
    Case(
        "The Designated Safeguarding Lead at the primary school raised the concern on Friday.",
    ),
    Case(
        "I used Bronfenbrenner's ecological model to think about the wider community.",
    ),
    Case(
        "Reflecting on this, I can see how my own values shaped the conversation.",
    ),
    Case(
        "Ms Y asked that her details were not shared with her ex-partner.",
    ),
    Case(
        "Thomas Greenwood's daughter lives abroad and phones him every Sunday.",
        ((NAME, "Thomas Greenwood"),),
    ),
    Case(
        "We discussed Tyler's behaviour at school and at home.",
        ((NAME, "Tyler"),),
    ),
    Case(
        "Nana Ama told me the children were her whole life.",
        ((NAME, "Ama"),),
    ),
    Case(
        "The duty line 0300 123 9876 is staffed until five.",
        ((PHONE, "0300 123 9876"),),
    ),
    Case(
        "You can reach her on 07700-900-789 most afternoons.",
        ((PHONE, "07700-900-789"),),
    ),
    Case(
        "The reference on the letter was 450 535 6825.",
        ((NHS, "450 535 6825"),),
    ),
    Case(
        "The number 450 535 6826 appeared on an old form.",
    ),
    Case(
        "His NI number is NH 65 43 21 D according to his payslip.",
        ((NI, "NH 65 43 21 D"),),
    ),
    Case(
        "The postcode given was B15 2TT, near the hospital.",
        ((POSTCODE, "B15 2TT"),),
    ),
    Case(
        "I wrote to kelly.ann.b@example.co.uk to confirm the time of the meeting.",
        ((EMAIL, "kelly.ann.b@example.co.uk"),),
    ),
    Case(
        "D.O.B. 3.8.2008; lives with maternal grandparents.",
        ((DOB, "3.8.2008"),),
    ),
    Case(
        "Back in 12 September 2016 the first referral was made by the health visitor.",
    ),
    Case(
        "My first supervision was on 5 September 2026 with my team manager.",
    ),
    Case(
        "The updated file, LCS7654321, now holds the consent form.",
        ((CASE_REF, "LCS7654321"),),
    ),
    Case(
        "As Munro (2011) argued, the system had become too focused on compliance.",
    ),
    Case(
        "Working Together to Safeguard Children sets out what each agency must do.",
    ),
    Case(
        "I arranged a Family Group Conference so that the wider family could make a plan.",
    ),
    Case(
        "Stella and her brother Kwame were both at home when I called.",
        ((NAME, "Stella"), (NAME, "Kwame")),
    ),
    Case(
        "Mrs Florence Achterberg, 87, has lived on her own since her husband died.",
        ((NAME, "Mrs Florence Achterberg"),),
    ),
    Case(
        "Her youngest, Harvey, is due to start nursery in January.",
        ((NAME, "Harvey"),),
    ),
    Case(
        "I phoned the Emergency Duty Team after the visit to share my concerns.",
    ),
    Case(
        "The PCF domain of Critical Reflection and Analysis was a strength in this observation.",
    ),
    Case(
        "Jordan Fitzgerald-Hale attended college for two days before he stopped going.",
        ((NAME, "Jordan Fitzgerald-Hale"),),
    ),
    Case(
        "I noticed Mia's grandfather kept answering for her.",
        ((NAME, "Mia"),),
    ),
    Case(
        "Adult Social Care in Testvale uses a strengths-based conversation model.",
    ),
    Case(
        "The visit was planned for 10am with the interpreter from the Language Service.",
    ),
    Case(
        "Her key worker at Oakwood House described her as funny and kind.",
    ),
)

# Written last, to probe what rules of this kind cannot see; kept to show the weaknesses in
# figures, not tuned on.
HARD: tuple[Case, ...] = (
    Case(
        "Oluwadamilare is seven and loves football.",
        ((NAME, "Oluwadamilare"),),
    ),
    Case(
        "i went to see sarah and her nan at the flat.",
        ((NAME, "sarah"),),
    ),
    Case(
        "CHILD: JAYDEN MCKENZIE, AGE 9",
        ((NAME, "JAYDEN MCKENZIE"),),
    ),
    Case(
        "Hope and Faith, the twins, started school this term.",
        ((NAME, "Hope"), (NAME, "Faith")),
    ),
    Case(
        "Summer was tearful throughout the visit.",
        ((NAME, "Summer"),),
    ),
    Case(
        "They live at 27 Larkspur Crescent, above the launderette.",
    ),
    Case(
        "I used the Pathway Plan template from the Leaving Care Team.",
    ),
    Case(
        "We met at the Costa on the high street because she did not want me at the house.",
    ),
    Case(
        "Her phone number is 07700900 123 but she changes it often.",
        ((PHONE, "07700900 123"),),
    ),
    Case(
        "NHS No: 6876994619 (from the hospital passport).",
        ((NHS, "6876994619"),),
    ),
    Case(
        "He turned 80 last week and the family had a party for him.",
    ),
    Case(
        "Born 1979, she has lived in the area all her life.",
    ),
    Case(
        "I asked Big Mike, as everyone at the hostel calls him, what he wanted from the review.",
        ((NAME, "Big Mike"),),
    ),
    Case(
        "The Ukrainian family arrived under the Homes for Ukraine scheme in 2022.",
    ),
    Case(
        "Rhiannon's social worker before me had left the authority.",
        ((NAME, "Rhiannon"),),
    ),
    Case(
        "Her NHS number was written as 573-8563-913 on the old referral.",
        ((NHS, "573-8563-913"),),
    ),
    Case(
        "The form gave ls62ab as the postcode.",
        ((POSTCODE, "ls62ab"),),
    ),
    Case(
        "NI: JG103721B.",
        ((NI, "JG103721B"),),
    ),
    Case(
        "She was born in the spring of 1990, on the 4th of April.",
        ((DOB, "4th of April"),),
    ),
    Case(
        "Room 0161 4960 is booked for the core group.",
    ),
    Case(
        "Ring 0113 496 0999 ext 21 for the ward.",
        ((PHONE, "0113 496 0999"),),
    ),
    Case(
        "The referral date was 01/02/2003 according to the old system.",
    ),
    Case(
        "We used the case number CR 204519 in the letter.",
        ((CASE_REF, "CR 204519"),),
    ),
)

ALL: tuple[Case, ...] = DEVELOPMENT + HELD_OUT + HARD


@dataclass
class Tally:
    expected: int = 0
    found: int = 0  # expected items some flag of the same kind overlaps
    flagged: int = 0
    correct: int = 0  # flags that overlap an expected item of the same kind

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


@dataclass
class Score:
    by_kind: dict[FlagKind, Tally]
    overall: Tally
    misses: list[str]  # expected items nothing found, for reading
    false_alarms: list[str]  # flags nothing expected, for reading

    def table(self, title: str) -> str:
        lines = [title, f"{'kind':<16}{'expected':>9}{'flagged':>9}{'precision':>11}{'recall':>8}"]
        rows = [*((kind.value, tally) for kind, tally in self.by_kind.items()), ("overall", self.overall)]
        for label, tally in rows:
            lines.append(
                f"{label:<16}{tally.expected:>9}{tally.flagged:>9}{tally.precision:>11.2f}{tally.recall:>8.2f}"
            )
        lines += [f"  missed: {miss}" for miss in self.misses]
        lines += [f"  false alarm: {alarm}" for alarm in self.false_alarms]
        return "\n".join(lines)


def score(cases: tuple[Case, ...]) -> Score:
    """Run the guard over every case. A flag counts as correct when it overlaps an expected item
    of the same kind (so "Mrs Okafor" for "Okafor" is a hit), and each expected item is found at
    most once."""
    from asye.anonymisation import scan_text

    by_kind = {kind: Tally() for kind in FlagKind}
    overall = Tally()
    misses: list[str] = []
    false_alarms: list[str] = []
    for case in cases:
        flags = scan_text(case.text, case_reference_patterns=CASE_REFERENCE_PATTERNS, today=TODAY)
        spans = []
        for kind, substring in case.expected:
            start = case.text.index(substring)
            spans.append((kind, start, start + len(substring), substring))
        for kind, start, end, substring in spans:
            hit = any(flag.kind == kind and flag.start < end and start < flag.end for flag in flags)
            for tally in (by_kind[kind], overall):
                tally.expected += 1
                tally.found += hit
            if not hit:
                misses.append(f"{kind.value} {substring!r} in {case.text!r}")
        for flag in flags:
            right = any(
                flag.kind == kind and flag.start < end and start < flag.end for kind, start, end, _ in spans
            )
            for tally in (by_kind[flag.kind], overall):
                tally.flagged += 1
                tally.correct += right
            if not right:
                false_alarms.append(f"{flag.kind.value} {flag.text!r} in {case.text!r}")
    return Score(by_kind, overall, misses, false_alarms)
