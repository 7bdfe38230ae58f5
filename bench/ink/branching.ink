// The same small branching script as branching.yaml beside it, in ink: 20 knots with
// choices, a variable set by a choice and a condition on it. bench/peer.py compiles it
// with inkjs and runs it with inkjs (Node) and bink (Python), next to coach's engine.
VAR zekerheid = "onbekend"

-> welkom

=== welkom ===
Je bereidt een lastig gesprek voor, in korte stappen.
+ [Beginnen] -> aanleiding
+ [Eerst uitleg] -> uitleg

=== uitleg ===
We kijken naar wat er gebeurde, wat het met je deed en wat je wilt doen.
+ [Begrepen] -> aanleiding

=== aanleiding ===
Waar gaat het gesprek over?
+ [Over samenwerking] -> moment
+ [Over een afspraak] -> moment
+ [Over iets anders] -> moment

=== moment ===
Denk aan één moment. Waar speelde het?
+ [In een overleg] -> overleg
+ [Onder vier ogen] -> vier_ogen

=== overleg ===
Wie waren erbij?
+ [Het hele team] -> gevoel
+ [Alleen de directie] -> gevoel

=== vier_ogen ===
Waar was het?
+ [Op mijn kamer] -> gevoel
+ [Op de gang] -> gevoel

=== gevoel ===
Wat voelde je toen?
+ [Irritatie] -> zeker
+ [Onzekerheid] -> zeker
+ [Teleurstelling] -> zeker

=== zeker ===
Hoe zeker voel je je nu?
+ [Onzeker]
    ~ zekerheid = "laag"
    -> splits
+ [Zeker]
    ~ zekerheid = "hoog"
    -> splits

=== splits ===
{ zekerheid == "laag": -> steun | -> ander }

=== steun ===
Wat zou je helpen om zekerder te worden?
+ [Een collega spreken] -> ander
+ [Het gesprek oefenen] -> ander

=== ander ===
Hoe zou de ander het moment beleefd hebben?
+ [Als een aanval] -> behoefte
+ [Als gewoon overleg] -> behoefte
+ [Dat weet ik niet] -> behoefte

=== behoefte ===
Wat is voor de ander belangrijk?
+ [Erkenning] -> voorbeeld
+ [Ruimte] -> voorbeeld
+ [Duidelijkheid] -> voorbeeld

=== voorbeeld ===
Welk voorbeeld wil jij geven?
+ [Eerst luisteren] -> opening
+ [Eerlijk zeggen wat het met me deed] -> opening

=== opening ===
Hoe open je het gesprek?
+ [Met een open vraag] -> plek
+ [Met wat ik zag] -> plek

=== plek ===
Waar voer je het gesprek?
+ [Bij de ander] -> wanneer
+ [Op neutraal terrein] -> wanneer

=== wanneer ===
Wanneer voer je het gesprek?
+ [Deze week] -> afspraak
+ [Volgende week] -> afspraak

=== afspraak ===
Hoe spreek je het gesprek af?
+ [Met een berichtje] -> terugblik
+ [Even langslopen] -> terugblik

=== terugblik ===
Wil je nog iets aanscherpen?
+ [Nee, door naar de kaart] -> samenvatting
+ [Ja, kort] -> aanscherpen

=== aanscherpen ===
Wat scherp je aan?
+ [De opening] -> samenvatting
+ [Het voorbeeld] -> samenvatting

=== samenvatting ===
Dit neem je mee. Succes met je gesprek.
-> END
