# Hulpmarkt: zinnen over koppelingen van hulpvraag en aanbod.

## Waarom een gekozen vrijwilliger deze hulpvraag niet kan aannemen.

violation-category-not-covered = Deze vrijwilliger biedt deze soort hulp niet aan.
violation-domain-mismatch = Deze soort hulp hoort niet bij de wet van de hulpvraag.
violation-offer-inactive = Het aanbod van deze vrijwilliger staat nu niet open.
violation-offer-outside-dates = Het aanbod van deze vrijwilliger geldt vandaag niet.
violation-beyond-radius = De hulpvraag is { $distance } km weg. Dat is verder dan de { $radius } km die de vrijwilliger wil reizen.
violation-beyond-maximum = De vrijwilliger woont { $distance } km weg. Dat is verder dan de { $max } km die de inwoner wil.
violation-no-common-time = De vrijwilliger en de inwoner hebben geen tijd waarop ze allebei kunnen.
violation-vog-missing = Voor deze hulp is een VOG nodig, en van deze vrijwilliger is er geen bekend.
violation-vog-expired = Voor deze hulp is een VOG nodig. De VOG van deze vrijwilliger (van { $issued }) is te oud.
violation-own-request = Een vrijwilliger kan niet helpen bij een eigen hulpvraag.
violation-declined-before = Deze vrijwilliger heeft deze hulpvraag al eens afgewezen.

## Waarom deze vrijwilliger: de uitleg bij een voorstel, voor de inwoner en de vrijwilliger.
## Zonder namen.

match-lead-municipality = De gemeente stelt deze koppeling voor.
match-lead-travel = De gemeente vraagt of de vrijwilliger { $distance } km wil reizen. Dat is verder dan de { $radius } km van het aanbod.
match-distance = { $side ->
        [volunteer] De hulpvraag is op { $distance } km van u.
       *[resident] De vrijwilliger woont op { $distance } km van u.
    }
match-remote = De hulp kan op afstand, bijvoorbeeld via de telefoon of de computer.
match-any-time = U kunt allebei op elk moment van de week.
match-common-time = U kunt allebei { $hours } uur per week op dezelfde momenten.
match-no-common-time = Er is geen vast moment in de week dat u allebei kunt. Spreek samen een tijd af.
match-helped-before = U kent elkaar van eerdere hulp.

## Wat de gemeente besloot over een hulpvraag (een afgeronde zaak), voor de inwoner.

outcome-assigned-volunteer = De gemeente heeft een vrijwilliger voor u gevonden. U krijgt een voorstel.
outcome-referred-formal = De gemeente verwijst u door naar professionele hulp.
outcome-returned-to-marketplace = Uw hulpvraag staat weer open voor vrijwilligers, nu ook voor wie wat verder weg woont.
outcome-closed = De gemeente heeft de zaak over uw hulpvraag afgesloten.
