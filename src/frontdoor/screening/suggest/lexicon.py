"""Safeguarding vocabulary: the everyday words of referrals grouped into concepts, so that "she
slapped him" and an indicator's "physical abuse" meet, and "fourth call-out" and "persistent" do.

Generic to children's social care in England, never to one council's catalogue: the same concepts
are read from the referral and from each indicator line of whichever catalogue the policy holds.
A concept is written `#name`; each entry lists words or phrases (matched as stems, in order).
"""

from __future__ import annotations

import re

from frontdoor.screening.suggest.text import STOPWORDS, Token, tokens

CONCEPTS: dict[str, str] = {
    # harm
    "physical": "hit, hits, punch, punched, kick, kicked, slap, slapped, beat, beaten, beating, "
    "struck, assault, assaulted, push, pushed, pushing, shove, shoved, strangle, strangled, choke, "
    "choked, grabbed, throttled, violence, violent, physical abuse, physically abused, hurt him, "
    "shook the baby, shaken, whipped, scalded, burned him, burned her, threw, strangulation, "
    "hurt her, physical harm",
    "injury": "bruise, bruised, bruising, bruises, black eye, injury, injuries, injured, cut lip, "
    "burn, burns, fracture, fractured, broken arm, broken leg, swelling, wound, bleeding, "
    "marks on, fingertip, handprint, shape of a hand, stitches, torn frenulum",
    "unexplained": "non accidental, non-accidental, could not say how, cannot say how, "
    "no explanation, not explain how, unexplained injury, could not explain how, "
    "different explanations, inconsistent explanation, does not fit, do not fit, doesn't fit, "
    "not consistent with, not in keeping with, could not be explained, cannot be explained, "
    "no one could explain",
    "chastise": "smack, smacks, smacked, smacking, chastise, chastisement, punish, punishment, "
    "belt, physical chastisement, behaviour management techniques",
    "wetting": "wetting, wet herself, wet himself, wetting herself, wetting himself, wets the bed, "
    "bedwetting, soiling, soiled himself, soiled herself, enuresis, encopresis",
    "peers": "friends, friendships, friendship, peers, peer group, classmates",
    "struggling": "exhausted, struggling, struggles, not coping, cannot cope, can't cope, "
    "finds it hard, overwhelmed, worn out",
    "infant": "baby, babies, infant, newborn, new-born, non-mobile, not yet rolling, not crawling, "
    "not mobile, weeks old, months old",
    "siblings": "brother, brothers, sister, sisters, sibling, siblings, half-brother, "
    "half-sister, stepbrother, stepsister",
    "sexual": "sex, sexual, sexually, love bite, love bites, private parts, touches her, "
    "touched her, touches him, touched him, rape, raped, sex act, pornography, porn, "
    "contraception, morning-after pill, groped, inappropriate touching, sexually assaulted, "
    "indecent images, nudes, sexting, "
    "sexualised, nude images, indecent",
    "abuse": "abuse, abused, abusing, abusive",
    "critical": "screaming at, screams at, calling him stupid, locked in his room, "
    "locked in her room, scapegoat, threatens to send him away, threatens to send her away, "
    "calling her stupid, stupid, useless, worthless, put down, puts him down, puts her down, "
    "criticised, criticises, humiliates, humiliated, belittle, highly critical, critical of, "
    "shouts at him, shouts at her, swears at him, swears at her",
    "rejected": "never been born, rejected, rejects, does not want him, does not want her, "
    "thrown out, kicked out, abandoned, persecuted",
    "fear": "scared, frightened, afraid, fear, fearful, terrified",
    # domestic abuse
    "domestic": "domestic abuse, domestic violence, domestic incident, dash, marac, idva, "
    "coercive control, coercive, controlling behaviour, controlling, controls the money, "
    "controls her money, controls his money, checks her phone, checks his phone, "
    "tracks her phone, will not let her see, won't let her see, isolates her, isolated her",
    "partner": "partner, ex-partner, ex partner, husband, wife, mum and dad, his girlfriend, "
    "her boyfriend, mother and father, between parents, former partner, dad pushed, hit mum",
    "conflict": "argument, arguments, arguing, argue, row, rows, shout, shouts, shouting, "
    "screaming, fight, fighting, fights, conflict, discord, dispute",
    "witness": "in the room, in front of, saw, witnessed, witness, present, heard, was there, "
    "watching, hides in",
    "high_risk": "high risk, high-risk, high level risk, high-level risk, marac, threats to kill, "
    "threatened to kill, strangled her, strangulation",
    # substances, addiction, mental health
    "substance": "alcohol, drink, drinking, drunk, intoxicated, cannabis, cocaine, heroin, crack, "
    "drug, drugs, substance, substances, under the influence, spice, ketamine, smells of cannabis, "
    "vodka, cider, beer, wine, spirits, weed, mdma, ecstasy, nitrous oxide, smelt alcohol, "
    "needles, paraphernalia, methadone, amphetamine, high on",
    "addiction": "dependent, dependency, addiction, addicted, addictive, cannot stop, can't stop, "
    "gambling, gamble, betting, gaming, every day, daily",
    "mental": "depression, depressed, anxiety, anxious, bipolar, psychosis, psychotic, voices, "
    "mental health, mental ill, low mood, felt low, feels low, feeling low, postnatal, ptsd, "
    "schizophrenia, talking therapy, tearful, medication, withdrawn, panic attacks",
    "self_harm": "self-harm, self harm, self harming, self-harming, cuts on, scratches on, "
    "scratching her, scratching his, overdose, harm herself, harm himself, ligature, "
    "cutting herself, cutting himself, cutting her arms, cutting his arms",
    "suicidal": "suicide, suicidal, wanted to die, wants to die, ending her life, ending his life, "
    "take her own life, take his own life, tried to end, "
    "end her life, end his life, kill herself, kill himself",
    "medical": "hospital, a&e, emergency department, admitted, on the ward, paramedics, ambulance, "
    "intensive care, medical, stitches, resuscitated, treatment, aed",
    "specialist": "camhs, psychiatrist, psychiatric, specialist, paediatric, paediatrician",
    # neglect and basic care
    "food": "hungry, hunger, no food, not eating, food, fed, scavenging, scavenge, taking food, "
    "takes food, underweight, thin, eating only, lunch, packed lunch, meals",
    "warmth": "cold, heating, electricity, gas, cut off, warmth, no heat",
    "hygiene": "dirty, unwashed, smell, smelling, smells, head lice, lice, urine, soiled, "
    "nappy rash, soiled nappy, dirty nappy, hygiene, clothes, clothing, unkempt, matted, stained, "
    "same clothes, "
    "same uniform",
    "dental": "teeth, tooth, dentist, dental, decay, decayed",
    "appointments": "appointment, appointments, not brought, was not brought, missed appointments, "
    "missed appointment, missed his appointment, missed her appointment, missed his check, "
    "missed her check, did not attend, not been taken to, not taken to, health checks, "
    "two year check, audiology, clinic",
    "speech": "speech, language, few words, talk, talking, communication, speech and language, "
    "salt, non-verbal, does not speak, respond to his name, respond to her name",
    "development": "milestones, delayed, delay, development, developmental, regression",
    "alone": "alone, on their own, on his own, on her own, home alone, unsupervised, left alone, "
    "no adult, without an adult, left in the flat, left in the house",
    "supervision": "supervision, supervised, unsupervised, watching them, no adult, left alone",
    "safe_sleep": "sofa, co-sleeping, co sleeping, safe sleep, sleeping with, in bed with, "
    "not breathing",
    "home_conditions": "dog mess, faeces, squalid, filthy, rubbish, mould, damp, hazards, "
    "unsafe home, smell, exposed wires, broken glass, broken windows, home environment, "
    "home conditions, cluttered, no beds, mattress on the floor, no clean clothes",
    # education
    "attendance": "attendance, attended, absent from school, absence, absences, truant, truants, "
    "truanting, "
    "missing from lessons, missing lessons, missing from school, skipping lessons, "
    "refusing to go to school, refuses to go to school, missing school, misses days, sessions, "
    "days of school, days off school, missed school",
    "exclusion": "excluded, exclusion, exclusions, suspended, suspension, fixed term, sent home, "
    "isolation room, internal exclusion",
    "learning": "reading, writing, behind, progress, dyslexia, learning difficulty, "
    "learning difficulties, sen, ehcp, special educational needs, struggling with reading",
    "parent_school": "missed meetings, meetings at school, does not answer calls, "
    "waste of time, attendance officer",
    # missing and exploitation
    "missing": "missing, ran away, run away, running away, absconded, stays out all night, "
    "did not return home, not returned home, "
    "did not come home, went missing, missing episode, missing episodes",
    "exploit": "exploit, exploited, exploitation, groom, grooming, groomed, county lines, "
    "trafficked, trafficking, adult men, older men, work it off, owes money, owe money, "
    "keep it secret, debt bondage, holding drugs, running drugs, drug debt, parties with older, "
    "taxis paid for, hotel rooms, sugar daddy, asked her for photos, asked him for photos, "
    "asked for photos, asked for pictures, asked her to send, asked him to send, "
    "wants to meet her, wants to meet him, paid for by someone, cse, cce, "
    "intimate pictures, intimate images, intimate photos, persuaded to send, pressured to send, "
    "pressured into sending, sextortion, unless he pays, unless she pays, threatening to share, "
    "child sexual exploitation, child criminal exploitation",
    "gifts": "new phone, new trainers, expensive trainers, cash, gifts, expensive, "
    "expensive clothes, two phones, two mobile phones, second phone, new clothes, "
    "money from unexplained, new iphone, tags on, tags still on, "
    "would not say who, will not say who, won't say who, would not say where, "
    "would not explain, cannot explain, unexplained, £",
    "dealing": "drug dealing, dealing drugs, selling drugs, wraps, crack cocaine, drug running, "
    "selling from, intent to supply, supplying drugs, "
    "county lines, hidden inside his body, hidden inside her body, plugging, trap house",
    "gang": "gang, gangs, older youths, organised crime, ocg, criminal group, criminal gangs",
    "weapon": "knife, knives, machete, blade, weapon, weapons, firearm, gun, knifepoint",
    "offending": "offence, offences, offending, arrested, caution, referral order, court, "
    "criminal damage, shoplifting, theft, robbery, burglary, crime, criminal, youth justice, "
    "youth offending, convicted, conviction, sentence",
    "behaviour": "disruptive, challenging, aggressive, aggression, tantrums, swearing, "
    "punching holes, punched a hole, punched holes, punches holes, kicked a hole, kicks holes, "
    "fighting, behaviour, kicking off, hurting other children, "
    "hitting other children, pushing other children, kicking other children, biting other children",
    "boundaries": "no control, beyond control, beyond parental control, out of control, "
    "no control over, will not listen, cannot manage, can't manage, cannot set rules, "
    "rules, boundaries, curfew, stays out, out all night, until 3am, let him, let her, "
    "until 1am, until 2am, until 4am, until midnight, comes home late, out late",
    "older_partner": "older boyfriend, older girlfriend, 18-year-old boyfriend, older man, "
    "men in their twenties, men in their thirties, older males, adult males, much older, "
    "position of trust, older role models, adult men, older men, getting into his car",
    "online": "online, internet, game, gaming, phone, social media, apps, snapchat, "
    "sent him pictures, sent her pictures, forums, videos, 18-rated, tiktok, instagram, "
    "whatsapp, discord, roblox",
    "extreme": "radicalisation, radicalised, extremist, extremism, extreme views, right-wing, "
    "propaganda, terrorist, terrorism, prevent referral, wiped out, far-right, far right, "
    "islamist, isis, swastika",
    "fgm": "fgm, female genital, cut as a child, cleansed, circumcision, cutting ceremony",
    "marriage": "marry, marriage, married, wedding, husband chosen",
    "forced": "forced, does not want to, against her will, against his will, taken her passport, "
    "taken his passport, beaten if",
    "honour": "honour, shame on the family, beaten if she refuses, beaten if he refuses",
    # family and household
    "asylum": "asylum, refugee, refugees, unaccompanied, arrived alone, arrived in the country",
    "private_fostering": "family friend, not a relative, private fostering, privately fostered, "
    "staying with a friend",
    "homeless": "homeless, homelessness, evicted, eviction, sofa surfing, sofa-surfing, hostel, "
    "bed and breakfast, no fixed abode, thrown out, temporary accommodation, bedsit",
    "overcrowded": "overcrowded, overcrowding, one room, shared bathroom, cramped",
    "money": "debt, debts, arrears, money is tight, poverty, low income, savings, food bank, "
    "money is very tight, struggling financially, money worries, short of money, "
    "benefits, cannot afford, financial",
    "unemployed": "lost his job, lost her job, unemployed, unemployment, off work, no job",
    "pregnancy": "pregnant, pregnancy, antenatal, midwife, weeks pregnant, unborn, in labour, "
    "booking appointment, expecting a baby",
    "concealed": "concealed, hid the pregnancy, hidden pregnancy, no antenatal care, "
    "denied pregnancy, concealment",
    "in_care": "taken into care, looked after, in care, removed from, foster, foster carers, "
    "looked after somewhere else, accommodated, special guardianship, care proceedings, "
    "care proceedings",
    "risk_adult": "mappa, sex offender, sexual offences, convicted of, risk to children, "
    "registered sex offender, offences against a child",
    "new_partner": "boyfriend, new partner, moved in, stays over, begun a relationship, "
    "started a relationship, relationship with",
    "carer": "looks after his mum, looks after her mum, looks after his dad, looks after her dad, "
    "cares for, young carer, helps her to wash, helps him to wash, cooks for",
    "loss": "died, death, bereaved, bereavement, passed away, loss, separated, separation, "
    "divorce, misses her dad, misses his dad, misses her mum, misses his mum",
    "bullying": "bully, bullied, bullying, called names, name-calling, teased, pushed down",
    "discrimination": "headscarf, racist, racism, racial, discrimination, harassment, "
    "homophobic, transphobic, because of her religion, because of his religion",
    "isolated": "isolated, no friends, few friends, lonely, no support, who to ask for help, "
    "lack of support, lack of a support network, no support network, little support, "
    "limited support, no family nearby, "
    "little english, does not join, knows nobody, know nobody, does not know anyone, "
    "doesn't know anyone, nobody to help, no one to help, no help",
    "support": "grandparents, grandmother, grandfather, support from, well supported, "
    "help the family, good support, supportive",
    "disability": "disability, disabled, cerebral palsy, epilepsy, autism, autistic, "
    "non-verbal, does not speak, learning disability, wheelchair, hearing loss",
    "adaptations": "adaptations, adapted, stairs, carries him, carries her, short breaks, respite",
    "attachment": "bond, bonding, attachment, attached",
    "cuckoo": "cuckooing, cuckooed, selling drugs from the flat, dealing from the flat, "
    "took over the flat, staying in her flat",
    "dog": "dog, dogs, xl bully, pit bull, pitbull, animal, animals, bit the, bite, bitten",
    "prison": "prison, custody, custodial, jail, remand, sentenced",
    "late": "lateness, punctuality, arrives late, late to school, late for school, late most days, "
    "late every day",
    "weight": "overweight, obese, obesity, underweight, bmi, weight, lost weight, "
    "failure to thrive, not gaining weight, faltering growth",
    "eating": "eating disorder, eating disorders, anorexia, bulimia, makes herself sick, "
    "makes himself sick, restricting food, not eating",
    "asb": "anti-social, antisocial, asb, nuisance, vandalism, graffiti, throwing stones, "
    "intimidating residents, criminal behaviour",
    "self_esteem": "self esteem, self-esteem, low confidence, hates herself, hates himself, "
    "self-image, body image",
    "terminal": "palliative, terminal, terminally ill, end of life, cancer, dying",
    "fabricated": "fabricated, induced illness, perplexing, exaggerating symptoms, "
    "exaggerates symptoms, invents symptoms, many hospital visits",
    "stimulation": "toys, no books, no toys, in front of the tv, screens all day, stimulation, "
    "new experiences, never goes out, stuck indoors",
    "affection": "affection, affectionate, praise, cold towards, distant, no cuddles, "
    "ignores him, ignores her, emotional warmth, warm and caring",
    "inconsistent": "inconsistent, erratic, unpredictable, chaotic",
    "many_carers": "different carers, moved between, multiple carers, passed between, "
    "succession of carers, series of carers",
    "new_area": "new to the area, just moved, recently moved, moved to the area, "
    "moved here, arrived in the area",
    "moves": "moved house, frequent moves, several addresses, many addresses, transient, "
    "moving around, changes of address",
    "slavery": "slavery, forced to work, made to work, unpaid work, debt bondage, servitude",
    "disengaged": "does not engage, will not engage, not engaging, refused support, "
    "declined support, cancelled visits, did not answer the door, difficult to engage, "
    "engagement with services, won't engage, refuses help, refused to see, refuses to see, "
    "refused a referral, refused help, refused to engage, refuses to engage",
    "neglect": "neglect, neglected, neglectful, neglecting",
    "no_school": "not in education, not engaged in full time education, not engaged in education, "
    "no school place, not got a school place, out of education, not on a school roll, "
    "missing education, stopped going to college, stopped going to school, dropped out, "
    "left college, not going to college, not in college",
    "child_violence": "hitting his dad, hitting his mum, hitting her dad, hitting her mum, "
    "hits his mum, hits his dad, hits her mum, hits her dad, lashes out, lash out, "
    "violent towards his mum, violent towards her mum, perpetrator of violence",
    # a young child named without an age
    "under13": "toddler, toddlers, little one, little ones, little boy, little girl, "
    "young children, small children, pre-school, preschool",
    # who: a parent or carer, as against the child
    "parent": "parent, parents, parental, carer, carers, mum, mother, dad, father, stepfather, "
    "stepmother, her children, his children, their children, mummy, daddy, mam, stepdad, stepmum, "
    "postnatal depression, postnatal anxiety",
    # how much and how often
    "persistent": "persistent, persistently, repeated, repeatedly, frequent, frequently, "
    "regularly, regular, every day, daily, most days, ongoing, continual, chronic, many times, "
    "constantly, often, again, third, fourth, fifth, sixth, three times, four times, weeks, "
    "for months, all week",
    "severe": "significant, significantly, serious, seriously, severe, severely, extreme, "
    "crisis, sectioned, psychosis, psychotic, hearing voices, life-threatening, "
    "high risk, hospital, intensive care, arrested, knifepoint, not breathing, overdose, "
    "could not be woken, could not wake, unresponsive, unconscious",
    "mild": "some, low level, low-level, minor, emerging, starting, beginning, verbal, standard, "
    "occasionally, sometimes, advice, waiting list, worried, worries, worry, a bit, slightly, "
    "now and then, once",
    "positive": "up to date, doing well, working well, good friends, gets on well, happy, good, "
    "positive, "
    "meeting her milestones, meeting his milestones, well supported, help the family, "
    "thriving, engaged, goes to nursery, making expected progress, expected progress, on track, "
    "enjoys, well cared for, well looked after, well presented, well fed",
}

# Concepts made of two others in one clause: a partner and a fight are domestic abuse.
COMBINED: tuple[tuple[str, str, str], ...] = (
    ("domestic", "partner", "conflict"),
    ("domestic", "partner", "physical"),
    ("sexual_abuse", "sexual", "abuse"),
    ("sexual_abuse", "sexual", "under13"),
    ("nai", "injury", "unexplained"),
    ("infant_injury", "infant", "injury"),
    ("child_sex", "under13", "sexual"),
    ("teen_pregnancy", "teen", "pregnancy"),
    ("exploit", "older_partner", "under13"),
    ("child_injury", "injury", "under13"),
    ("nai", "injury", "under13"),
    ("nai", "physical", "injury"),
    ("child_injury", "injury", "infant"),
    ("infant_danger", "infant", "safe_sleep"),
    ("child_alone", "alone", "under13"),
    ("neglect", "food", "warmth"),
    ("neglect", "hygiene", "persistent"),
    ("neglect", "food", "persistent"),
    ("exploit", "older_partner", "teen"),
)

_AGE = re.compile(
    r"\((\d{1,2})\)|\baged\s+(?:about\s+|around\s+)?(\d{1,2})\b(?!\s*(?:months?|weeks?|days?))"
    r"|\b(\d{1,2})[- ]year[- ]old\b|\bunder\s+(\d{1,2})\b",
    re.IGNORECASE,
)
# "her boyfriend is 23": an adult in a child's relationship.
_OLDER = re.compile(
    r"\b(?:boyfriend|girlfriend|partner)\b[^.;]{0,20}?\b(?:1[89]|[2-9]\d)\b(?!\s*%)"
    # "calls him her boyfriend and says he is 23": the age given further on, as his or hers.
    r"|\b(?:boyfriend|girlfriend)\b[^.;]{0,40}?\b(?:he|she)\s+(?:is|was|'s)\s+(?:1[89]|[2-9]\d)\b"
    r"(?!\s*%)"
    r"|\b(?:1[89]|[2-9]\d)[- ]year[- ]old\s+(?:boyfriend|girlfriend|man|men|male|males)\b",
    re.IGNORECASE,
)
_INFANT_AGE = re.compile(
    r"\b\d{1,2}\s+(?:days?|weeks?|months?)\s+old\b|\baged\s+\d{1,2}\s+days?\b"
    r"|\b\d{1,2}\s+(?:weeks?|months?)\b(?!\s+(?:ago|pregnant))",
    re.IGNORECASE,
)


# A parent named once ("Mum, Jade, says", "their mother, Danielle", "Jade Kerr (mum)") is the
# parent wherever the referral names her again: "Danielle drinks from the morning".
_PARENT_WORD = r"(?:[Mm]um|[Mm]other|[Dd]ad|[Ff]ather|[Ss]tep(?:father|mother|dad|mum))"
_NAME = r"([A-Z][a-z]{2,})"
_PARENT_NAMED = (
    re.compile(r"\b" + _PARENT_WORD + r",?\s+(?:(?:Mrs|Mr|Ms|Miss)\.?\s+)?" + _NAME),
    re.compile(_NAME + r"(?:\s+[A-Z][a-z]+)?\s*\((?:mum|mother|dad|father)\)"),
    re.compile(
        r"\b"
        + _NAME
        + r"(?:\s+[A-Z][a-z]+)?,\s+(?:the\s+)?(?:[A-Z][a-z]+'s\s+|their\s+|his\s+|her\s+|the\s+"
        r"child's\s+|the\s+children's\s+)(?:mum|mother|dad|father)\b"
    ),
)


def parent_names(text: str) -> frozenset[str]:
    """The names the referral gives a parent."""
    return frozenset(
        match.group(1) for pattern in _PARENT_NAMED for match in pattern.finditer(text)
    )


def _compile() -> dict[tuple[str, ...], str]:
    phrases: dict[tuple[str, ...], str] = {}
    for concept, members in CONCEPTS.items():
        for member in members.split(","):
            key = tuple(token.stem for token in tokens(member.strip()))
            if key:
                phrases.setdefault(key, f"#{concept}")
    return phrases


PHRASES = _compile()
LONGEST = max(len(key) for key in PHRASES)


def concepts(words: list[Token], text: str, offset: int = 0, combined: bool = True) -> list[Token]:
    """The concepts `words` name, each at the words that name it; ages become #infant, #under13
    and #teen; with `combined`, the concepts two of them make together (`COMBINED`)."""
    found: list[Token] = []
    stems = [word.stem for word in words]
    for i in range(len(stems)):
        for length in range(min(LONGEST, len(stems) - i), 0, -1):
            concept = PHRASES.get(tuple(stems[i : i + length]))
            if concept:
                found.append(Token(concept, words[i].start, words[i + length - 1].end))
    for match in _OLDER.finditer(text):
        found.append(Token("#older_partner", offset + match.start(), offset + match.end()))
    for match in _AGE.finditer(text):
        age = int(next(group for group in match.groups() if group))
        start, end = offset + match.start(), offset + match.end()
        if match.group(4):  # "under 13" in an indicator line; "under 18" is any child
            if age <= 13:
                found.append(Token("#under13", start, end))
        elif age < 13:
            found.append(Token("#under13", start, end))
        elif age < 18:
            found.append(Token("#teen", start, end))
    for match in _INFANT_AGE.finditer(text):
        found.append(Token("#infant", offset + match.start(), offset + match.end()))
    if not combined:
        return found
    names = {token.stem for token in found}
    for made, first, second in COMBINED:
        if f"#{first}" in names and f"#{second}" in names:
            anchor = next(token for token in found if token.stem == f"#{first}")
            found.append(Token(f"#{made}", anchor.start, anchor.end))
    return found


def combine(names: frozenset[str]) -> frozenset[str]:
    """`names` with the concepts two of them make together."""
    made = {
        f"#{made}"
        for made, first, second in COMBINED
        if f"#{first}" in names and f"#{second}" in names
    }
    return names | made


def features(text: str, offset: int = 0, combined: bool = True) -> list[Token]:
    """The content stems of `text` (no stop-words) and the concepts it names; without `combined`,
    not those two concepts make together (`combine` adds them)."""
    words = tokens(text, offset)
    folded = text.casefold()
    content = [
        word
        for word in words
        if folded[word.start - offset : word.end - offset] not in STOPWORDS
        and word.stem not in STOPWORDS
    ]
    return content + concepts(words, text, offset, combined)
