"""The topic and stance tagger: a table of sentences -> expected (topic, stance[, target]).

Every sentence here was written for this test. A case expecting set() is a negative: an
off-topic mention, a near miss or an out-of-scope use of a cue word.
"""

from __future__ import annotations

import pytest

from etl.codebook import load_codebook
from etl.models import Statement, content_id
from etl.tagging import Tagger

NATO, TROOPS, BURDEN = "nato_membership", "troop_deployment", "burden_sharing"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def tagger(codebook):
    return Tagger(codebook)


def statement(text: str, group: str | None = None, start: int = 0,
              doc_id: str | None = None) -> Statement:
    # Each sentence its own document unless told, so that no test follows up on another.
    return Statement(doc_id=doc_id or content_id(text), start=start, end=start + len(text), text=text,
                     actor_id="someone", actor_name="Someone", actor_kind="person",
                     group_id=group, mention="someone", cue="said", quote_type="indirect",
                     date=None, date_cue=None, confidence=0.9)


def outcome(tags, expected):
    """The tags in the shape of the expectation: with targets only where the case names one."""
    with_target = any(len(e) == 3 for e in expected)
    return {(t.topic, t.stance, t.target) if with_target else (t.topic, t.stance) for t in tags}


CASES = [
    ("We are opposed to the entry of Georgia and Ukraine into the alliance, the prime minister said.", None,
     {(NATO, "oppose")}),
    # --- "not whether but when" denies a doubt, not the membership ---
    ("The question is no longer whether Ukraine will become a member of NATO but when, the president said.",
     None, {(NATO, "support")}),
    # --- a framing noun judged by its predicate: the judgement decides ---
    ("Foreign intervention in Ukraine by NATO troops would be unacceptable in any form, the spokeswoman said.", None,
     {(TROOPS, "oppose")}),
    ("An intervention in Ukraine by European troops would be necessary to secure the ceasefire, the minister said.",
     None,
     {(TROOPS, "support")}),
    # --- strategic autonomy is a burden-sharing position ---
    ("We Europeans must really take our fate into our own hands, the chancellor said.", None,
     {(BURDEN, "support")}),
    # --- a judgement of a denial flips ---
    ("It is absurd when a time frame is set neither for the invitation nor for Ukraine's membership, he wrote.",
     None, {(NATO, "support")}),
    ("It would be a mistake not to invite Ukraine into NATO, the minister said.", None, {(NATO, "support")}),
    ("It is absurd to admit Ukraine to NATO, the minister said.", None, {(NATO, "oppose")}),
    ("Committing to spend five per cent of GDP on defence would be not only unreasonable but counterproductive, "
     "the prime minister said.", None, {(BURDEN, "oppose")}),
    ("Washington would not negotiate over Ukraine's right to seek NATO membership, the secretary said.", None,
     {(NATO, "support")}),
    # --- a degree word inside a cue ---
    ("NATO allies should be paying far more for their defence, the president said.", None, {(BURDEN, "support")}),
    ("European allies must spend considerably more on defence, the secretary general said.", None,
     {(BURDEN, "support")}),
    # --- the cue verb's own object denied ---
    ("Budapest would send neither weapons nor soldiers to Ukraine, the foreign minister said.", None,
     {(TROOPS, "oppose")}),
    pytest.param("Russia saw no room for any compromise on foreign troops in Ukraine, the minister said.", None,
                 {(TROOPS, "oppose")},
                 marks=pytest.mark.xfail(reason="'no room' times 'compromise' reads as a double negative")),
    # --- Ukraine in NATO: support ---
    ("Ukraine's rightful place is in NATO, and the door will stay open, the secretary general said.",
     None, {(NATO, "support")}),
    ("The allies agreed that Ukraine will become a member of NATO.", None, {(NATO, "support")}),
    ("Kyiv formally applied for accelerated membership of the alliance on Friday.",
     None, {(NATO, "support")}),
    ("Warsaw wants Ukraine invited to join NATO at the next summit.", None, {(NATO, "support")}),
    ("Our future is in NATO and we will get there.", "ukraine", {(NATO, "support")}),
    ("Russia will not get a veto over Ukraine's membership.", None, {(NATO, "support")}),
    ("Zelensky rejected calls for Ukraine to abandon its NATO aspirations.",
     None, {(NATO, "support")}),
    ("Ukraine stands on an irreversible path to full Euro-Atlantic integration.",
     None, {(NATO, "support")}),
    # --- Ukraine in NATO: oppose ---
    ("Membership for Ukraine is simply not realistic at this stage, the defence secretary told allies.",
     None, {(NATO, "oppose")}),
    ("Budapest will block any attempt to invite Kyiv into the alliance.", None, {(NATO, "oppose")}),
    ("The Kremlin insists that Ukraine adopt a neutral status and stay out of NATO.",
     None, {(NATO, "oppose")}),
    ("He does not believe that NATO membership for Kyiv is a realistic outcome.",
     None, {(NATO, "oppose")}),
    ("A Ukrainian accession would pose a direct threat to Russia's security.",
     None, {(NATO, "oppose")}),
    ("Moscow wants written guarantees that Ukraine will never join NATO.", None, {(NATO, "oppose")}),
    ("Moscow demands that Kyiv renounce its bid for NATO membership.", None, {(NATO, "oppose")}),
    ("The envoy warned that taking Ukraine into NATO would cross a red line.",
     None, {(NATO, "oppose")}),
    ("Paris opposed granting Ukraine a Membership Action Plan at the summit.",
     None, {(NATO, "oppose")}),
    # --- Ukraine in NATO: neutral and negatives ---
    ("Allies will discuss Ukraine's membership bid when they meet in July.",
     None, {(NATO, "neutral")}),
    ("Finland's accession made NATO's border with Russia twice as long.", None, set()),
    ("Sweden finally became a NATO member in March 2024 after Hungary's vote.", None, set()),
    ("The NATO summit opened on Tuesday with a long session on air defence procurement.",
     None, set()),
    ("Ukraine's EU membership talks could begin as early as next year.", None, set()),
    ("Georgia's bid to join NATO stalled after the short war of 2008.", None, set()),
    ('He mocked the "irreversible path" that allies had promised Ukraine.',
     None, {(NATO, "oppose")}),
    # --- foreign troops in Ukraine: support ---
    ("France is prepared to send troops to Ukraine as part of a reassurance force after a ceasefire.",
     None, {(TROOPS, "support")}),
    ("Britain will contribute soldiers to a multinational force in Ukraine once a peace deal is signed.",
     None, {(TROOPS, "support")}),
    ("Canada is ready to deploy troops to help secure a ceasefire in Ukraine.",
     None, {(TROOPS, "support")}),
    ("Sweden would not hesitate to join a peacekeeping force in Ukraine.",
     None, {(TROOPS, "support")}),
    # --- foreign troops in Ukraine: oppose ---
    ("There will be no German soldiers on Ukrainian soil, the chancellor said.",
     None, {(TROOPS, "oppose", "German soldiers")}),
    ("Any foreign troops in Ukraine would be a legitimate target for the Russian army.",
     None, {(TROOPS, "oppose")}),
    ("We are not going to send American troops to Ukraine.",
     None, {(TROOPS, "oppose", "American troops")}),
    ("Warsaw has no plans to station Polish troops in Ukraine.",
     None, {(TROOPS, "oppose")}),
    ("The minister called the idea of sending NATO troops to Ukraine dangerous nonsense.",
     None, {(TROOPS, "oppose")}),
    ("Moscow will never accept peacekeepers from NATO countries in Ukraine.",
     None, {(TROOPS, "oppose")}),
    ("There will be no US troops in Ukraine, but European troops should be part of any guarantee.",
     None, {(TROOPS, "oppose", "US troops"), (TROOPS, "support", "European troops")}),
    ("We will not send our soldiers to Ukraine, but a European force should go.",
     "france", {(TROOPS, "oppose", "French soldiers"), (TROOPS, "support", "European force")}),
    # --- foreign troops: negatives (exercises elsewhere, Russian or Ukrainian forces) ---
    ("NATO troops began a large exercise in Lithuania on Monday.", None, set()),
    ("Russian troops advanced near Pokrovsk in eastern Ukraine.", None, set()),
    ("Ukrainian soldiers repelled an overnight assault near Kharkiv.", None, set()),
    ("The Pentagon will move 3,000 troops to Poland and Romania.", None, set()),
    ("Moscow said its troops would stay in the occupied regions of Ukraine.", "russia", set()),
    ("The troops' morale is low, a commander said.", None, set()),
    # --- European burden-sharing: support ---
    ("Europe must provide the overwhelming share of the military aid to Ukraine.",
     None, {(BURDEN, "support")}),
    ("Every ally should spend at least 2 percent of GDP on defence.", None, {(BURDEN, "support")}),
    ("Germany will boost its defence budget to meet NATO's target, the chancellor pledged.",
     None, {(BURDEN, "support")}),
    ("Too many allies are still not paying their fair share for the alliance's protection.",
     None, {(BURDEN, "support")}),
    ("European nations must do the heavy lifting for their own security.",
     None, {(BURDEN, "support")}),
    ("Denmark pledged to raise military spending to 3.5% of GDP by 2030.",
     None, {(BURDEN, "support")}),
    # --- European burden-sharing: oppose ---
    ("Spain will not commit to the 5% target, the prime minister told NATO leaders.",
     None, {(BURDEN, "oppose")}),
    ("We already do enough for NATO's defence, and the 2% goal is arbitrary.",
     None, {(BURDEN, "oppose")}),
    ("A defence spending target of 5 percent is unrealistic for our country, he said.",
     None, {(BURDEN, "oppose")}),
    ("Washington must continue to carry the main load of the alliance's defence.",
     None, {(BURDEN, "oppose")}),
    # --- European burden-sharing: neutral and negatives ---
    ("The alliance will review its spending targets again in 2030.", None, {(BURDEN, "neutral")}),
    ("The new tariffs on European steel will cost exporters billions.", None, set()),
    ("The government raised spending on schools and hospitals by 5%.", None, set()),
    ("Germany's economy grew by 2% last year.", None, set()),
    ("Zelensky thanked NATO allies for the air defence systems.", None, set()),
    # --- composition on the parse ---
    ("If Western armies deploy troops to Ukraine, a direct conflict with Russia becomes unavoidable.",
     None, {(TROOPS, "oppose")}),
    ("Putting Dutch soldiers into Ukraine now would be a grave mistake.", None, {(TROOPS, "oppose")}),
    ("Joining NATO is the only way to keep Ukraine safe.", None, {(NATO, "support")}),
    ("Prague is not considering sending soldiers to Ukraine.", None, {(TROOPS, "oppose")}),
    ("The draft contains nothing that would close Ukraine's road to NATO.",
     None, {(NATO, "support")}),
    ("Several European allies still do not pay what they owe for the common defence.",
     None, {(BURDEN, "support")}),
    ("We will not spend more on the military just because Washington says so, the minister said.",
     None, {(BURDEN, "oppose")}),
    ("If the allies are not going to pay their share of the defence bill, America will act.",
     None, {(BURDEN, "support")}),
    ("We are not going to pay more for the alliance's defence budget.", None, {(BURDEN, "oppose")}),
    ("Kyiv will keep the NATO bid alive, but the summit is not the moment, the chancellor said.",
     None, {(NATO, "oppose")}),
    # --- general phrasings added for other writers' wording ---
    ("Letting Kyiv into the alliance now would be a non-starter, the Hungarian minister said.",
     None, {(NATO, "oppose")}),
    ("For the Kremlin, the alliance's expansion up to Ukraine's border is an existential danger.",
     None, {(NATO, "oppose")}),
    ("Kyiv's entry into NATO is only a matter of time, the Lithuanian president said.",
     None, {(NATO, "support")}),
    ("The Baltic leaders would have preferred a firmer invitation for Ukraine to join NATO.",
     None, {(NATO, "support")}),
    ("Whether Kyiv is admitted is for the allies to decide, the secretary general said.",
     None, {(NATO, "neutral")}),
    ("Allies scrapped the requirement for Ukraine to complete a Membership Action Plan, a step "
     "the foreign minister hailed.", None, {(NATO, "support")}),
    ("Putting Western soldiers in Ukraine would be a recipe for disaster, the Slovak premier warned.",
     None, {(TROOPS, "oppose")}),
    ("The reassurance force would not patrol the front line; it would guard cities and ports in "
     "Ukraine, the minister said.", None, {(TROOPS, "support")}),
    ("Any foreign contingent in Ukraine would become a legitimate military target, Moscow said.",
     None, {(TROOPS, "oppose")}),
    ("Sending troops to Ukraine is not on the cards, the chancellor said.",
     None, {(TROOPS, "oppose")}),
    ("Britain stands ready to put soldiers on the ground in Ukraine once a ceasefire holds.",
     None, {(TROOPS, "support")}),
    ("Washington accused Ottawa of failing to pay its way on defence.", None, {(BURDEN, "support")}),
    ("Rome fell short and failed to meet the 2% defence spending goal again, the president complained.",
     None, {(BURDEN, "support")}),
    ("Europe can no longer rely on America to guarantee its defence, the president said.",
     None, {(BURDEN, "support")}),
    ("Our country already does a great deal for the alliance's defence, the chancellor insisted.",
     None, {(BURDEN, "oppose")}),
    ("I will not take part in this race to ever higher military budgets, the party leader said.",
     None, {(BURDEN, "oppose")}),
    ("Aid to refugees should count towards the defence spending goal, the minister argued.",
     None, {(BURDEN, "oppose")}),
    ("Paris will keep supplying Kyiv with arms but will not join the war in Ukraine with its own "
     "soldiers, the president said.", None, {(TROOPS, "oppose")}),
    ("European capitals can no longer count on Washington to pay for their defence, he said.",
     None, {(BURDEN, "support")}),
    ("The allies could no longer rely on America to fill the holes left by years of cuts in "
     "defence budgets, the secretary general warned.", None, {(BURDEN, "support")}),
    ("The Netherlands is already the alliance's second-largest provider of troops and does plenty "
     "for NATO, the premier said.", None, {(BURDEN, "oppose")}),
    ("We refuse to take part in an arms race on military budgets, the party leader said.",
     None, {(BURDEN, "oppose")}),
    ("It would be premature to speak of Kyiv entering the alliance while fighting goes on, the "
     "minister said.", None, {(NATO, "oppose")}),
    ("It is unrealistic to expect that Ukraine will join NATO this decade, the envoy said.",
     None, {(NATO, "oppose")}),
    ("\"Why would we send our young men to die in Ukraine?\" the populist leader asked.",
     None, {(TROOPS, "oppose")}),
    ("Stationing Western soldiers inside Ukraine would be a grave error, the Slovak premier said.",
     None, {(TROOPS, "oppose")}),
    ("America can no longer be the main guarantor of Europe's security, the vice-president said.",
     None, {(BURDEN, "support")}),
    ("Europeans must take on more responsibility for the defence of their continent, she said.",
     None, {(BURDEN, "support")}),
    ("Kyiv can forget about joining NATO, the president told reporters.", None, {(NATO, "oppose")}),
    ("Berlin would join a peacekeeping mission in Ukraine only under a UN mandate, the minister said.",
     None, {(TROOPS, "support")}),
    ("Madrid argued that 2.1% of GDP is sufficient to meet its NATO capability goals.",
     None, {(BURDEN, "oppose")}),
    ("Moscow will treat any NATO presence in Ukraine as a threat, the Kremlin said.",
     None, {(TROOPS, "oppose")}),
    ("There will be no combat soldiers sent to Ukraine by Britain or its allies, the minister said.",
     None, {(TROOPS, "oppose")}),
    ("Most allies are still not spending what they should be spending on defence, the president "
     "complained.", None, {(BURDEN, "support")}),
    ("The Canadian premier declined to rule out sending soldiers to Ukraine after a truce.",
     None, {(TROOPS, "support")}),
    ("The Italian premier poured cold water on the idea of posting European troops in Ukraine.",
     None, {(TROOPS, "oppose")}),
    ("Lisbon says it will struggle to reach 2% of GDP on defence before the end of the decade.",
     None, {(BURDEN, "oppose")}),
    ("Moscow would treat Kyiv's accession to NATO as a declaration of war, the former president said.",
     None, {(NATO, "oppose")}),
    ("Berlin insists it is already pulling its weight in the alliance's defence.",
     None, {(BURDEN, "oppose")}),
    ("Kyiv will never be part of the alliance, the Russian envoy said.", None, {(NATO, "oppose")}),
    ("Bringing Ukraine into NATO would strengthen the whole alliance, the Finnish president said.",
     None, {(NATO, "support")}),
    ("A neutral Ukraine is the only path to a lasting settlement, the Kremlin said.",
     None, {(NATO, "oppose")}),
    ("The defence minister called NATO's open door for Kyiv a reckless provocation.",
     None, {(NATO, "oppose")}),
    ("The finance minister branded the 3.5% defence spending target an arbitrary priority.",
     None, {(BURDEN, "oppose")}),
    ("Membership of NATO for Kyiv is an unrealistic objective, the US envoy said.",
     None, {(NATO, "oppose")}),
    ("Western soldiers in Ukraine would be regarded as invaders and considered occupiers, the "
     "Kremlin spokesman said.", None, {(TROOPS, "oppose")}),
    ("Spanish troops would go to Ukraine only under a UN flag, the foreign minister said.",
     None, {(TROOPS, "support")}),
    ("Canadian soldiers could help police a ceasefire in Ukraine, the prime minister said.",
     None, {(TROOPS, "support")}),
    # --- two topics in one statement ---
    ("We will raise defence spending, but we will not send troops to Ukraine.",
     None, {(BURDEN, "support"), (TROOPS, "oppose")}),
    # --- other writers' wording: burden-sharing (wire, op-ed, live blog, translated) ---
    ("European allies must finally pull their weight, the US ambassador to NATO told reporters.",
     None, {(BURDEN, "support")}),
    ("Europe has to take charge of its own security, the French president said in a speech.",
     None, {(BURDEN, "support")}),
    ("Washington cannot foot the bill forever, the senator wrote in an op-ed.",
     None, {(BURDEN, "support")}),
    ("Defence budgets across the continent must rise to 3.5 per cent, the secretary general said.",
     None, {(BURDEN, "support")}),
    ("Canada will meet the NATO spending guideline by 2030, Ottawa announced on Tuesday.",
     None, {(BURDEN, "support")}),
    ("The free-riders in Europe have had it too easy for decades, the former president said.",
     None, {(BURDEN, "support")}),
    ("Europeans are sheltering under the American umbrella without paying for it, he argued.",
     None, {(BURDEN, "support")}),
    ("The burden should be shared more fairly between the two sides of the Atlantic, she said.",
     None, {(BURDEN, "support")}),
    ("Belgium will increase its defence outlays by a third next year, the government said.",
     None, {(BURDEN, "support")}),
    ("The military budget will rise to 2.5 percent of economic output, the chancellor said.",
     None, {(BURDEN, "support")}),
    ("NATO members must invest far more in their armed forces, the secretary general urged.",
     None, {(BURDEN, "support")}),
    ("The allies need to shoulder a bigger part of the cost of Ukraine's defence, the envoy said.",
     None, {(BURDEN, "support")}),
    ("European countries should stop relying on American protection, the senator said.",
     None, {(BURDEN, "support")}),
    ("Poland now spends more than 4% of GDP on its army and others must follow, Warsaw said.",
     None, {(BURDEN, "support")}),
    ("European governments must step up and spend more on their own defence, the authors wrote.",
     None, {(BURDEN, "support")}),
    ("Washington expects its European partners to carry a far larger share of the load, the "
     "official said.", None, {(BURDEN, "support")}),
    ("Europe must become responsible for its own defence, the German chancellor said.",
     None, {(BURDEN, "support")}),
    ("America is done subsidising the security of wealthy European nations, the vice president "
     "said.", None, {(BURDEN, "support")}),
    ("The alliance agreed to lift its spending benchmark to 5 per cent of GDP by 2035.",
     None, {(BURDEN, "support")}),
    ("The alliance's European members must take greater responsibility for their security, the "
     "Pentagon chief said.", None, {(BURDEN, "support")}),
    ("Lithuania will raise defence expenditure to 5-6% of GDP from next year, the president "
     "announced.", None, {(BURDEN, "support")}),
    ("The continent's governments must put more money into their armies, the Pentagon said.",
     None, {(BURDEN, "support")}),
    ("European members of the alliance are not carrying their share, the US ambassador complained.",
     None, {(BURDEN, "support")}),
    ("Berlin will lift its defence budget to 3.5% by 2029, the finance ministry said.",
     None, {(BURDEN, "support")}),
    ("Americans should not pay for the protection of rich Europeans, the candidate told a rally.",
     None, {(BURDEN, "support")}),
    ("Ottawa will reach the alliance's 2 per cent benchmark this year, the defence minister said.",
     None, {(BURDEN, "support")}),
    ("Europe can no longer outsource its security to Washington, the commission president said.",
     None, {(BURDEN, "support")}),
    ("Allies should share the costs of arming Ukraine more evenly, the Dutch premier said.",
     None, {(BURDEN, "support")}),
    ("Belgium cannot triple its military budget overnight, the prime minister said.",
     None, {(BURDEN, "oppose")}),
    ("14:05 – Spain's Sánchez: 2.1% of GDP on defence is sufficient and realistic",
     None, {(BURDEN, "oppose")}),
    ("Allies are considering a new timeline for the defence investment pledge, diplomats said.",
     None, {(BURDEN, "neutral")}),
    # near misses: percentages and budgets outside defence, trade
    ("The tariffs on European cars will rise to 25 percent, the commerce secretary said.",
     None, set()),
    ("The health budget will rise to 8 per cent of GDP, the minister said.", None, set()),
    ("Europe must pay more for its own energy security, the commissioner said.", None, set()),
    ("The government will raise education spending by 3%, the premier pledged.", None, set()),
    ("Trade tariffs on European goods will rise to 20 percent, the White House said.", None, set()),
    ("The education budget will grow by 4 per cent, the Spanish government said.", None, set()),
    # --- other writers' wording: Ukraine in NATO ---
    ("Ukraine deserves a seat at the table in the alliance, the Polish president said.",
     None, {(NATO, "support")}),
    ("Kyiv should receive an invitation to the alliance at the summit, the Baltic ministers urged.",
     None, {(NATO, "support")}),
    ("Alliance membership for Kyiv is not on the table in any peace talks, the US envoy said.",
     None, {(NATO, "oppose")}),
    ("The minister reaffirmed support for Kyiv's Euro-Atlantic aspirations.", None, {(NATO, "support")}),
    ("There will be no fast track into NATO for Ukraine, the German chancellor said.",
     None, {(NATO, "oppose")}),
    ("Kyiv will never be allowed to join the Western military bloc, the Kremlin spokesman said.",
     None, {(NATO, "oppose")}),
    ("Ukraine will one day join NATO, the secretary general said, without giving a date.",
     None, {(NATO, "support")}),
    ("Hungary said it would veto any move to bring Ukraine into NATO.", None, {(NATO, "oppose")}),
    ("We are ready to give up the NATO bid in exchange for security guarantees.",
     "ukraine", {(NATO, "oppose")}),
    ("Ukraine will not be offered membership at next month's summit, diplomats said.",
     None, {(NATO, "oppose")}),
    ("The foreign secretary said Ukraine's path to the alliance was irreversible.",
     None, {(NATO, "support")}),
    ("Moscow demands a legally binding pledge that NATO will not admit Ukraine.",
     None, {(NATO, "oppose")}),
    ("Allies remain divided over whether to invite Kyiv, and a decision will be taken later, "
     "officials said.", None, {(NATO, "neutral")}),
    ("Ukraine must be given a clear invitation to join the alliance, the Estonian premier said.",
     None, {(NATO, "support")}),
    ("There can be no talk of Kyiv joining the alliance while the war continues, the chancellor "
     "said.", None, {(NATO, "oppose")}),
    ("Moscow will never accept Ukraine in the Western military alliance, Lavrov said.",
     None, {(NATO, "oppose")}),
    ("Kyiv's accession to the North Atlantic Treaty remains the goal, the foreign minister said.",
     None, {(NATO, "support")}),
    ("NATO should close the door to Ukraine once and for all, the Hungarian premier said.",
     None, {(NATO, "oppose")}),
    ("Zelensky's demand for a NATO invitation this year is premature, the Slovak premier said.",
     None, {(NATO, "oppose")}),
    ("Sweden's membership of NATO was ratified by Turkey in January.", None, set()),
    # --- other writers' wording: foreign troops in Ukraine ---
    ("Britain is willing to put boots on the ground in Ukraine to guarantee a peace deal, the "
     "prime minister said.", None, {(TROOPS, "support")}),
    ("A Western contingent in Ukraine would be a legitimate target, Moscow warned.",
     None, {(TROOPS, "oppose")}),
    ("France and Britain are leading plans for a stabilisation force in Ukraine after a ceasefire.",
     None, {(TROOPS, "support")}),
    ("Paris is ready to deploy instructors to western Ukraine, the armed forces minister said.",
     None, {(TROOPS, "support")}),
    ("We won't send our soldiers to Ukraine, the Italian premier said.", None, {(TROOPS, "oppose")}),
    ("A European force to guarantee a ceasefire in Ukraine is essential, the foreign secretary said.",
     None, {(TROOPS, "support")}),
    ("Warsaw ruled out sending Polish soldiers across the border into Ukraine.",
     None, {(TROOPS, "oppose")}),
    ("The Kremlin rejected the idea of European peacekeepers in Ukraine outright.",
     None, {(TROOPS, "oppose")}),
    ("Rome will not take part in any mission in Ukraine involving troops, the defence minister said.",
     None, {(TROOPS, "oppose")}),
    ("Dispatching Western soldiers to Ukraine would drag NATO into the war, Budapest warned.",
     None, {(TROOPS, "oppose")}),
    ("Nordic countries could contribute troops to a reassurance mission in Ukraine, the Danish "
     "premier said.", None, {(TROOPS, "support")}),
    ("Live: Macron says sending Western ground troops to Ukraine cannot be excluded",
     None, {(TROOPS, "support")}),
    ("Britain is prepared to deploy British troops to Ukraine to help secure a peace deal, Starmer "
     "wrote.", None, {(TROOPS, "support")}),
    ("No Italian soldier will be sent to Ukraine, Meloni said.", None, {(TROOPS, "oppose")}),
    ("European peacekeepers on Ukrainian territory would be unacceptable to Russia, the Kremlin said.",
     None, {(TROOPS, "oppose")}),
    ("A multinational force could be stationed in western Ukraine after a truce, the French "
     "minister said.", None, {(TROOPS, "support")}),
    ("Poland will not send troops but will provide logistics for a force in Ukraine, Warsaw said.",
     None, {(TROOPS, "oppose")}),
    ("Czech soldiers began a NATO exercise in Estonia on Monday.", None, set()),
    ("Russian troops seized another village in Donetsk.", None, set()),
    ("NATO soldiers trained in Germany this week.", None, set()),
    # --- a third, later batch of other writers' wording ---
    ("The days when Europe could count on Uncle Sam to protect it are over, the minister said.",
     None, {(BURDEN, "support")}),
    ("Allies that fall short of the 2% threshold should face consequences, the senator said.",
     None, {(BURDEN, "support")}),
    ("Denmark will spend an extra 50 billion kroner on its armed forces, the premier announced.",
     None, {(BURDEN, "support")}),
    ("It is time for Europe to stand on its own feet militarily, the German chancellor said.",
     None, {(BURDEN, "support")}),
    ("European nations have freeloaded on American security for too long, the Republican said.",
     None, {(BURDEN, "support")}),
    ("Ireland has no plans to raise its defence budget significantly, the Taoiseach said.",
     None, {(BURDEN, "oppose")}),
    ("Portugal said reaching 2 per cent of national income on defence this year would be hard.",
     None, {(BURDEN, "oppose")}),
    ("The Europeans must assume a greater part of the financial burden, the State Department said.",
     None, {(BURDEN, "support")}),
    ("Tokyo and Canberra also lift their military spending, analysts noted.", None, set()),
    ("The Chancellor announced a rise in spending on the NHS to 3 per cent.", None, set()),
    ("Kyiv's membership bid enjoys broad support among eastern allies, the Estonian minister said.",
     None, {(NATO, "support")}),
    ("Ukraine should be a neutral country like Austria, Moscow's ambassador said.",
     None, {(NATO, "oppose")}),
    ("The alliance's doors must remain open to Ukraine, the Czech president said.",
     None, {(NATO, "support")}),
    ("No ally is pushing to give Kyiv an invitation this year, a senior diplomat said.",
     None, {(NATO, "oppose")}),
    ("Britain would be prepared to station troops in Ukraine, the defence secretary confirmed.",
     None, {(TROOPS, "support")}),
    ("The Dutch government is open to sending a contingent to Ukraine after a truce.",
     None, {(TROOPS, "support")}),
    ("The Kremlin said any Western soldiers on Ukrainian soil would be destroyed.",
     None, {(TROOPS, "oppose")}),
    ("Spain has no intention of sending its troops to Ukraine, the defence minister said.",
     None, {(TROOPS, "oppose")}),
    ("Putting European boots on Ukrainian soil is a precondition for a lasting peace, the Finnish "
     "president said.", None, {(TROOPS, "support")}),
    ("Berlin is sceptical about a European deployment to Ukraine, the minister said.",
     None, {(TROOPS, "oppose")}),
    ("Allied troops in Estonia will be reinforced next spring.", None, set()),
    # --- how other writers report a position (idioms of backing and rejecting) ---
    ("Paris threw its weight behind Ukraine's bid to join NATO on Monday.", None, {(NATO, "support")}),
    ("Berlin came out against an invitation for Kyiv to join the alliance.",
     None, {(NATO, "oppose")}),
    ("Rome signalled openness to sending peacekeepers to Ukraine after a truce.",
     None, {(TROOPS, "support")}),
    ("The Hungarian premier nixed the idea of a fast track for Ukraine's NATO membership.",
     None, {(NATO, "oppose")}),
    ("London gave the green light to British participation in a reassurance force in Ukraine.",
     None, {(TROOPS, "support")}),
    ("Lisbon voiced support for Kyiv's NATO membership.", None, {(NATO, "support")}),
    ("Bratislava expressed opposition to any NATO membership for Ukraine.", None, {(NATO, "oppose")}),
    ("Washington has warmed to the idea of European troops in Ukraine, officials said.",
     None, {(TROOPS, "support")}),
    ("The minister resisted calls to raise defence spending to 5 per cent.", None, {(BURDEN, "oppose")}),
    ("Athens lent its backing to the 5 per cent defence spending target.", None, {(BURDEN, "support")}),
    ("Madrid has balked at the NATO defence spending target of 5% of GDP.", None, {(BURDEN, "oppose")}),
    ("Denmark's premier championed higher defence spending across Europe.",
     None, {(BURDEN, "support")}),
    ("The chancellor shot down suggestions that German troops could go to Ukraine.",
     None, {(TROOPS, "oppose")}),
    ("Kyiv hailed the decision to open the path to NATO membership.", None, {(NATO, "support")}),
    ("The Kremlin slammed plans for a Western force in Ukraine as a provocation.",
     None, {(TROOPS, "oppose")}),
    ("Ottawa is firmly behind the new 5 per cent defence spending goal, the minister said.",
     None, {(BURDEN, "support")}),
    ("The Slovak leader said he would torpedo any bid to let Ukraine join NATO.",
     None, {(NATO, "oppose")}),
    ("Britain and France are in favour of a European peacekeeping mission in Ukraine.",
     None, {(TROOPS, "support")}),
    ("The Czech president is a strong advocate of Ukraine's NATO membership.",
     None, {(NATO, "support")}),
    ("Rome remains cool on sending Italian troops to Ukraine.", None, {(TROOPS, "oppose")}),
    ("Warsaw has welcomed the new NATO target for defence spending.", None, {(BURDEN, "support")}),
    pytest.param("Vienna gave the cold shoulder to calls for European troops in Ukraine.",
                 None, {(TROOPS, "oppose")},
                 marks=pytest.mark.xfail(reason="'cold shoulder to calls for': the verdict does "
                                                "not govern through 'to'")),
    pytest.param("The coalition is at odds over the 3.5% defence spending goal, with the Greens "
                 "against it.", None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="'with X against it': a party's stance in an "
                                                "absolute clause")),
    # --- translated and continental wording of burden-sharing ---
    ("France will pursue its defence effort and Europe must do the same, the president declared.",
     None, {(BURDEN, "support")}),
    ("The Baltic states want every ally to devote a larger percentage of its wealth to armaments.",
     None, {(BURDEN, "support")}),
    ("Military expenses must grow in all European countries, the Polish minister said.",
     None, {(BURDEN, "support")}),
    ("Germany will exempt defence from the debt rules so that it can rearm, the chancellor said.",
     None, {(BURDEN, "support")}),
    ("Europe must be able to defend itself without the Americans, the French president said.",
     None, {(BURDEN, "support")}),
    ("The Americans have carried Europe's security on their shoulders for too long, he said.",
     None, {(BURDEN, "support")}),
    ("Hungary says its armed forces budget is already above the alliance minimum.",
     None, {(BURDEN, "oppose")}),
    ("The European allies agreed to increase their contributions to the common defence.",
     None, {(BURDEN, "support")}),
    ("Spain's defence outlay is the lowest in the alliance, the US envoy complained.",
     None, {(BURDEN, "support")}),
    ("Berlin will double funding for the armed forces, the coalition agreed.",
     None, {(BURDEN, "support")}),
    ("Oslo will raise spending on defence by a fifth, the government said.", None, {(BURDEN, "support")}),
    ("Europe cannot keep relying on others to protect it, the Dutch minister said.",
     None, {(BURDEN, "support")}),
    ("Europeans, not Americans, should be responsible for the security of their continent.",
     None, {(BURDEN, "support")}),
    ("« Nous devons augmenter nos dépenses militaires », a insisté le ministre.",
     None, {(BURDEN, "support")}),
    ("„Wir müssen die Verteidigungsausgaben erhöhen“, sagte der Kanzler.",
     None, {(BURDEN, "support")}),
    ("Ukraine must be able to defend itself, the minister said.", None, set()),
    ("Kyiv cannot win this war without the Americans, the analyst said.", None, set()),
    ("The euro fell to its lowest level against the dollar, traders said.", None, set()),
    pytest.param("The alliance's two per cent floor is a ceiling for some members, the secretary "
                 "general regretted.", None, {(BURDEN, "support")},
                 marks=pytest.mark.xfail(reason="'a floor treated as a ceiling': a metaphor")),
    # --- known misses ---
    pytest.param("The goal of 5 per cent is neither realistic nor necessary, the Belgian prime "
                 "minister said.", None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="no defence word in the sentence: needs the article")),
    pytest.param("Europe needs to invest massively in its defence industry, the commissioner argued.",
                 None, {(BURDEN, "support")},
                 marks=pytest.mark.xfail(reason="the defence industry is not yet a burden cue")),
    pytest.param("Admitting Ukraine now would drag the alliance into a war with Russia, the Slovak "
                 "premier warned.", None, {(NATO, "oppose")},
                 marks=pytest.mark.xfail(reason="'drag into a war': two harms multiply to support")),
    pytest.param("Madrid says 2.1% is enough to fulfil its commitments.", None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="no defence word in the sentence: needs the article")),
    pytest.param("We will not be bullied into arbitrary spending targets, the Spanish premier said.",
                 None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="no defence word in the sentence: needs the article")),
    pytest.param("Rome insisted that its spending pledge was already ambitious enough.",
                 None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="no defence word in the sentence: needs the article")),
    pytest.param("Slovakia rejected the 5 percent goal as a waste of money it cannot afford.",
                 None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="no defence word in the sentence: needs the article")),
    pytest.param("Spain will not sacrifice its welfare state to meet a 5 per cent goal, Sánchez said.",
                 None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="welfare excludes it and nothing names defence")),
    pytest.param("Italy will not be able to reach the target before 2035, the defence minister "
                 "conceded.", None, {(BURDEN, "oppose")},
                 marks=pytest.mark.xfail(reason="'the target' only follows up a named topic")),
    pytest.param("As the minister put it, the Old Continent must assume the defence of itself.",
                 None, {(BURDEN, "support")},
                 marks=pytest.mark.xfail(reason="'defence of itself': no cue for the reflexive")),
    pytest.param("Germany will not deploy the Bundeswehr in Ukraine, the chancellor said.",
                 None, {(TROOPS, "oppose")},
                 marks=pytest.mark.xfail(reason="army names are not troop cues: as often budgets")),
    pytest.param("The number of troops in a possible force for Ukraine will be discussed on "
                 "Thursday, officials said.", None, {(TROOPS, "neutral")},
                 marks=pytest.mark.xfail(reason="'possible' outweighs 'will be discussed'")),
    pytest.param("Ukraine's membership of the North Atlantic alliance is a matter for Kyiv and the "
                 "allies alone, he said.", None, {(NATO, "support")},
                 marks=pytest.mark.xfail(reason="'a matter for Kyiv alone' implies support")),
    # --- "allies spending barely 2% could not expect Washington to keep paying": the participle
    # describes the allies, and it is Washington that is not to keep paying ---
    ("The official said allies spending barely 2% on defence could not expect Washington to keep paying for "
     "their defence.", None, {(BURDEN, "support")}),
    # --- an open question is undecided; an ideal is wished for ---
    ("It depended on whether Kyiv met the criteria for NATO membership, he said, and that question remained open.",
     None, {(NATO, "neutral")}),
    ("The summit went well, she said, though an invitation to join NATO would have been the ideal outcome for "
     "Ukraine.", None, {(NATO, "support")}),
    # --- "A, not B": B is denied ---
    ("He said the administration wanted a lasting peace for Ukraine, not a repeat of past promises of NATO "
     "membership.", None, {(NATO, "oppose")}),
    ("She said Kyiv needed an invitation to NATO, not a promise.", None, {(NATO, "support")}),
    # --- "is not something X would do" denies what the relative clause says ---
    ("Membership for Ukraine, he said, was not something the United States was prepared to extend.", None,
     {(NATO, "oppose")}),
    ("Membership for Ukraine, he said, was something the United States was prepared to extend.", None,
     {(NATO, "support")}),
    # --- a course of conflict as a consequence opposes ---
    ("Any deployment of Western troops to Ukraine would put Russia and NATO on a collision course, she said.", None,
     {(TROOPS, "oppose")}),
    # --- a cue buried three prepositional phrases down names something; it takes no position ---
    ("Washington does not see NATO membership for Ukraine as part of any settlement of the war with Russia, "
     "she said.", None, {(NATO, "oppose")}),
    # --- a timing hedge says when, not whether ---
    ("My own view is that Ukraine should eventually be in NATO, she said.", None, {(NATO, "support")}),
    ("Ukraine might eventually be in NATO, he said.", None, {(NATO, "neutral")}),
    # --- a main-clause "would" foretells: the topic phrase itself supports ---
    ("Ukraine, she said, would be in NATO within ten years.", None, {(NATO, "support")}),
    ("He said a Membership Action Plan for Ukraine would be a real signal to Moscow.", None, {(NATO, "support")}),
    # --- support as a subject talked about, with no verdict on it, is described, not held ---
    ("She said Ukraine should not be brought into the alliance, and that public support for its membership "
     "also mattered.", None, {(NATO, "oppose")}),
    ("Public support for Ukraine's NATO membership is growing in Germany, he said.", None, {(NATO, "neutral")}),
    ("Support for Ukraine's NATO membership is essential, he said.", None, {(NATO, "support")}),
    # --- "rule out" with its object in between ---
    ("Sweden did not rule anything out when it came to a future peacekeeping force in Ukraine, the minister said.",
     None, {(TROOPS, "support")}),
    ("France rules nothing out on sending troops to Ukraine, he said.", None, {(TROOPS, "support")}),
    ("Asked about troops for Ukraine, he said Britain would rule it out.", None, {(TROOPS, "oppose")}),
    # --- denying a past promise corrects the record; it takes no side ---
    ("She said that allies had never promised that Ukraine's membership would be part of a peace deal.", None,
     {(NATO, "neutral")}),
    ("He said the alliance never agreed that Ukraine's membership would come before the war ends.", None,
     {(NATO, "neutral")}),
    ("She said that allies had promised that Ukraine's membership would be part of a peace deal.", None,
     {(NATO, "support")}),
    ("Germany never agreed to send troops to Ukraine, he said.", None, {(TROOPS, "oppose")}),
    # --- coordinated verdicts on one subject agree: they count once, not as a double negative ---
    ("Sending troops to Ukraine would be reckless and dangerous, she said.", None, {(TROOPS, "oppose")}),
    ("She said that spending five per cent of GDP on defence would be unrealistic and unaffordable.", None,
     {(BURDEN, "oppose")}),
    # --- "not A but B" corrects A, it denies nothing; a denied clause before "but" stays denied ---
    ("If European troops were sent to Ukraine, a direct conflict with Russia would be not a risk but a certainty, "
     "he said.", None, {(TROOPS, "oppose")}),
    ("European troops are not going to Ukraine but would defend every ally, he said.", None, {(TROOPS, "oppose")}),
    # --- "no X and no Y": coordinated denials are one denial, not two that cancel ---
    ("There would be no tanks and no soldiers on Ukrainian soil sent there by any ally, he said.", None,
     {(TROOPS, "oppose")}),
    # --- carrying more of the load, the main burden, the larger part of the bill ---
    ("European members should now carry more of the load for their own conventional defence, he said.",
     None, {(BURDEN, "support")}),
    ("Europe must take on the main burden of defending its own continent, the senator said.", None,
     {(BURDEN, "support")}),
    # --- disagreeing is opposing; not disagreeing is agreeing ---
    ("He said he did not disagree that Europeans should spend more on defence.", None, {(BURDEN, "support")}),
    ("She disagreed that Ukraine should join NATO before the war ends.", None, {(NATO, "oppose")}),
    # --- a participle after a comma adds what followed, not the speaker's stance ---
    ("She told senators that European allies must spend more on defence so that America can focus on Asia, "
     "drawing pushback from both parties.", None, {(BURDEN, "support")}),
    # --- the European Union's own enlargement is not NATO membership ---
    ("The bloc's leaders voted to start membership negotiations with Ukraine next spring, she said.", None, set()),
    ("He vetoed the EU budget for Ukraine and said its accession would hurt farmers.", None, set()),
    # --- a verdict given with "as", and by regard/see/view ---
    ("She described sending troops to Ukraine as dangerous.", None, {(TROOPS, "oppose")}),
    ("Berlin sees sending troops to Ukraine as dangerous, the spokesman said.", None, {(TROOPS, "oppose")}),
    # --- judging a lack negatively asks for the thing lacked ---
    ("He called the absence of a timeline for Ukraine's membership unprecedented and absurd.", None,
     {(NATO, "support")}),
    ("The lack of support for Ukraine's NATO membership is a mistake, she said.", None, {(NATO, "support")}),
    ("He called the timeline for Ukraine's membership unprecedented and absurd.", None, {(NATO, "oppose")}),
    # --- a denial limited to the present leaves the question open ---
    ("Sending Danish soldiers to Ukraine is not on the agenda for now, the minister said.", None,
     {(TROOPS, "neutral")}),
    ("Britain is not ready to send troops to Ukraine at present, the minister said.", None,
     {(TROOPS, "neutral")}),
    ("Britain is not ready to send troops to Ukraine in the coming weeks, the minister said.", None,
     {(TROOPS, "neutral")}),
    ("Britain is not ready to send troops to Ukraine, the minister said.", None,
     {(TROOPS, "oppose")}),
    ("Sending Danish soldiers to Ukraine is not on the agenda, the minister said.", None,
     {(TROOPS, "oppose")}),
    pytest.param("Ukraine joining NATO is about as likely as snow in the Sahara in July.",
                 None, {(NATO, "oppose")},
                 marks=pytest.mark.xfail(reason="irony: no cue word carries the stance")),
    pytest.param("Whether Ukraine joins is for Kyiv and the thirty-two allies to decide, not Moscow.",
                 None, {(NATO, "support")},
                 marks=pytest.mark.xfail(reason="denying Moscow a say implies support; read as neutral")),
]


@pytest.mark.parametrize("text, group, expected", CASES)
def test_table(tagger, text, group, expected):
    tags = tagger.tag(statement(text, group))
    assert outcome(tags, expected) == expected, [(t.topic, t.stance, t.target, t.rule, t.cue)
                                                  for t in tags]


def test_tags_keep_their_evidence(tagger, codebook):
    text = "Membership for Ukraine is not realistic at this stage."
    st = statement(text)
    [tag] = tagger.tag(st)
    assert tag.statement_id == st.id
    assert tag.codebook_version == codebook.version
    assert tag.cue and tag.topic_cue and tag.rule
    assert tag.negated is False or tag.cue  # the deciding cue is kept either way
    assert -1 <= tag.score < 0 and 0 < tag.confidence <= 1


def test_negated_support_cue_is_flagged(tagger):
    [tag] = tagger.tag(statement("He does not believe that NATO membership for Kyiv is realistic."))
    assert (tag.stance, tag.negated, tag.rule) == ("oppose", True, "negated-support-cue")


def test_cannot_be_ruled_out_is_weak_support(tagger):
    [tag] = tagger.tag(statement("Sending Western troops to Ukraine cannot be ruled out."))
    assert tag.stance == "support"
    assert 0.3 <= tag.score <= 0.5
    assert tag.modality == "cannot"


def test_modality_is_kept(tagger):
    [tag] = tagger.tag(statement("Europe must provide the overwhelming share of the aid to Ukraine."))
    assert tag.modality == "must"


def test_scores_follow_stances(tagger):
    for text, _, expected in [c for c in CASES if not hasattr(c, "marks")]:
        for tag in tagger.tag(statement(text)):
            assert -1 <= tag.score <= 1 and 0 <= tag.confidence <= 1
            if tag.stance == "support":
                assert tag.score > 0
            elif tag.stance == "oppose":
                assert tag.score < 0


def test_statement_inside_a_whole_document(tagger):
    text = ("The summit ended late.\n\nAsked about Ukraine's bid to join the alliance, the minister"
            ' was blunt. "It is not realistic for now," he said.')
    quote = "It is not realistic for now,"
    doc = tagger.nlp(text)
    st = statement(quote, start=text.index(quote))
    [tag] = tagger.tag(st, doc=doc)
    assert (tag.topic, tag.stance) == (NATO, "oppose")
    assert tag.rule.endswith("+context")
    assert tag.topic_cue == "bid to join"


def test_topic_is_not_borrowed_across_paragraphs(tagger):
    text = "Ukraine's bid to join the alliance was on the table.\n\nIt is not realistic, he said."
    part = "It is not realistic, he said."
    st = statement(part, start=text.index(part))
    assert tagger.tag(st, doc=tagger.nlp(text)) == []


def test_statement_in_a_sentence_doc(tagger):
    """The extractor may hand over the Doc of the statement's sentence, not the document."""
    sentence = "There will be no troops on Ukrainian soil, the chancellor said."
    st = statement(sentence, start=500)
    [tag] = tagger.tag(st, doc=tagger.nlp(sentence))
    assert (tag.topic, tag.stance) == (TROOPS, "oppose")


def test_same_result_with_or_without_doc(tagger):
    text = "Germany will raise defence spending to 2 percent of GDP."
    st = statement(text)
    assert tagger.tag(st) == tagger.tag(st, doc=tagger.nlp(text))


def test_follow_up_on_a_topic_named_by_the_previous_statement(tagger):
    first = "Every ally should spend 2 percent of GDP on defence, the president said."
    second = "We need to do more, and we will do more."
    tags_first = tagger.tag(statement(first, doc_id="memo", start=0))
    [tag] = tagger.tag(statement(second, doc_id="memo", start=len(first) + 1))
    assert {(t.topic, t.stance) for t in tags_first} == {(BURDEN, "support")}
    assert (tag.topic, tag.stance) == (BURDEN, "support")
    assert tag.rule.endswith("+followup")
    assert tagger.tag(statement(second, doc_id="fresh")) == []  # nothing to follow up on


def test_no_topic_no_tags(tagger):
    assert tagger.tag(statement("The weather in Brussels was grey and wet all week.")) == []


def test_america_refusing_to_pay_supports_burden_sharing(tagger):
    text = "Washington should not spend more on Europe's security, the senator said."
    [tag] = tagger.tag(statement(text))
    assert (tag.topic, tag.stance, tag.rule) == (BURDEN, "support", "counterpart-refuses")
    [tag] = tagger.tag(statement("Germany will not pay more for NATO, the finance minister said."))
    assert (tag.topic, tag.stance) == (BURDEN, "oppose")  # anyone else refusing opposes


def test_context_inside_the_cue_does_not_answer_an_exclude(tagger):
    # "GDP" is context for burden-sharing, but it sits inside the cue "per cent of GDP".
    assert tagger.tag(statement("Health spending will rise to 7 per cent of GDP, she said.")) == []
    [tag] = tagger.tag(statement("Defence spending will rise to 3 per cent of GDP, she said."))
    assert (tag.topic, tag.stance) == (BURDEN, "support")


@pytest.mark.parametrize("echo", ["Lisbon says the same.", "The Danish minister said much the same of Denmark.",
                                  "Asked whether he agreed, the nominee said he did."])
def test_saying_the_same_takes_the_previous_statements_topic_and_stance(tagger, echo):
    first = "Madrid will not send soldiers to Ukraine, the minister said."
    tags_first = tagger.tag(statement(first, doc_id=f"echo-{echo}", start=0))
    tags = tagger.tag(statement(echo, doc_id=f"echo-{echo}", start=len(first) + 1))
    assert {(t.topic, t.stance) for t in tags_first} == {(TROOPS, "oppose")}
    assert [(t.topic, t.stance, t.rule) for t in tags] == [(TROOPS, "oppose", "echoes-previous")]
    assert tagger.tag(statement(echo, doc_id=f"fresh-{echo}")) == []  # nothing to echo



def test_cue_texts_are_the_phrases_as_the_doc_spans_give_them(tagger):
    from spacy.tokens import Doc

    from etl.topics import WINDOW_TEXT
    nlp = tagger.nlp
    parts = list(nlp.pipe(["Allies must spend  more on defence. ", "NATO membership for Ukraine is irreversible.\n\n",
                           "Troops could be deployed to Ukraine."]))
    window = Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor", "user_data"])
    window.user_data[WINDOW_TEXT] = "".join(p.text for p in parts)
    for doc in (*parts, window):
        cues = tagger.matcher(doc)
        assert cues and [c.text for c in cues] == [doc[c.start:c.end].text for c in cues]
