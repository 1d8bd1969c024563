# Hulpmarkt: wat er niet klopt aan één veld (problem+json: errors[].message).
# De algemene zin per code staat eerst; daarna de zinnen voor een bepaald veld.

## Algemeen, één per code (FieldErrorCode), met de cijfers uit params.

field-required = Vul dit in.
field-too-short = Schrijf minstens { $min } tekens.
field-too-long = Schrijf hooguit { $max } tekens.
field-out-of-range = Kies een getal van { $min } tot en met { $max }.
field-out-of-range-min = Kies { $min } of meer.
field-out-of-range-max = Kies { $max } of minder.
field-out-of-range-plain = Dit getal is te groot of te klein.
field-invalid-format = Dit is niet op de goede manier geschreven.
field-control-characters = Hier staan tekens in die niet mogen.
field-unknown-value = Deze keuze bestaat niet.
field-unknown-value-allowed = Deze keuze bestaat niet. Kies uit: { $allowed }.
field-unknown-postcode = Deze postcode kennen we niet. Vul een Nederlandse postcode in van vier cijfers, zoals 3511.
field-not-in-domain = Deze soort hulp hoort niet bij de gekozen wet. Kies een andere soort hulp of een andere wet.
field-availability-in-past = Deze datum is al voorbij. Kies vandaag of een dag later.
field-duplicate = Dit staat er twee keer. Noem het één keer.
field-unknown-field = Dit veld hoort niet bij dit verzoek. Laat het weg.
field-wrong-type = Dit is niet de goede soort waarde.
field-wrong-type-expected = Dit is niet de goede soort waarde. Verwacht: { $expected ->
        [string] tekst
        [integer] een heel getal
        [number] een getal
        [boolean] ja of nee (true of false)
        [array] een lijst
        [object] een object
       *[other] { $expected }
    }.
field-malformed-json = De gegevens zijn geen goede JSON. Stuur één JSON-object.
field-not-allowed = Dit kan niet.

## Voor een bepaald veld.

field-body-not-object = Stuur de gegevens als één JSON-object.
field-categories-count = Kies 1 tot en met { $max } soorten hulp.
field-category-suggestion = Deze soort hulp bestaat niet. Bedoelt u { $suggestion }?
field-category-unknown = Deze soort hulp bestaat niet. U vindt de soorten hulp in de lijst van categorieën.
field-claim-code-format = Een code heeft 10 letters en cijfers, zoals ACDEF-GH347.
field-claim-code-invalid = Deze code geldt niet (meer). Vraag de gemeente om een nieuwe code.
field-close-needs-reason = Schrijf op waarom u de zaak sluit. De inwoner krijgt deze uitleg.
field-colleague-is-you = U behandelt deze zaak al. Kies een collega.
field-colleague-unknown = Dit is geen medewerker van uw gemeente die nu werkt.
field-contact-is-person = Als u een hulpvraag voor iemand invoert, is die persoon zelf het aanspreekpunt.
field-control-characters-line = Schrijf dit op één regel, zonder speciale tekens.
field-control-characters-multiline = Hier staan speciale tekens in. Alleen nieuwe regels en tabs mogen.
field-date-format = Schrijf een datum als jjjj-mm-dd, zoals 2026-12-01.
field-distance-not-smaller = De afstand mag niet kleiner worden dan nu: { $current } km.
field-distance-widen-max = Kies een afstand groter dan 0 en hooguit { $max } km.
field-email-format = Vul een goed e-mailadres in, zoals naam@voorbeeld.nl.
field-formal-category-unknown = Deze code kennen we niet. Kies iwmo:01 tot en met iwmo:18, of ijw:40 tot en met ijw:50.
field-from-after-to = De begindatum moet vóór de einddatum liggen.
field-grace-urgent-longer = Een dringende hulpvraag mag niet langer wachten dan een gewone.
field-holder-id = Vul het nummer in van de medewerker die de zaak nu behandelt.
field-instrument-required = Schrijf op naar welke regeling u verwijst. Voor de Participatiewet is er geen landelijke lijst.
field-km-between = Kies een afstand van { $min } tot en met { $max } km.
field-link-invalid = Deze link werkt niet meer. Hij is onbekend, verlopen of al gebruikt. Vraag een nieuwe link aan.
field-municipality-code-format = Een gemeentecode is GM met vier cijfers, zoals GM0363.
field-municipality-unknown = Deze gemeentecode bestaat niet (meer).
field-note-empty = Schrijf iets in de notitie.
field-offer-remote-impossible = Bij geen van deze soorten hulp kunt u op afstand helpen.
field-offer-required = Kies het aanbod van de vrijwilliger.
field-offer-unknown = Dit aanbod bestaat niet.
field-password-common = Dit wachtwoord wordt heel vaak gebruikt. Kies een ander wachtwoord.
field-person-id-format = Dit is geen nummer van een persoon.
field-person-id-or-details = Kies een persoon die al bekend is, óf vul naam, telefoon en adres in. Niet allebei.
field-person-name-required = Vul de naam in van de persoon voor wie deze hulpvraag is.
field-person-no-phone = Van deze persoon is geen telefoonnummer bekend. Dan kan de vrijwilliger hem of haar niet bereiken.
field-person-phone-required = Vul het telefoonnummer van de persoon in, zodat de vrijwilliger contact kan opnemen.
field-phone-format = Vul een goed telefoonnummer in, zoals 06 12345678 of +31 6 12345678.
field-postcode-format = Vul een postcode in van vier cijfers, zoals 3511.
field-postcode-not-yours = Deze postcode ligt in een andere gemeente. U voert alleen hulpvragen in voor inwoners van uw eigen gemeente.
field-postcode-other-municipality = Deze postcode ligt in een andere gemeente. Een ingevoerde hulpvraag blijft in uw gemeente.
field-referral-required = Kies de { $standard } waar u naar verwijst.
field-referral-standard = Een hulpvraag voor de { $domain } verwijst u door met de { $standard }.
field-refresh-token-too-long = Deze inlogcode is te lang.
field-request-remote-impossible = Voor deze soort hulp moet iemand in de buurt zijn. Hulp op afstand kan niet.
field-role-appointed = U kunt kiezen uit hulp vragen en vrijwilliger zijn. Medewerkers en beheerders worden aangesteld.
field-roles-required = Kies of u hulp vraagt, vrijwilliger bent, of allebei.
field-session-minutes = Eén keer helpen duurt 15 tot 480 minuten.
field-slot-end-before-start = De eindtijd moet na de begintijd liggen.
field-slot-overlap = Deze tijd valt samen met { $other }. Tijden op één dag mogen op elkaar aansluiten, maar niet over elkaar heen lopen.
field-slot-past-midnight = Een tijd kan niet over middernacht heen lopen. Maak er twee van: { $start }–24:00 en 00:00–{ $end } op de volgende dag.
field-slot-shorter-than-session = Deze tijd duurt { $minutes } minuten. Dat is korter dan één keer helpen: { $session } minuten.
field-slot-start-midnight = 24:00 kan alleen een eindtijd zijn. Begin om 00:00 op de volgende dag.
field-time-format = Schrijf een tijd als uu:mm, zoals 09:30.
field-time-hours = De uren lopen van 00 tot 23. 24:00 kan alleen het einde van een dag zijn.
field-time-minutes = De minuten lopen van 00 tot 59.
field-too-many-slots = Geef hooguit { $max } tijden op.
field-until-before-from = De einddatum ligt vóór de begindatum ({ $from }).
field-url-absolute = Vul een volledig webadres in, zoals https://voorbeeld.nl/hooks/hulpmarkt.
field-url-credentials = Zet geen gebruikersnaam of wachtwoord in het webadres. De handtekening laat zien dat het bericht van ons komt.
field-url-host = Het webadres mist de naam van de server.
field-url-https = Gebruik een adres dat met https begint (http mag alleen naar deze computer zelf).
field-vog-in-future = De datum van de VOG kan niet in de toekomst liggen.
field-weekday-unknown = Kies een dag: mon, tue, wed, thu, fri, sat of sun.
