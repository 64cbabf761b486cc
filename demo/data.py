"""Original demo content for "The Margin", loaded idempotently (keyed by slug) by a
management command. Pure data: every person, place and quote is invented."""

AUTHORS = [
    {
        "username": "mara",
        "display_name": "Mara Okafor",
        "slug": "mara-okafor",
        "bio": (
            "Mara Okafor writes about streets, planning and the politics of public space. "
            "She spent a decade as a transport planner before deciding she preferred arguing "
            "about cities to drawing them."
        ),
        "website": "https://example.org/mara",
        "email": "mara@example.org",
    },
    {
        "username": "theo",
        "display_name": "Theo Brandt",
        "slug": "theo-brandt",
        "bio": (
            "Theo Brandt covers work, housing and the economics of ordinary life. "
            "He lives above a laundrette and has strong opinions about bus timetables."
        ),
        "website": "https://example.org/theo",
        "email": "theo@example.org",
    },
    {
        "username": "lucia",
        "display_name": "Lucía Serrano",
        "slug": "lucia-serrano",
        "bio": (
            "Lucía Serrano reports on technology and the environment, usually where the two "
            "collide. Before joining The Margin she built data tools for a regional climate agency."
        ),
        "website": "https://example.org/lucia",
        "email": "lucia@example.org",
    },
]

TAGS = [
    ("Cities", "cities"),
    ("Technology", "technology"),
    ("Transport", "transport"),
    ("Housing", "housing"),
    ("Climate", "climate"),
    ("Work", "work"),
    ("Culture", "culture"),
    ("Design", "design"),
    ("Opinion", "opinion"),
]

# Pictures drawn by demo/pictures.py (``draw`` names its function), each leading the posts
# in ``leads``; ``in_body``: shown inside that post's article too, as the editor places one.
PICTURES = [
    {
        "name": "dusk-bridge.jpg",
        "draw": "dusk_bridge",
        "alt": "A footbridge arching over a river at dusk, a low orange sun behind it",
        "caption": "The footbridge an hour before the lamps come on.",
        "credit": "Illustration: The Margin",
        "leads": ["a-bridge-nobody-asked-for"],
    },
    {
        "name": "night-bus.jpg",
        "draw": "night_bus",
        "alt": "A red bus with lit windows passing dark buildings at night",
        "caption": "",
        "credit": "Illustration: The Margin",
        "leads": ["what-the-night-bus-knows"],
    },
    {
        "name": "green-hills.jpg",
        "draw": "green_hills",
        "alt": "Green hills under a pale blue sky and a pale sun",
        "caption": "What a road sounds like when nobody is driving on it.",
        "credit": "",
        "leads": ["cooler-streets-start-with-shade"],
        "in_body": "notes-from-a-car-free-sunday",
    },
    {
        "name": "staircase.jpg",
        "draw": "staircase",
        "alt": "Stone steps climbing diagonally up a sandy wall with a dark handrail",
        "caption": "Nine steps, one handrail, no ramp.",
        "credit": "Illustration: The Margin",
        "leads": ["a-city-of-staircases"],
    },
]

# ``who`` of a comment by the post's own author, logged in.
POST_AUTHOR = (None, "", "")


def _comment(who, minutes_after, body, *replies, status="approved", replies_closed=False):
    """A comment dict; ``who`` is (name, email, website), replies are nested _comment()s;
    ``replies_closed``: a moderator closed the replies under it."""
    name, email, website = who
    return {
        "name": name,
        "email": email,
        "website": website,
        "body": body,
        "status": status,
        "minutes_after": minutes_after,
        "replies": list(replies),
        "replies_closed": replies_closed,
    }


POSTS = [
    {
        "slug": "what-the-night-bus-knows",
        "title": "What the night bus knows",
        "author": "theo",
        "standfirst": "After midnight, the city's buses belong to the people who keep it running.",
        "body": (
            "<p>The N29 leaves the depot at 00:14, and by the second stop it is half full. "
            "Nobody on it is going home from a party. There is a hospital porter with a "
            "flask, two office cleaners comparing rotas, and a young man in chef's whites "
            "who falls asleep before the doors have closed.</p>"
            "<p>Transport planners have long treated night services as a courtesy: a thin "
            "safety net for revellers who missed the last train. The passenger counts tell "
            "a different story. On most routes we looked at, the busiest night journeys are "
            "not the ones after closing time but those between four and six in the morning, "
            "when the early shift heads in.</p>"
            "<h2>Shift work is not a niche</h2>"
            "<p>Roughly one in eight workers in a large city starts or finishes outside "
            "conventional hours. They are disproportionately low-paid and far less likely "
            "to own a car. When a night route is cut, they do not switch to the daytime "
            "network; they switch to a longer walk, a pricier taxi, or a different job.</p>"
            "<p>None of this needs a grand plan. It needs counting the right passengers, at "
            "the right hours, and treating the people who keep the city open overnight as "
            "commuters in their own right.</p>"
        ),
        "days_ago": 2,
        "status": "published",
        "tags": ["transport", "work", "cities"],
        "comments_closed": False,
        "comments": [
            _comment(
                ("Aisha K.", "aisha@example.com", "https://example.net/aisha"),
                48,
                "I drove a night route for six years. The 5am run was always the first to "
                "fill up, and always the first one management wanted to thin out. Glad "
                "someone has finally written this down.",
                _comment(
                    ("Pete Holloway", "pete.h@example.net", ""),
                    95,
                    "Same on our line. The drivers knew the regulars by name. The "
                    "spreadsheet never did.",
                ),
                _comment(
                    POST_AUTHOR,
                    130,
                    "Thank you both. If either of you would talk to me about the 5am run "
                    "for a follow-up piece, my email is on my author page.",
                ),
            ),
        ],
        # Closes three weeks after its last comment: readers see the countdown.
        "inactive_days": 21,
    },
    {
        "slug": "the-quiet-cost-of-smart-doorbells",
        "title": "The quiet cost of smart doorbells",
        "author": "lucia",
        "standfirst": (
            "Doorbell cameras sold us peace of mind. They also changed how streets feel."
        ),
        "body": (
            "<p>Walk down any terraced street and count the small black lenses. On mine "
            "there are eleven across thirty houses, each recording the pavement, the road "
            "and a slice of the house opposite. No owner thinks of it as a surveillance "
            "network. Together, they are one.</p>"
            "<p>The pitch is simple: see who is at the door, catch the parcel thief, feel "
            "safer. Evidence that they deter crime is thin. What is clearer is how they "
            "change the feel of a street. People I spoke to described avoiding the shortcut "
            "past a particularly watchful porch, or wondering which neighbour had posted a "
            "clip of their teenager to a local group.</p>"
            "<p>If you already own one, a few small settings make a large difference:</p>"
            "<ul>"
            "<li><strong>Check the field of view.</strong> Most cameras can be masked so "
            "they record your step, not the street.</li>"
            "<li><strong>Turn off audio</strong> unless you truly need it; it captures "
            "conversations on the pavement.</li>"
            "<li><strong>Think before you share.</strong> A clip in a neighbourhood group "
            "is a public accusation, even when it is framed as a question.</li>"
            "</ul>"
            "<p>None of this means the cameras should be banned. But a street is a shared "
            "space, and it is worth asking whether the feeling of safety at one front door "
            "is bought with a little of everyone else's ease.</p>"
        ),
        "days_ago": 9,
        "status": "published",
        "tags": ["technology", "design", "cities"],
        "comments_closed": False,
        "comments": [
            _comment(
                ("Niamh R.", "niamh@example.net", "https://example.net/niamh"),
                60,
                "We masked ours after reading the manual properly for the first time. It "
                "took two minutes. I had no idea it had been recording the bus stop across "
                "the road for a year.",
                _comment(
                    ("Sam Okoro", "sam.okoro@example.com", ""),
                    130,
                    "Two minutes well spent. Most people never open the settings at all, "
                    "which is rather the point of the design.",
                ),
            ),
            _comment(
                ("Bernard F.", "bernard@example.com", ""),
                200,
                "Respectfully, after our car was broken into twice, the footage was the "
                "only thing the police were interested in. I'll take slightly awkward "
                "neighbours over a third break-in.",
                replies_closed=True,
            ),
        ],
    },
    {
        "slug": "the-street-is-the-last-public-room",
        "title": "The street is the last public room",
        "author": "mara",
        "standfirst": (
            "We have spent a century designing streets for the cars passing through them. It is "
            "time to design them for the people who are already there."
        ),
        "body": (
            "<p>Think of the last time you stood still on a street. Not waiting to cross, "
            "not searching for your keys, but simply standing: talking to a neighbour, "
            "watching a child learn to ride a bike, letting the afternoon happen. If you "
            "struggle to remember, that is not a failing on your part. It is a design "
            "decision, made on your behalf, long ago.</p>"
            "<p>For most of history the street was the main public room of any settlement. "
            "It was where people traded, argued, played, courted and mourned. Traffic moved "
            "through it slowly and on the street's terms. Within a single lifetime that "
            "arrangement was reversed. The street became a conduit, measured in vehicles "
            "per hour, and everything else that happened there became an obstruction.</p>"
            "<h2>A room we forgot we owned</h2>"
            "<p>In most cities, streets are the largest single piece of publicly owned "
            "land, larger than all the parks combined, often by a wide margin. Yet we "
            "rarely talk about them as land at all, let alone ask what else they could be "
            "for. We debate the fate of one pocket park for years while ceding hectares of "
            "tarmac to parked cars without a second thought.</p>"
            "<p>This is not an argument against cars, or against the people who rely on "
            "them. Deliveries must arrive, ambulances must get through, and many people "
            "cannot walk or cycle far. It is an argument about <em>defaults</em>. Today "
            "every street starts out as a road and must justify any space it gives back to "
            "people. I think it should be the other way round.</p>"
            "<blockquote><p>A street that works only for those passing through it has "
            "failed the people who live on it.</p>"
            "</blockquote>"
            "<h2>What a people-first street looks like</h2>"
            "<p>It need not be radical. The Dutch woonerfs of the 1970s showed that cars "
            "and people can share a street when the car is clearly the guest: low speeds, "
            "no kerbs, trees and benches placed so that drivers slow down of their own "
            "accord. Modern versions add wide pavements, continuous crossings over side "
            "roads, and room for the small things that make a street sociable: a bench in "
            "the sun, a tree in the right place, a corner wide enough for a "
            "conversation.</p>"
            "<p>The objections are familiar. Shopkeepers fear that fewer parking spaces "
            "mean fewer customers, though "
            '<a href="https://example.org/research/street-spending">study after study</a> '
            "finds that people arriving on foot, by bike and by bus spend as much or more "
            "over a month. Drivers fear congestion, though traffic has a way of adapting to "
            "the space it is given. Residents fear change itself, which is understandable "
            "and deserves patience rather than scorn.</p>"
            "<p>But the costs of the current arrangement are rarely counted at all: the "
            "children who no longer play outside, the older people who stay in because "
            "crossing is too frightening, the high streets hollowed out by through traffic. "
            "These are not side effects. They are the predictable result of treating the "
            "street as a pipe.</p>"
            "<p>We already know how to build streets that feel like rooms. The question is "
            "whether we are willing to give them back to the people who were there "
            "<strong>first</strong>.</p>"
        ),
        "days_ago": 12,
        "status": "published",
        "tags": ["cities", "transport", "design", "opinion"],
        "comments_closed": True,
        "media": [
            {
                "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=42s",
                "title": "Big Buck Bunny",
                "credit": "Related video added by Mara Okafor",
                "caption": (
                    "An animated short set in a meadow where everyone, large and small, has to "
                    "share the same space."
                ),
            },
        ],
        "comments": [
            _comment(
                ("Tomasz W.", "tomasz@example.net", ""),
                35,
                "Our street became a play street every Sunday afternoon two summers ago. I "
                "now know the names of more neighbours than in the previous ten years "
                "combined.\n\n"
                "It isn't a grand transformation, just cones at either end and a couple of "
                "volunteers. Anyone can start one.",
                _comment(
                    ("Hannah Leigh", "hannah.leigh@example.com", "https://example.net/hannah"),
                    80,
                    "I like the idea, but my mother uses a wheelchair and relies on being "
                    "dropped at the door. Every 'people-first' scheme near us has made that "
                    "harder, not easier. Who is the street for, exactly?",
                    _comment(
                        ("Mara Okafor", "mara@example.org", "https://example.org/mara"),
                        140,
                        "Hannah, that's a fair challenge and one I should have addressed "
                        "directly. A street designed for people has to include people who "
                        "arrive by car because they have no alternative. The good schemes "
                        "keep accessible bays and drop-off points right by the entrances, "
                        "and level surfaces help wheelchair users far more than kerbs "
                        "do.\n\n"
                        "Where that hasn't happened, it's a failure of execution, not a "
                        "reason to keep the old layout.",
                    ),
                ),
                _comment(
                    ("Dev P.", "devp@example.net", "https://example.net/dev"),
                    210,
                    "Tomasz, we did the same and the biggest surprise was the older "
                    "residents. They were the most sceptical at first and are now the ones "
                    "bringing out chairs.",
                ),
            ),
            _comment(
                ("R. Pennington", "rpennington@example.com", ""),
                52,
                "Nice sentiment, but I run a hardware shop on a high street. When the "
                "council removed the parking bays outside, takings fell for a year. People "
                "don't carry a bag of cement home on a bicycle.",
                _comment(
                    ("Inês Carvalho", "ines@example.net", "https://example.net/ines"),
                    95,
                    "Sorry to hear that, but one shop's year isn't the whole picture. The "
                    "research Mara links to looks at whole streets over several years. Was "
                    "a loading bay kept for heavy purchases? That sounds like the real "
                    "issue.",
                    _comment(
                        ("R. Pennington", "rpennington@example.com", ""),
                        180,
                        "There is a loading bay now, added after we complained, and trade "
                        "has mostly recovered. So perhaps the lesson is to ask shopkeepers "
                        "first rather than afterwards. I'll grant the street is nicer to "
                        "stand in.",
                    ),
                ),
            ),
            _comment(
                ("Colm B.", "colm@example.com", "https://example.net/colm"),
                300,
                "Enjoyed this. One small correction, if I may: the plural of woonerf is "
                "woonerven, not woonerfs. The Dutch are quite particular about it, and so, "
                "I'm afraid, am I.",
            ),
        ],
    },
    {
        "slug": "a-city-of-staircases",
        "title": "A city of staircases",
        "author": "mara",
        "standfirst": (
            "Public stairs are among the cheapest, oldest and most overlooked pieces of urban "
            "infrastructure. Hilly cities are starting to treat them as streets."
        ),
        "body": (
            "<p>In hilly cities, the shortest route between two neighbourhoods is often not "
            "a road at all but a flight of steps: narrow, steep, lined with railings "
            "painted so many times they feel soft. They carry thousands of people a day and "
            "appear on almost no official map.</p>"
            '<figure><img src="https://picsum.photos/seed/margin-stairs/1200/800" '
            'alt="A long flight of stone steps between houses on a hillside">'
            "<figcaption>Public stairways often carry more foot traffic than the roads "
            "beside them.</figcaption></figure>"
            "<p>Because they belong to no obvious department, stairs fall between budgets. "
            "Highways look after roads, parks look after parks, and the steps in between "
            "are repaired when someone complains loudly enough. Lighting is patchy and "
            "handrails end abruptly.</p>"
            "<h3>Treating steps as streets</h3>"
            "<p>A few cities have started doing something simple: giving every public "
            "stairway a name, a number and an owner. Once stairs count as part of the "
            "walking network, they can be inspected, lit and signposted like any other "
            "route and, where the gradient allows, paired with a ramp or a lift so the "
            "shortcut is not only for those with strong knees.</p>"
            "<p>It is not glamorous work. But the next time you climb a set of worn steps "
            "that saves you a ten-minute detour, remember that somebody built them on "
            "purpose, and that somebody should be looking after them now.</p>"
        ),
        "days_ago": 24,
        "status": "published",
        "tags": ["cities", "design", "culture"],
        "comments_closed": False,
        "media": [
            {
                "url": "https://vimeo.com/76979871",
                "title": "The New Vimeo Player",
                "credit": "Related video added by Mara Okafor",
                "caption": (
                    "A short film about designing the everyday tools people barely notice, much "
                    "like a good stairway."
                ),
            },
        ],
        "comments": [],
    },
    {
        "slug": "cooler-streets-start-with-shade",
        "title": "Cooler streets start with shade",
        "author": "lucia",
        "standfirst": "Summer heat is now a planning problem. The fixes are older than you think.",
        "body": (
            "<p>On a hot afternoon, a sunlit asphalt car park can be twenty degrees hotter "
            "at the surface than a shaded pavement a few metres away. On the hottest days, "
            "pedestrians move through a city like water, pooling wherever there is "
            "shade.</p>"
            "<p>Heat maps built from satellite and street-level sensors show the same "
            "pattern in city after city: the hottest neighbourhoods are those with the "
            "fewest trees, the most hard surfaces and, often, the lowest incomes. "
            '<a href="https://example.org/reports/cooler-streets">A recent field report</a> '
            "found that the gap between leafy and bare districts on the same street grid "
            "can be as wide as the gap between two climates.</p>"
            "<h2>What actually works</h2>"
            "<ol>"
            "<li>Plant trees where people walk and wait, not only in parks.</li>"
            "<li>Use lighter or permeable surfaces when streets are resurfaced anyway.</li>"
            "<li>Shade bus stops, playgrounds and market squares first.</li>"
            "<li>Keep drinking fountains working all summer, and tell people where they are.</li>"
            "</ol>"
            "<p>None of these is new. What is new is the urgency, and the data to show "
            "exactly where each euro spent on shade will do the most good.</p>"
        ),
        "days_ago": 37,
        "status": "published",
        "tags": ["climate", "cities"],
        "comments_closed": False,
        "media": [
            {
                "url": "https://example.org/reports/cooler-streets",
                "title": "Cooler Streets: a field report on urban heat",
                "credit": "Related reading added by Lucía Serrano",
                "caption": (
                    "A street-by-street survey of summer surface temperatures, with a methods "
                    "appendix."
                ),
            },
        ],
        "comments": [],
    },
    {
        "slug": "a-four-day-week-at-the-corner-bakery",
        "title": "A four-day week at the corner bakery",
        "author": "theo",
        "standfirst": (
            "Shorter working weeks are usually debated in software firms. A small bakery tried "
            "one, and the results were messier and more interesting."
        ),
        "body": (
            "<p>Most arguments about the four-day week happen in offices, where output is "
            "hard to measure and a meeting can quietly be dropped. A bakery is different. "
            "The dough must be proved, shaped and baked on time, the shop must open, and "
            "the ovens do not care how anyone feels about work-life balance.</p>"
            "<p>So when the owners of a small neighbourhood bakery tried four longer days "
            "instead of five shorter ones, they expected it to fail. Eight months on, the "
            "staff are still on the new pattern, though not quite the one they started "
            "with.</p>"
            "<blockquote><p>“The first month was chaos. The second month we stopped "
            "pretending we could do the same menu with fewer days, and it got better.”</p>"
            "</blockquote>"
            "<p>The shop now closes on Mondays and bakes a shorter list of loaves. Takings "
            "dipped, then recovered. Sick days fell sharply. Recruitment, the owners' "
            "biggest headache, became noticeably easier: a job advert with three days off a "
            "week turns out to be a powerful thing.</p>"
            "<p>The lesson is not that every workplace can compress its week. It is that "
            "the question is less about hours than about what a business decides it can "
            "stop doing.</p>"
        ),
        "days_ago": 51,
        "status": "published",
        "tags": ["work"],
        "comments_closed": False,
        "comments": [
            _comment(
                ("Jo Whitcombe", "jo@example.com", "https://example.net/jo-bakes"),
                40,
                "As someone who has worked the 4am bakery shift, three days off a week "
                "sounds like science fiction. Good for them.",
                _comment(
                    ("Chris D.", "chrisd@example.net", ""),
                    90,
                    "Same here. I'd want to know how long the four days are, though. Ten "
                    "hours next to an oven is a lot.",
                ),
            ),
        ],
    },
    {
        "slug": "why-the-library-is-full-again",
        "title": "Why the library is full again",
        "author": "mara",
        "standfirst": "The internet was meant to empty libraries. Instead, many are full again.",
        "body": (
            "<p>At ten on a weekday morning, the central library is already short of seats. "
            "A student is revising at one table, a man in a suit is on a laptop call with "
            "his headphones in, and a group of toddlers is being read a story about a "
            "bear.</p>"
            "<p>Book loans have fallen in many places for years. Visits, in a growing "
            "number of branches, have not. The library has quietly become something else: a "
            "warm room, a free desk, a reliable connection, a toilet, a place where nobody "
            "expects you to buy anything.</p>"
            "<h2>The last free indoor space</h2>"
            "<p>Almost every other indoor space in a modern city has a price of entry, "
            "whether a coffee, a ticket or a membership. The library asks only that you "
            "keep your voice down, and increasingly it does not ask even that.</p>"
            "<p>Librarians have adapted with admirable speed, adding study rooms, repair "
            "cafés, job clinics and "
            '<a href="https://example.org/libraries/open-hours">longer opening hours</a>. '
            "What has not kept pace is funding, which is still often calculated on the "
            "number of books issued. It is time to count the people instead.</p>"
        ),
        "days_ago": 66,
        "status": "published",
        "tags": ["culture", "cities"],
        "comments_closed": False,
        "comments": [
            _comment(
                ("Elspeth G.", "elspeth@example.com", "https://example.net/elspeth"),
                55,
                "I'm a branch librarian. Thank you for the last paragraph especially. We "
                "are measured on the one thing that's declining and ignored on everything "
                "that's growing.",
                _comment(
                    ("Tariq N.", "tariq@example.net", ""),
                    120,
                    "Is anyone pushing to change the metrics? Door counters are cheap.",
                ),
            ),
        ],
    },
    {
        "slug": "the-spreadsheet-that-sets-your-rent",
        "title": "The spreadsheet that sets your rent",
        "author": "lucia",
        "standfirst": "Landlords increasingly let software set the rent. Tenants rarely know it.",
        "body": (
            "<p>The rent in a flat advert can feel arbitrary. Increasingly it is anything "
            "but. Large landlords, and a growing number of small ones, use pricing tools "
            "that ingest listings, vacancy rates and local demand, then recommend a rent, "
            "sometimes day by day.</p>"
            "<p>The software is sold as efficiency: fewer empty months, fewer guesses. The "
            "worry among housing economists is what happens when competing landlords in one "
            "area take advice from the same system. Each acts alone, yet the advice can "
            "nudge a whole market one way, leaving tenants to haggle with a model they "
            "cannot see.</p>"
            "<h3>Questions worth asking</h3>"
            "<ul>"
            "<li>Does the landlord use automated pricing, and which tool?</li>"
            "<li>Is the recommended rent ever overridden, and by whom?</li>"
            "<li>What data about applicants is fed into the system?</li>"
            "</ul>"
            "<p>Regulators in several places have begun asking the same questions. Until "
            "clear rules arrive, the best protection is the oldest one: tenants comparing "
            "notes, in person and online, about what they are actually being charged.</p>"
        ),
        "days_ago": 80,
        "status": "published",
        "tags": ["housing", "technology"],
        "comments_closed": False,
        "comments": [
            _comment(
                ("Olu A.", "olu@example.net", "https://example.net/olu"),
                90,
                "Our building changed hands last year and the rent on every empty flat went "
                "up by exactly the same percentage in the same week. Now I understand why.",
                _comment(
                    ("Freya T.", "freya@example.com", ""),
                    170,
                    "Did anyone ask the new owners directly, in writing? Sometimes that "
                    "gets a surprisingly honest answer.",
                ),
            ),
            _comment(
                ("Martin K.", "martin.k@example.com", ""),
                400,
                "I work in property management and this feels a bit one-sided. Mostly the "
                "tools stop landlords underpricing and then leaving flats empty for months, "
                "which helps nobody. Happy to explain how they're used in practice.",
                status="pending",
            ),
            _comment(
                ("Best Rent Deals", "deals4u@example.com", "https://example.com/cheap-deals"),
                520,
                "GREAT article!!! Find CHEAP flats and earn $$$ from home, click now "
                "https://example.com/cheap-deals limited offer!!!",
                status="spam",
            ),
        ],
    },
    {
        "slug": "a-bridge-nobody-asked-for",
        "title": "A bridge nobody asked for, used by everyone",
        "author": "theo",
        "standfirst": (
            "When a walking and cycling bridge was proposed over the river, critics called it a "
            "vanity project. Two years on, the counters tell a different story."
        ),
        "body": (
            "<p>The arguments against the bridge were familiar. It was too expensive, it "
            "would be empty, and people on bikes were a small minority who should not be "
            "catered for at everyone else's expense. The local paper ran a cartoon of a "
            "single cyclist crossing a vast, gleaming structure in the rain.</p>"
            "<p>The bridge opened two springs ago. Its automatic counters now record "
            "several thousand crossings on an average day, about a third of them on foot. "
            "The busiest hours belong to the school run, not the commute, and the "
            "fastest-growing group of users is people over sixty.</p>"
            "<p>What the critics missed is what transport researchers call <em>latent "
            "demand</em>: trips that do not happen because the route is unpleasant, and so "
            "never show up in a survey. Nobody asks for a bridge to a place they cannot "
            "currently reach. They simply start going there once they can.</p>"
        ),
        "days_ago": 95,
        "status": "published",
        "tags": ["transport", "design"],
        "comments_closed": False,
        "comments": [],
    },
    {
        "slug": "in-praise-of-boring-software",
        "title": "In praise of boring software",
        "author": "theo",
        "standfirst": "The apps we trust most rarely demand our attention. That is no accident.",
        "body": (
            "<p>My favourite app is the one that tells me when the next bus is coming. Its "
            "design has not changed in years. It opens instantly, shows me a number and "
            "lets me put the phone away. It has never sent me a notification I did not ask "
            "for.</p>"
            "<p>Most software is not like that, because most software is measured by how "
            "much of our time it can hold. Features arrive, menus move, and a once-simple "
            "tool acquires a feed, a streak and a badge. Each change makes sense on a "
            "dashboard; together they make the thing harder to use.</p>"
            "<h2>The virtues of staying put</h2>"
            "<p>Boring software tends to have a few things in common:</p>"
            "<ul>"
            "<li>It does one job and says so on the first screen.</li>"
            "<li>It works offline, or fails gracefully when it cannot.</li>"
            "<li>Its layout does not change from one month to the next.</li>"
            "<li>It lets you <code>quit</code>, and means it.</li>"
            "</ul>"
            "<p>None of these qualities wins a design award. All of them are forms of "
            "respect for the person on the other side of the screen, and for the limited "
            "hours they have in a day.</p>"
        ),
        "days_ago": 111,
        "status": "published",
        "tags": ["technology", "design"],
        "comments_closed": False,
        "comments": [],
    },
    {
        "slug": "notes-from-a-car-free-sunday",
        "title": "Notes from a car-free Sunday",
        "author": "lucia",
        "standfirst": (
            "Once a month the ring road closes to cars. We walked the whole length of it."
        ),
        "body": (
            "<p>By nine in the morning the six-lane road is already unrecognisable. "
            "Children are drawing on the tarmac in chalk, a brass band is warming up under "
            "a flyover, and the loudest sound is the click of bicycle gears.</p>"
            "<p>The event began as an experiment and has become a fixture. Organisers "
            "estimate that tens of thousands of people pass through on a good day. Nearby "
            "cafés report some of their best takings of the month, which has done more to "
            "quieten early objections than any argument about air quality.</p>"
            "<p>What struck me most was how quickly people took to the space. Within an "
            "hour the road had its own informal geography: a fast lane for cyclists by the "
            "central reservation, a slow lane for prams and scooters, picnic blankets on "
            "the verges. Nobody had planned it, and nobody needed to.</p>"
            "<p>On Monday morning the traffic was back, as loud as ever. But the chalk "
            "drawings were still there, fading under the tyres, a reminder that the road "
            "had been something else for a day, and could be again.</p>"
        ),
        "days_ago": 127,
        "status": "published",
        "tags": ["transport", "cities", "climate"],
        "comments_closed": False,
        "comments": [],
    },
    {
        "slug": "what-we-lose-when-maps-get-too-good",
        "title": "What we lose when maps get too good",
        "author": "mara",
        "standfirst": "Phones have made getting lost almost impossible. Some of us miss it.",
        "body": (
            "<p>I used to know my city the way you know a friend's face: imperfectly, but "
            "in a way that was entirely mine. I knew which back street smelled of the "
            "brewery and which bridge caught the evening light. I learned these things by "
            "taking wrong turns.</p>"
            "<p>Navigation apps have made wrong turns rare. They are astonishingly good at "
            "getting us from one pin to another, and in unfamiliar places I am grateful for "
            "them. But they route us all the same way, through the same streets, and they "
            "ask us to look at a screen rather than at the city.</p>"
            "<blockquote>To be lost, briefly and safely, is to be forced to pay "
            "attention.</blockquote>"
            "<p>Try it once a month: pick a neighbourhood you half know, leave the phone in "
            "your pocket, and walk. You will be slower. You may be a little late. You will "
            "also, almost certainly, find something you did not know was there.</p>"
        ),
        "days_ago": 146,
        "status": "published",
        "tags": ["technology", "culture", "cities"],
        "comments_closed": False,
        "comments": [
            _comment(
                ("Felix B.", "felix@example.com", "https://example.net/felix"),
                700,
                "Did this last weekend after reading the piece and found a tiny park two "
                "streets from my flat that I'd walked past for three years. Thank you.",
            ),
        ],
    },
    {
        "slug": "the-office-is-now-a-mood",
        "title": "The office is now a mood",
        "author": "lucia",
        "standfirst": (
            "Workplaces redesigned for hybrid working look less like offices and more like "
            "hotel lobbies. Whether anyone can concentrate in them is another matter."
        ),
        "body": (
            "<p>The new office has no desks with names on them. It has “neighbourhoods”, "
            "“focus pods” and a long table by the window that the floor plan calls the "
            "kitchen. There are plants everywhere, and a great deal of pale oak.</p>"
            "<p>Designers say the aim is to give people a reason to come in: if they can "
            "work from home, the office must offer something home cannot. Usually that "
            "means space for meetings and chance encounters. What it rarely means is a "
            "quiet corner to think, which is the one thing many people struggle to find at "
            "home, too.</p>"
            "<p>The most popular room in one redesigned building I visited was not the café "
            "or the roof terrace. It was a small, windowless room with a door that closed, "
            "booked solid from morning to evening. Sometimes the best design decision is a "
            "wall.</p>"
        ),
        "days_ago": 162,
        "status": "published",
        "tags": ["work", "design"],
        "comments_closed": False,
        "comments": [],
    },
    {
        "slug": "the-case-for-small-flats",
        "title": "The case for small flats, done well",
        "author": "theo",
        "standfirst": "Compact homes have a bad reputation. The problem is not size but design.",
        "body": (
            "<p>Say “micro-flat” to most people and they picture a bed wedged beside a hob, "
            "a window onto a lightwell and a rent that would be funny if it were not real. "
            "Those places exist, and they deserve the scorn they get.</p>"
            "<p>Yet plenty of people want to live alone, close to work and friends, without "
            "paying for rooms they do not use. In many cities, single-person households are "
            "the fastest-growing kind. The question is not whether small homes should be "
            "built, but how.</p>"
            "<h2>What good small homes share</h2>"
            "<ul>"
            "<li>Ceilings high enough to feel generous, and windows big enough to matter.</li>"
            "<li>Real storage, designed in rather than left to flat-pack furniture.</li>"
            "<li>Shared spaces that are genuinely pleasant: a roof terrace, a laundry, a "
            "workshop.</li>"
            "<li>Minimum standards that are enforced, not just written down.</li>"
            "</ul>"
            "<p>Get those right and a small flat can be a fine place to live. Get them "
            "wrong and no amount of clever folding furniture will save it.</p>"
        ),
        "days_ago": 178,
        "status": "published",
        "tags": ["housing", "cities"],
        "comments_closed": False,
        "comments": [],
    },
    {
        "slug": "parking-minimums-explained-slowly",
        "title": "Parking minimums, explained slowly",
        "author": "mara",
        "standfirst": (
            "An obscure planning rule shapes the look, cost and density of almost every new "
            "building. Here is how it works."
        ),
        "body": (
            "<p>Somewhere in most planning codes is a table saying how many parking spaces "
            "a new building must provide: so many per flat, so many per hundred square "
            "metres of shop, so many per restaurant seat. The numbers look technical and "
            "harmless. They are neither.</p>"
            "<p>A parking space takes up roughly as much floor area as a small bedroom, and "
            "an underground one can cost as much to build as a modest car. When the rules "
            "require them, developers build fewer homes, charge more for each, or both, "
            "whether or not the people who live there own cars.</p>"
            "<h2>What happens when cities drop them</h2>"
            "<p>A growing number of places have abolished or relaxed their minimums. Early "
            "results suggest developers still build parking where buyers want it, just less "
            "of it, and that smaller, cheaper homes become viable on awkward sites that "
            "were previously left empty.</p>"
        ),
        "days_ago": 0,
        "status": "draft",
        "tags": ["housing", "transport", "cities"],
        "comments_closed": False,
        "comments": [],
    },
    {
        "slug": "the-tram-line-one-year-on",
        "title": "The tram line, one year on",
        "author": "theo",
        "standfirst": (
            "Twelve months after the first trams ran, we went back to the shops, schools and "
            "commuters along the route to ask what has changed."
        ),
        "body": (
            "<p>A year ago, the new tram line was the most argued-about project in the "
            "city. The roadworks had overrun, the budget had swollen, and the shops along "
            "the high street said the disruption had nearly finished them off.</p>"
            "<p>Today the trams run every six minutes at peak and carry more passengers "
            "than the bus routes they replaced. Some traders say footfall is higher than "
            "ever; others, further from the stops, say it has moved rather than grown. Both "
            "are probably right.</p>"
            "<p>The more telling changes are the quiet ones: older residents who now travel "
            "into the centre because the step-free trams make it easy, pupils who no longer "
            "need a lift to school, and the car park at the terminus that is, for the first "
            "time, mostly empty.</p>"
        ),
        "days_ago": -7,
        "status": "published",
        "tags": ["transport", "cities"],
        "comments_closed": False,
        "comments": [],
    },
]
