# Hulpmarkt: de meldingen van de API over wat niet lukt (problem+json: title, detail).
# Gewone taal op B1-niveau: kort, u-vorm, zeg wat de lezer nu kan doen.

## Titels: één per soort probleem.

problem-title-validation-error = Er klopt iets niet in uw gegevens
problem-title-bad-request = Dit verzoek kunnen we niet lezen
problem-title-unauthorized = U bent niet ingelogd
problem-title-forbidden = Dit mag u niet doen
problem-title-not-found = Niet gevonden
problem-title-conflict = Dit kan nu niet
problem-title-method-not-allowed = Deze handeling kan hier niet
problem-title-payload-too-large = Te veel gegevens
problem-title-headers-too-large = Te veel kopregels
problem-title-unsupported-media-type = Verkeerde soort gegevens
problem-title-request-timeout = Dit duurde te lang
problem-title-too-many-requests = Te veel verzoeken
problem-title-service-unavailable = Even niet beschikbaar
problem-title-internal-error = Er ging iets mis
problem-title-error = Dit lukte niet

## Uitleg bij het probleem.

problem-detail-one-field = { $field }: { $message }
problem-detail-fields = { $count ->
        [one] Eén gegeven klopt niet. Kijk hieronder wat u kunt verbeteren.
       *[other] { $count } gegevens kloppen niet. Kijk hieronder wat u kunt verbeteren.
    }
problem-detail-method-not-allowed = Dit adres bestaat, maar deze handeling kan hier niet.
problem-detail-payload-too-large = U stuurt te veel gegevens mee. Het mogen er hooguit { $bytes } bytes zijn.
problem-detail-headers-too-large = De kopregels van het verzoek zijn te groot. Ze mogen samen hooguit { $bytes } bytes zijn.
problem-detail-unsupported-media-type = Stuur de gegevens als JSON (application/json).
problem-detail-request-timeout = De gegevens kwamen niet op tijd binnen. Probeer het opnieuw.
problem-detail-too-many-requests = U heeft te veel verzoeken gestuurd. Probeer het over { $seconds ->
        [one] één seconde
       *[other] { $seconds } seconden
    } opnieuw.
problem-detail-service-unavailable = Hulpmarkt is even niet bereikbaar. Probeer het over een paar seconden opnieuw.
problem-detail-internal-error = Er ging bij ons iets mis. Wij hebben het genoteerd. Probeer het later opnieuw.
problem-detail-error = Dit verzoek lukte niet.

## 404: wat niet gevonden is.

not-found-case = Deze zaak bestaat niet, of u mag het niet zien.
not-found-case-worker = Deze medewerker bestaat niet, of u mag het niet zien.
not-found-help-request = Deze hulpvraag bestaat niet, of u mag het niet zien.
not-found-staff-member = Deze medewerker bestaat niet, of u mag het niet zien.
not-found-match = Dit voorstel bestaat niet, of u mag het niet zien.
not-found-municipality = Deze gemeente bestaat niet, of u mag het niet zien.
not-found-notification = Dit bericht bestaat niet, of u mag het niet zien.
not-found-offer = Dit aanbod bestaat niet, of u mag het niet zien.
not-found-person = Deze persoon bestaat niet, of u mag het niet zien.
not-found-postcode = Deze postcode bestaat niet, of u mag het niet zien.
not-found-resource = Dit bestaat niet, of u mag het niet zien.
not-found-route = Dit adres bestaat niet in de API van Hulpmarkt.
not-found-user = Dit account bestaat niet, of u mag het niet zien.
not-found-volunteer = Deze vrijwilliger bestaat niet, of u mag het niet zien.
not-found-webhook = Deze webhook bestaat niet, of u mag het niet zien.

## 401

unauthorized-account-gone = Dit account bestaat niet meer. Log in met een ander account.
unauthorized-bad-header = De inloggegevens zijn niet goed meegestuurd. Stuur ze als: Authorization: Bearer en dan de code.
unauthorized-metrics-token = Voor de meetgegevens is de speciale toegangscode nodig.
unauthorized-refresh-invalid = Uw inlog is verlopen. Log opnieuw in.
unauthorized-refresh-reused = Deze inlog is al gebruikt. Log voor de zekerheid opnieuw in.
unauthorized-sign-in-first = Log eerst in.
unauthorized-token-invalid = Uw inlog is verlopen of klopt niet. Log opnieuw in.
unauthorized-token-void = Deze inlog geldt niet meer. Het account bestaat niet meer of het wachtwoord is veranderd. Log opnieuw in.
unauthorized-wrong-credentials = Het e-mailadres of het wachtwoord klopt niet.

## 403

forbidden-accept-volunteer-only = Alleen de vrijwilliger kan dit voorstel aannemen.
forbidden-admin-only = Dit is alleen voor beheerders.
forbidden-appointed-account = Een account van een medewerker of beheerder wordt gesloten door een beheerder.
forbidden-case-worker-only = Dit is alleen voor medewerkers van de gemeente.
forbidden-current-password-wrong = Uw huidige wachtwoord klopt niet.
forbidden-deactivate-self = U kunt uw eigen account niet uitzetten. Vraag een andere beheerder.
forbidden-decline-volunteer-only = Alleen de vrijwilliger kan dit voorstel afwijzen.
forbidden-no-municipality = Uw account hoort nog niet bij een gemeente. Vraag een beheerder om dat te regelen.
forbidden-password-wrong = Het wachtwoord klopt niet.
forbidden-resident-only = Dit kan alleen als u hulp vraagt via Hulpmarkt.
forbidden-safeguarding-self = U kunt deze stap niet zetten voor uzelf. Een collega moet dat doen.
forbidden-staff-only = Dit is alleen voor medewerkers van de gemeente en beheerders.
forbidden-volunteer-only = Dit kan alleen als u vrijwilliger bent.

## 409

conflict-account-active = Dit account staat aan.
conflict-account-changed = Het account is net veranderd. Laad het opnieuw.
conflict-account-deactivated = Dit account staat al uit.
conflict-already-suspended = Deze vrijwilliger is al geschorst.
conflict-cancel-needs-accepted = Alleen hulp die is afgesproken kunt u afzeggen.
conflict-case-changed = De zaak is net veranderd. Lees hem opnieuw.
conflict-case-in-queue = Niemand behandelt deze zaak nu. Hij staat nog in de wachtrij.
conflict-case-moved = Een ander behandelt deze zaak inmiddels. Lees hem opnieuw.
conflict-case-resolved = Deze zaak is afgerond. Dat kan niet meer veranderen.
conflict-case-taken = Een collega behandelt deze zaak al.
conflict-case-unclaimed = Niemand behandelt deze zaak. Neem hem zelf in behandeling.
conflict-case-yours = U behandelt deze zaak al.
conflict-claim-first = Neem de zaak eerst in behandeling. Daarna kunt u hem afronden.
conflict-complete-needs-accepted = Alleen hulp die is afgesproken kunt u als klaar melden.
conflict-email-confirmed = Uw e-mailadres is al bevestigd.
conflict-email-taken = Er is al een account met dit e-mailadres.
conflict-erase-in-account = Deze persoon heeft nu een eigen account en wist de gegevens daar zelf.
conflict-erasure-raced = Tijdens het wissen veranderde een aanbod. Er is niets gewist. Probeer het opnieuw.
conflict-no-capacity = Deze vrijwilliger heeft geen plek meer vrij.
conflict-no-municipal-fallback = Deze gemeente neemt via Hulpmarkt geen hulpvragen over. Uw hulpvraag blijft openstaan voor vrijwilligers.
conflict-no-vog = Van deze vrijwilliger is nog geen VOG bekend.
conflict-not-suspended = Deze vrijwilliger is niet geschorst.
conflict-offer-changed = Het aanbod is net veranderd. Laad het opnieuw.
conflict-offer-full = Alle plekken van dit aanbod zijn bezet. Wilt u meer mensen helpen? Maak dan het aantal plekken groter.
conflict-offer-withdrawn = Dit aanbod is ingetrokken. U kunt het niet meer veranderen.
conflict-offers-on-hold = Uw aanbod staat even stil, omdat de gemeente een melding onderzoekt. Neem contact op met de gemeente.
conflict-person-changed = De gegevens van deze persoon zijn net veranderd. Laad ze opnieuw.
conflict-person-claimed = Deze persoon heeft de hulpvragen al naar een eigen account gehaald.
conflict-person-has-account = Deze persoon heeft nu een eigen account. Nieuwe hulpvragen zet hij of zij daar zelf in.
conflict-proposal-expired = Dit voorstel is verlopen.
conflict-proposal-not-open = Op dit voorstel is al gereageerd, of het is niet meer geldig.
conflict-request-changed = De hulpvraag is net veranderd. Laad hem opnieuw.
conflict-request-not-open = Deze hulpvraag staat niet meer open.
conflict-request-not-waiting = De hulpvraag wacht niet meer op dit voorstel.
conflict-same-municipality = Deze medewerker werkt al voor die gemeente.
conflict-same-moment = Iemand anders veranderde dit op hetzelfde moment. Laad de gegevens opnieuw en probeer het nog eens.
conflict-duplicate-recorded = Voor deze persoon is op { $date } al bijna dezelfde hulpvraag in deze soort hulp ingevoerd. Wilt u deze toch invoeren? Stuur dan "confirm_duplicate": true mee.
conflict-duplicate-posted = U heeft op { $date } al bijna dezelfde hulpvraag in deze soort hulp geplaatst. Wilt u deze toch plaatsen? Stuur dan "confirm_duplicate": true mee.
conflict-change-needs-open = Alleen een open hulpvraag kunt u veranderen. Deze hulpvraag is { $status ->
        [open] open
        [proposed] voorgesteld aan een vrijwilliger
        [matched] gekoppeld aan een vrijwilliger
        [completed] afgerond
        [cancelled] geannuleerd
        [escalated] bij de gemeente
        [referred] doorverwezen
        [closed] gesloten
       *[other] { $status }
    }.
conflict-request-transition = Deze hulpvraag is { $status ->
        [open] open
        [proposed] voorgesteld aan een vrijwilliger
        [matched] gekoppeld aan een vrijwilliger
        [completed] afgerond
        [cancelled] geannuleerd
        [escalated] bij de gemeente
        [referred] doorverwezen
        [closed] gesloten
       *[other] { $status }
    }. Daarom kan dit nu niet.
conflict-consent-finished = Deze hulpvraag is { $status ->
        [open] open
        [proposed] voorgesteld aan een vrijwilliger
        [matched] gekoppeld aan een vrijwilliger
        [completed] afgerond
        [cancelled] geannuleerd
        [escalated] bij de gemeente
        [referred] doorverwezen
        [closed] gesloten
       *[other] { $status }
    }. Toestemming geven is niet meer nodig.
conflict-claim-needs-open = U kunt alleen een zaak uit de wachtrij in behandeling nemen. Deze zaak is { $status ->
        [open] in de wachtrij
        [in_progress] in behandeling
        [resolved] afgerond
       *[other] { $status }
    }.
conflict-request-not-escalated = De hulpvraag is nu { $status ->
        [open] open
        [proposed] voorgesteld aan een vrijwilliger
        [matched] gekoppeld aan een vrijwilliger
        [completed] afgerond
        [cancelled] geannuleerd
        [escalated] bij de gemeente
        [referred] doorverwezen
        [closed] gesloten
       *[other] { $status }
    } en ligt niet meer bij de gemeente.
conflict-capacity-below-accepted = { $accepted ->
        [one] Eén persoon krijgt al hulp via dit aanbod. Daarom kan het aantal plekken niet lager dan 1. Rond eerst hulp af of zeg hulp af.
       *[other] { $accepted } mensen krijgen al hulp via dit aanbod. Daarom kan het aantal plekken niet lager dan { $accepted }. Rond eerst hulp af of zeg hulp af.
    }
conflict-offer-transition = Dit aanbod is { $status ->
        [active] actief
        [paused] gepauzeerd
        [withdrawn] ingetrokken
       *[other] { $status }
    }. Daarom kan dit nu niet.
conflict-volunteer-has-offers = { $count ->
        [one] U heeft nog 1 aanbod dat actief of gepauzeerd is. Trek het eerst in. Daarna kunt u stoppen als vrijwilliger.
       *[other] U heeft nog { $count } aanbiedingen die actief of gepauzeerd zijn. Trek ze eerst in. Daarna kunt u stoppen als vrijwilliger.
    }
conflict-resident-has-requests = { $count ->
        [one] U heeft nog 1 hulpvraag die niet klaar is. Zeg die eerst af. Daarna kunt u stoppen met hulp vragen.
       *[other] U heeft nog { $count } hulpvragen die niet klaar zijn. Zeg die eerst af. Daarna kunt u stoppen met hulp vragen.
    }
