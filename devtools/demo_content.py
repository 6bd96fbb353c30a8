"""The demo publication: The Harbour Ledger, a small local newsroom on a fictional coast.

Plain data, read by ``manage.py seed_demo``. Days are relative to the day the demo is loaded:
negative is in the past, positive in the future.
"""

from __future__ import annotations

from typing import Any

AUTHORS: list[dict[str, str]] = [
    {
        "slug": "maya-okafor",
        "name": "Maya Okafor",
        "bio": "Covers the town council, housing and the harbour authority.",
        "website": "https://example.com/maya-okafor",
        "email": "maya.okafor@harbourledger.example",
    },
    {
        "slug": "tomas-reyes",
        "name": "Tomás Reyes",
        "bio": "Writes about music, theatre and the people who keep the old cinema open.",
        "website": "",
        "email": "tomas.reyes@harbourledger.example",
    },
    {
        "slug": "priya-nandakumar",
        "name": "Priya Nandakumar",
        "bio": "Data and science editor. Tide gauges, air quality and anything with a chart.",
        "website": "https://example.com/priya",
        "email": "priya.n@harbourledger.example",
    },
    {
        "slug": "jonas-berg",
        "name": "Jonas Berg",
        "bio": "Sports reporter. Has not missed a home match of Harbour Rovers since 2011.",
        "website": "",
        "email": "jonas.berg@harbourledger.example",
    },
]

SECTIONS: list[dict[str, str]] = [
    {"slug": "town", "name": "Town", "description": "Council, housing, transport and schools."},
    {"slug": "culture", "name": "Culture", "description": "Music, stage, screen and books."},
    {"slug": "science", "name": "Science", "description": "The sea, the weather and the data."},
    {"slug": "sport", "name": "Sport", "description": "Harbour Rovers and everyone else."},
]

TAGS: list[dict[str, str]] = [
    {"slug": slug, "name": name}
    for slug, name in [
        ("housing", "Housing"),
        ("transport", "Transport"),
        ("council", "Council"),
        ("budget", "Budget"),
        ("schools", "Schools"),
        ("music", "Music"),
        ("theatre", "Theatre"),
        ("climate", "Climate"),
        ("harbour", "Harbour"),
        ("football", "Football"),
        ("data", "Data"),
    ]
]


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


# status: published | draft | in_review | scheduled | archived; day: publication day.
ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "harbour-ferry-returns-after-winter-repairs",
        "title": "Harbour ferry returns after winter repairs",
        "subtitle": "The Saltwick crossing reopens on Monday with a new engine and later sailings",
        "excerpt": "After four months in dry dock, the ferry to Saltwick is back, and the last "
        "boat home now leaves at 23:10.",
        "section": "town",
        "tags": ["transport", "harbour"],
        "authors": ["maya-okafor"],
        "status": "published",
        "day": -1,
        "views": 7,
        "cover": {
            "name": "ferry-at-the-town-quay.jpg",
            "alt": "The Saltwick ferry moored at the town quay under a clear evening sky",
            "caption": "Back in service: the ferry at the town quay.",
            "credit": "The Harbour Ledger",
        },
        "body": _p(
            "The ferry between the town quay and Saltwick will carry passengers again from "
            "Monday, ending a closure that began in November when inspectors found corrosion "
            "in the hull plating.",
            "The harbour authority said the repairs cost 410,000 pounds, about a third more "
            "than budgeted, after the engine was replaced rather than rebuilt.",
        )
        + "<blockquote><p>People planned their whole winter around a boat that wasn't there. "
        "We owe them a service they can set their watch by.</p></blockquote>"
        + _p(
            "That was Eilidh Marr, the authority's operations manager, speaking at the quay on "
            "Thursday. She said the timetable would add a late sailing at 23:10 on weekdays, a "
            "change commuters working evening shifts at the hospital had asked for.",
            "Fares stay at 2.40 pounds for a single. Season tickets bought before the closure "
            "will be extended by four months, the authority said.",
            "The replacement bus, which took 50 minutes around the estuary, stops running on "
            "Sunday night.",
        ),
    },
    {
        "slug": "council-approves-200-homes-on-old-rope-works",
        "title": "Council approves 200 homes on the old rope works",
        "subtitle": "A third will be let at social rents, after a late change to the plans",
        "excerpt": "Councillors voted 9 to 4 for the scheme, the largest in the town for a decade.",
        "section": "town",
        "tags": ["housing", "council"],
        "authors": ["maya-okafor", "priya-nandakumar"],
        "status": "published",
        "day": -3,
        "views": 342,
        "featured": True,
        "body": _p(
            "The planning committee approved 200 homes on the derelict rope works site on "
            "Tuesday evening, after the developer raised the share of social-rent homes from "
            "20 to 33 percent.",
            "Our analysis of the council's housing register shows 1,130 households waiting "
            "for a home in the town, 41 percent of them for more than two years.",
        )
        + "<h2>What was agreed</h2>"
        + "<ul><li>66 homes at social rent</li><li>a new path along the river</li>"
        "<li>no more than 120 parking spaces</li></ul>"
        + _p("Building is expected to start next spring and take three years."),
    },
    {
        "slug": "rovers-draw-late-at-home",
        "title": "Rovers snatch a late draw against Kettleby",
        "excerpt": "A stoppage-time header keeps Harbour Rovers unbeaten at home.",
        "section": "sport",
        "tags": ["football"],
        "authors": ["jonas-berg"],
        "status": "published",
        "day": -2,
        "views": 128,
        "body": _p(
            "Harbour Rovers came from behind to draw 1-1 with Kettleby Town on Saturday, "
            "centre-back Sam Idowu heading in a corner in the 94th minute.",
            "Kettleby had led since the half hour, when Rovers' keeper misjudged a cross.",
            "The draw keeps Rovers fifth, two points off the play-off places.",
        ),
    },
    {
        "slug": "tide-gauge-shows-sea-level-rise",
        "title": "Sixty years of tide records show the sea rising faster",
        "subtitle": "The harbour gauge has measured 14 centimetres since 1965",
        "excerpt": "We digitised the harbour master's ledgers. The trend is clear.",
        "section": "science",
        "tags": ["climate", "data", "harbour"],
        "authors": ["priya-nandakumar"],
        "status": "published",
        "day": -6,
        "views": 960,
        "featured": True,
        "body": _p(
            "Handwritten ledgers kept at the harbour master's office record the height of "
            "every high tide since 1965. We typed up all of them.",
            "The average high tide is now 14 centimetres higher than in the first decade of "
            "records, and half of that rise came in the last twenty years.",
            "Flood defences along the quay were designed for the sea of the 1980s, the "
            "harbour authority's own engineers told us.",
        ),
    },
    {
        "slug": "old-cinema-saved-by-crowdfunder",
        "title": "The Regal is saved: crowdfunder passes its target",
        "excerpt": "2,400 people gave to keep the town's last cinema open.",
        "section": "culture",
        "tags": ["theatre"],
        "authors": ["tomas-reyes"],
        "status": "published",
        "day": -8,
        "views": 511,
        "body": _p(
            "The Regal, the art deco cinema on Harbour Street, will stay open after a "
            "community share offer raised 380,000 pounds in six weeks.",
            "The money buys the building from its retiring owner and pays for a new roof.",
        ),
    },
    {
        "slug": "school-meals-budget-row",
        "title": "Parents protest at cuts to school meal budget",
        "excerpt": "The council says the saving is needed to balance next year's books.",
        "section": "town",
        "tags": ["schools", "budget", "council"],
        "authors": ["maya-okafor"],
        "status": "published",
        "day": -10,
        "views": 233,
        "body": _p(
            "About sixty parents gathered outside the town hall on Wednesday to oppose a "
            "plan to cut the school meals budget by 8 percent.",
            "The council's finance lead said the cut was one of forty savings needed.",
        ),
    },
    {
        "slug": "folk-festival-line-up",
        "title": "Folk festival announces its biggest line-up yet",
        "excerpt": "Thirty acts over three days on the harbour green.",
        "section": "culture",
        "tags": ["music"],
        "authors": ["tomas-reyes"],
        "status": "published",
        "day": -12,
        "views": 87,
        "body": _p(
            "The Harbour Folk Festival returns in July with thirty acts, its largest bill "
            "since it began in a pub back room in 1994.",
            "Day tickets go on sale on Friday; under-16s go free.",
        ),
    },
    {
        "slug": "air-quality-on-quay-road",
        "title": "Quay Road air quality breaches limit on school days",
        "excerpt": "Our sensors found nitrogen dioxide peaks at drop-off time.",
        "section": "science",
        "tags": ["data", "transport", "schools"],
        "authors": ["priya-nandakumar"],
        "status": "published",
        "day": -15,
        "views": 402,
        "body": _p(
            "Three sensors we placed on Quay Road recorded nitrogen dioxide above the legal "
            "hourly limit on 11 school-day mornings in March.",
            "The readings on weekends and holidays stayed well within it.",
        ),
    },
    {
        "slug": "rovers-new-manager",
        "title": "Rovers name former captain as manager",
        "excerpt": "Dee Campbell returns to the club she captained to promotion.",
        "section": "sport",
        "tags": ["football"],
        "authors": ["jonas-berg"],
        "status": "published",
        "day": -20,
        "views": 640,
        "body": _p(
            "Harbour Rovers have appointed Dee Campbell as first-team manager on a two-year "
            "contract.",
            "Campbell captained the side to promotion in 2016 and has coached the under-18s "
            "since retiring.",
        ),
    },
    {
        "slug": "harbour-dredging-plan",
        "title": "What the harbour dredging plan means for the fishing fleet",
        "excerpt": "Deeper berths for cargo ships, and a question about the oyster beds.",
        "section": "town",
        "tags": ["harbour", "council"],
        "authors": ["maya-okafor", "priya-nandakumar"],
        "status": "published",
        "day": -25,
        "views": 150,
        "body": _p(
            "The harbour authority wants to deepen the outer berths by two metres so that "
            "larger cargo vessels can dock at any tide.",
            "Fishermen worry the silt will smother the oyster beds east of the breakwater.",
        ),
    },
    {
        "slug": "bus-timetable-changes",
        "title": "Bus timetable changes from next month",
        "excerpt": "The 14 loses its Sunday service; the 22 gains an evening run.",
        "section": "town",
        "tags": ["transport"],
        "authors": ["maya-okafor"],
        "status": "draft",
        "day": None,
        "body": _p("Draft: waiting for the operator to confirm the new evening times."),
    },
    {
        "slug": "review-the-tempest-at-the-regal",
        "title": "Review: The Tempest on the Regal's stage",
        "excerpt": "A storm that actually feels wet.",
        "section": "culture",
        "tags": ["theatre"],
        "authors": ["tomas-reyes"],
        "status": "draft",
        "day": None,
        "body": _p("Notes so far: the sound design, the boat, the rain machine."),
    },
    {
        "slug": "youth-league-results-roundup",
        "title": "Youth league round-up",
        "section": "sport",
        "tags": ["football"],
        "authors": ["jonas-berg"],
        "status": "draft",
        "day": None,
        "body": "",
    },
    {
        "slug": "council-budget-explained",
        "title": "The council budget, explained in five charts",
        "excerpt": "Where the money comes from and where it goes.",
        "section": "town",
        "tags": ["budget", "council", "data"],
        "authors": ["priya-nandakumar"],
        "status": "in_review",
        "day": None,
        "body": _p(
            "The council will spend 212 million pounds next year. Here is where it goes.",
            "Adult social care takes the largest share, at 38 percent.",
        ),
    },
    {
        "slug": "festival-weekend-travel-guide",
        "title": "Festival weekend: how to get there and back",
        "excerpt": "Extra ferries, closed roads and where to park.",
        "section": "culture",
        "tags": ["music", "transport"],
        "authors": ["tomas-reyes", "maya-okafor"],
        "status": "scheduled",
        "day": 5,
        "body": _p(
            "Extra ferries will run every twenty minutes on festival Saturday.",
            "Harbour Street is closed to traffic from 10:00 to midnight.",
        ),
    },
    {
        "slug": "winter-storm-live-updates",
        "title": "Winter storm: live updates",
        "excerpt": "Closed roads, power cuts and the sea wall, as it happened.",
        "section": "science",
        "tags": ["climate", "harbour"],
        "authors": ["priya-nandakumar"],
        "status": "archived",
        "day": -120,
        "views": 2210,
        "body": _p(
            "18:40: Waves are breaking over the sea wall at the north quay.",
            "19:15: The coast road is closed between the lighthouse and Saltwick.",
        ),
    },
]

# Comments by article slug. Each: key, name, email, body, status, optional reply_to key.
COMMENTS: dict[str, list[dict[str, str]]] = {
    "council-approves-200-homes-on-old-rope-works": [
        {
            "key": "a",
            "name": "Ruth Adeyemi",
            "email": "ruth@example.net",
            "body": "<p>Finally. My daughter has been on the list for three years.</p>",
            "status": "approved",
        },
        {
            "key": "b",
            "name": "Callum",
            "email": "callum@example.net",
            "body": "<p>Where are 200 households supposed to park with 120 spaces?</p>",
            "status": "approved",
        },
        {
            "key": "c",
            "name": "Priya's neighbour",
            "email": "neighbour@example.net",
            "body": "<p>Most of them will take the ferry, surely. It's five minutes away.</p>",
            "status": "approved",
            "reply_to": "b",
        },
        {
            "key": "d",
            "name": "Callum",
            "email": "callum@example.net",
            "body": "<p>The ferry that was shut all winter?</p>",
            "status": "approved",
            "reply_to": "c",
        },
        {
            "key": "e",
            "name": "Hugh",
            "email": "hugh@example.net",
            "body": "<p>Will the river path be open to bikes?</p>",
            "status": "pending",
        },
        {
            "key": "f",
            "name": "Cheap Loans",
            "email": "offers@spam.example",
            "body": '<p>Best rates <a href="https://spam.example">click here</a></p>',
            "status": "spam",
        },
        {
            "key": "g",
            "name": "Anon",
            "email": "anon@example.net",
            "body": "<p>This comment broke the house rules.</p>",
            "status": "removed",
        },
    ],
    "tide-gauge-shows-sea-level-rise": [
        {
            "key": "a",
            "name": "Alasdair Gunn",
            "email": "agunn@example.net",
            "body": "<p>My grandfather kept some of those ledgers. Thank you for this.</p>",
            "status": "approved",
        },
        {
            "key": "b",
            "name": "Mei Lin",
            "email": "mei@example.net",
            "body": "<p>Is the raw data available anywhere?</p>",
            "status": "pending",
        },
    ],
    "rovers-draw-late-at-home": [
        {
            "key": "a",
            "name": "Kev",
            "email": "kev@example.net",
            "body": "<p>Idowu for captain.</p>",
            "status": "approved",
        },
        {
            "key": "b",
            "name": "Kettleby fan",
            "email": "kt@example.net",
            "body": "<p>Six minutes of stoppage time? Really?</p>",
            "status": "approved",
            "reply_to": "a",
        },
    ],
}
