"""Words the name detector must not take for names, and words that point to one.

Lower case throughout; the detector lowers a word before it looks here. The lists are ours,
written for ASYE reflections: extend them when a word is flagged too often (each list says what
belongs in it).
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised at the start of a sentence or in a heading, never a name in a reflection.
COMMON_WORDS = _words(
    """
    a about above across after afterwards again against all almost also although always am among
    an and another any anyone anything are around as at back be because been before being below
    between both but by can could did do does doing done down during each either enough even
    ever every everyone everything few first for from further had has have having he her here
    hers herself him himself his how however i if in into is it its itself just last later least
    less like many me meanwhile might mine more moreover most much must my myself never next no
    nobody none nor not nothing now of off often on once one only or other others otherwise our
    ours ourselves out over own perhaps rather same second several she should since so some
    someone something sometimes soon still such than that the their theirs them themselves then
    there therefore these they third this those though through throughout thus to today together
    tomorrow too towards under unless until up upon us very was we were what whatever when where
    whereas whether which while who whoever whole whom whose why will with within without would
    yes yet yesterday you your yours yourself
    overall finally firstly secondly thirdly lastly additionally furthermore consequently instead
    initially subsequently previously recently currently following reflecting reflection looking
    having upon dear hello hi thanks thank regards kind best sincerely note notes summary
    again ok okay please yes no not
    """
)

# Social work, its law, bodies and frameworks: capitalised mid-sentence all the time.
PRACTICE_WORDS = _words(
    """
    asye nqsw nqsws psw pcf kss swe basw ofsted cqc dfe dhsc nhs nice lado iro mash marac mappa
    camhs send sen senco ehcp ehc dols lps cin cp cla lac pla plo ifa fgc dsl gp gps ae a&e
    aspire cafcass
    social work worker workers england british association professional capabilities capability
    framework knowledge skills statement statements standards standard early career programme
    programmes assessed supported year first employment academy academies teaching partnership
    partnerships principal practice practitioner practitioners educator educators assessor
    assessors supervisor supervisors manager managers lead leads leader leaders director
    officer officers coordinator coordinators advocate advocates guardian guardians consultant
    team teams service services council councils county borough city district local authority
    authorities trust trusts foundation hospital hospitals ward wards clinic surgery school
    schools college colleges university universities nursery court courts tribunal police
    probation prison department ministry government office commissioner board boards panel
    panels unit units centre centres center hub hubs home homes house housing association
    children child childrens children's adult adults adult's family families young people
    person persons parent parents carer carers care cared leaving leaver leavers fostering foster
    adoption adoptive kinship residential safeguarding protection plan plans planning conference
    conferences review reviews reviewing meeting meetings strategy discussion core group
    groups need needs looked after in early help intervention intensive support supporting
    assessment assessments single referral referrals contact duty intake front door
    act acts law legislation section regulation regulations guidance order orders care
    proceedings pre-proceedings public outline working together signs safety strengthening
    best interests interest mental capacity health wellbeing deprivation liberty liberty
    disability disabilities learning autism autistic adhd dementia domestic abuse violence
    neglect exploitation criminal sexual emotional physical substance misuse alcohol drug
    drugs homelessness poverty universal credit benefits benefit allowance payment personal
    independence direct payments continuing healthcare occupational therapy therapist
    code codes ethics motivational interviewing senior newly qualified
    staff colleague colleagues professional professionals partner agency agencies
    therapists psychologist psychiatrist nurse nurses doctor doctors paediatrician midwife
    midwives visitor visitors teacher teachers headteacher sencos social-worker
    supervision reflective reflections critical analysis analytical theory theories model
    models ecological systems attachment trauma informed relationship-based strengths-based
    anti-oppressive oppressive anti-racist racist values ethics ethical diversity equality
    rights justice economic wellbeing policy policies procedure procedures research evidence
    direct observation observations feedback portfolio portfolios record records recording
    case cases caseload caseloads file files note notes chronology genogram ecomap
    element elements domain domains capabilities contexts organisations organisation
    leadership intervention interventions outcome outcomes progress development developing
    competence confidence values-based person-centred person-centered strength strengths
    gibbs kolb schön schon maslow bronfenbrenner bowlby thompson pcs munro laming
    children's social care adult social-care
    """
)

# Calendar words: months and days are capitalised and several are also names (May, June, April).
CALENDAR_WORDS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun
    christmas easter eid diwali ramadan hanukkah spring summer autumn winter term half-term
    bank holiday new year
    """
)

# Places and nations: capitalised, and several are also surnames (Preston, Chester, Lincoln).
PLACE_WORDS = _words(
    """
    england wales scotland ireland northern britain great uk europe european london manchester
    birmingham leeds liverpool bristol sheffield newcastle nottingham leicester coventry bradford
    hull stoke wolverhampton derby plymouth southampton portsmouth reading luton preston
    blackpool bolton wigan oldham rochdale salford stockport sunderland york lincoln chester
    lancaster durham exeter norwich cambridge oxford brighton hove kent surrey essex sussex devon
    cornwall yorkshire lancashire cumbria midlands west east north south bath wakefield
    doncaster barnsley rotherham middlesbrough gateshead carlisle ipswich swindon milton keynes
    northampton peterborough gloucester worcester hereford shrewsbury telford walsall dudley
    sandwell solihull warrington wirral sefton knowsley halton tameside trafford bury kirklees
    calderdale croydon hackney camden islington lambeth southwark lewisham greenwich barnet
    enfield haringey brent ealing harrow hillingdon hounslow merton sutton bromley bexley
    havering redbridge newham tower hamlets westminster kensington chelsea wandsworth richmond
    kingston waltham forest cardiff swansea glasgow edinburgh belfast dublin street road lane
    avenue close drive park
    """
)

# Languages, nationalities, faiths and everyday brands: capitalised, never a person here.
CULTURE_WORDS = _words(
    """
    english british polish romanian urdu punjabi bengali bangla arabic somali portuguese spanish
    french italian lithuanian latvian bulgarian turkish kurdish farsi persian pashto dari
    tigrinya amharic gujarati hindi tamil chinese mandarin cantonese vietnamese ukrainian russian
    albanian african caribbean asian irish scottish welsh european muslim christian catholic
    jewish hindu sikh buddhist islam islamic bible quran god allah roma gypsy traveller
    zoom microsoft google whatsapp facebook instagram tiktok snapchat youtube word excel outlook
    powerpoint liquidlogic mosaic eclipse teams covid coronavirus internet wifi iphone android
    """
)

# The last word of a run that names a place or an organisation rather than a person:
# "Hill View", "Oakwood House", "Testvale University", "Northfield Locality Team".
PLACE_SUFFIXES = _words(
    """
    street road lane avenue close drive park way view gardens crescent court terrace grove place
    walk mews square rise row estate house lodge hall cottage cottages farm manor tower towers
    flats centre center hub school academy college university council team service services
    hospital ward clinic surgery trust unit home homes nursery church mosque temple gurdwara
    synagogue library station club society project charity foundation partnership group board
    panel authority county borough city town village institute network alliance primary
    infants juniors
    """
)

# Relations and roles that are capitalised in case notes without being names.
ROLE_WORDS = _words(
    """
    mum mom mummy dad daddy nan nana nanny grandma grandad granddad grandpa gran auntie
    mother father grandmother grandfather brother sister son daughter baby
    """
)

# Words that come straight before a person's name ("her son Kacper", "a boy called Tom").
RELATION_WORDS = _words(
    """
    son daughter mother father mum dad mummy daddy brother sister sibling siblings partner
    husband wife boyfriend girlfriend fiance fiancee grandmother grandfather grandma grandad
    granddad nan nana gran aunt auntie uncle cousin niece nephew baby child toddler infant
    teenager boy girl stepfather stepmother stepdad stepmum stepson stepdaughter twin carer
    friend neighbour named called client resident tenant patient pupil student young
    """
)

# Verbs that follow a person in a reflection ("Kacper said", "Tomasz explained").
SPEECH_VERBS = _words(
    """
    said says told tells explained explains shared shares asked asks replied replies disclosed
    discloses stated states reported reports cried shouted smiled laughed whispered agreed
    agrees refused refuses wanted wants felt feels admitted admits described describes
    """
)

# Titles before a name.
TITLES = _words("mr mrs ms miss mx dr master sir dame prof professor rev reverend")

# Entries of the names lists that are ordinary English words. Capitalised at the start of a
# sentence they are read as the word ("Hope is...", "Early help..."); in the middle of a sentence,
# where an ordinary word is lower case, they still count as names.
ORDINARY_WORDS = _words(
    """
    august autumn best black bright brown case cases clear comfort company date day deep early
    else fair faith fall field fields flowers fresh frost gay golden good green grey gray guard
    harm harmony hope house key king law little long lord love low loyal lucky major mark marks
    may more north parent park power real rich ring rock rose rush sales short small smart snow
    sole story strong summer swift till victory wall way wise young us west seven server justice
    read carry marry sever convey edit frank drum steer veer divine dash bravo hardy master
    mate noble savage sharp stark stout trinity urban worth
    """
)

STOP_WORDS = (
    COMMON_WORDS | PRACTICE_WORDS | CALENDAR_WORDS | PLACE_WORDS | CULTURE_WORDS | ROLE_WORDS | TITLES
)
