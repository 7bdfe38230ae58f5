"""Dutch strong and irregular verbs: the forms that no spelling rule can make.

One line per verb: infinitive, past singular, past plural, participle; `/` separates
variants. Present-tense forms that are not regular are listed after a `|`. Prefixed verbs
(`bespreken`, `afspreken`, `voorkomen`) are not listed: `coach.language.forms` builds them
from their base verb (`spreken`, `komen`).
"""

from __future__ import annotations

_TABLE = """
bakken bakte bakten gebakken
bederven bedierf bedierven bedorven
bedriegen bedroog bedrogen bedrogen
beginnen begon begonnen begonnen
bergen borg borgen geborgen
bevelen beval bevalen bevolen
bewegen bewoog bewogen bewogen
bidden bad baden gebeden
bieden bood boden geboden
bijten beet beten gebeten
binden bond bonden gebonden
blazen blies bliezen geblazen
blijken bleek bleken gebleken
blijven bleef bleven gebleven
braden braadde braadden gebraden
breken brak braken gebroken
brengen bracht brachten gebracht
buigen boog bogen gebogen
denken dacht dachten gedacht
doen deed deden gedaan | doe doet
dragen droeg droegen gedragen
drijven dreef dreven gedreven
dringen drong drongen gedrongen
drinken dronk dronken gedronken
duiken dook doken gedoken
dwingen dwong dwongen gedwongen
eten at aten gegeten
gaan ging gingen gegaan | ga gaat
gelden gold golden gegolden
genieten genoot genoten genoten
geven gaf gaven gegeven
glijden gleed gleden gegleden
graven groef groeven gegraven
grijpen greep grepen gegrepen
hangen hing hingen gehangen
hebben had hadden gehad | heb hebt heeft
heffen hief hieven geheven
helpen hielp hielpen geholpen
heten heette heetten geheten
houden hield hielden gehouden | hou
jagen joeg/jaagde joegen/jaagden gejaagd
kiezen koos kozen gekozen
kijken keek keken gekeken
klimmen klom klommen geklommen
klinken klonk klonken geklonken
knijpen kneep knepen geknepen
komen kwam kwamen gekomen | kom komt
kopen kocht kochten gekocht
krijgen kreeg kregen gekregen
krimpen kromp krompen gekrompen
kruipen kroop kropen gekropen
kunnen kon konden gekund | kan kunt kun
lachen lachte lachten gelachen
laden laadde laadden geladen
laten liet lieten gelaten
lezen las lazen gelezen
liegen loog logen gelogen
liggen lag lagen gelegen
lijden leed leden geleden
lijken leek leken geleken
lopen liep liepen gelopen
meten mat maten gemeten
mijden meed meden gemeden
moeten moest moesten gemoeten
mogen mocht mochten gemogen | mag
nemen nam namen genomen
prijzen prees prezen geprezen
raden raadde/ried raadden/rieden geraden
rijden reed reden gereden
rijzen rees rezen gerezen
roepen riep riepen geroepen
ruiken rook roken geroken
scheiden scheidde scheidden gescheiden
schelden schold scholden gescholden
schenken schonk schonken geschonken
scheppen schiep schiepen geschapen
schieten schoot schoten geschoten
schijnen scheen schenen geschenen
schrijven schreef schreven geschreven
schrikken schrok schrokken geschrokken
schuiven schoof schoven geschoven
slaan sloeg sloegen geslagen | sla slaat
slapen sliep sliepen geslapen
slijten sleet sleten gesleten
sluiten sloot sloten gesloten
smijten smeet smeten gesmeten
snijden sneed sneden gesneden
spreken sprak spraken gesproken
springen sprong sprongen gesprongen
staan stond stonden gestaan | sta staat
steken stak staken gestoken
stelen stal stalen gestolen
sterven stierf stierven gestorven
stijgen steeg stegen gestegen
stinken stonk stonken gestonken
stoten stootte/stiet stootten/stieten gestoten
strijden streed streden gestreden
treden trad traden getreden
treffen trof troffen getroffen
trekken trok trokken getrokken
vallen viel vielen gevallen
vangen ving vingen gevangen
varen voer voeren gevaren
vechten vocht vochten gevochten
verdwijnen verdween verdwenen verdwenen
vergeten vergat vergaten vergeten
verliezen verloor verloren verloren
vinden vond vonden gevonden
vliegen vloog vlogen gevlogen
vragen vroeg/vraagde vroegen/vraagden gevraagd
vriezen vroor vroren gevroren
wassen waste wasten gewassen
wegen woog wogen gewogen
werpen wierp wierpen geworpen
weten wist wisten geweten | weet
wijken week weken geweken
wijzen wees wezen gewezen
willen wilde/wou wilden/wouden gewild | wil wilt
winnen won wonnen gewonnen
worden werd werden geworden
wrijven wreef wreven gewreven
zeggen zei/zegde zeiden/zegden gezegd | zeg zegt
zenden zond zonden gezonden
zien zag zagen gezien | zie ziet
zijn was waren geweest | ben bent is
zingen zong zongen gezongen
zinken zonk zonken gezonken
zitten zat zaten gezeten
zoeken zocht zochten gezocht
zuigen zoog zogen gezogen
zullen zou zouden - | zal zult
zwemmen zwom zwommen gezwommen
zwerven zwierf zwierven gezworven
zwijgen zweeg zwegen gezwegen
"""


def _parse() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _TABLE.strip().splitlines():
        main, _, present = line.partition("|")
        infinitive, *rest = main.split()
        forms = [form for field in rest for form in field.split("/") if form != "-"]
        table[infinitive] = tuple(forms + present.split())
    return table


# infinitive -> its irregular forms (past, participle, irregular present)
IRREGULAR: dict[str, tuple[str, ...]] = _parse()

# every irregular form -> the infinitives it belongs to (`was` is zijn and wassen)
FORM_TO_INFINITIVES: dict[str, tuple[str, ...]] = {}
for _infinitive, _forms in IRREGULAR.items():
    for _form in (*_forms, _infinitive):
        FORM_TO_INFINITIVES[_form] = (*FORM_TO_INFINITIVES.get(_form, ()), _infinitive)
