# Hulpmarkt: sentences about matches of a help request and an offer.

## Why a chosen volunteer cannot take this help request.

violation-category-not-covered = This volunteer does not offer this kind of help.
violation-domain-mismatch = This kind of help does not belong to the request's law.
violation-offer-inactive = This volunteer's offer is not open just now.
violation-offer-outside-dates = This volunteer's offer does not apply today.
violation-beyond-radius = The request is { $distance } km away. That is further than the { $radius } km the volunteer will travel.
violation-beyond-maximum = The volunteer lives { $distance } km away. That is further than the { $max } km the resident wants.
violation-no-common-time = The volunteer and the resident have no time when both can.
violation-vog-missing = This help needs a VOG (certificate of conduct), and we have none on record for this volunteer.
violation-vog-expired = This help needs a VOG (certificate of conduct). This volunteer's VOG (from { $issued }) is too old.
violation-own-request = A volunteer cannot help with their own request.
violation-declined-before = This volunteer declined this request before.

## Why this volunteer: the explanation of a proposal, for the resident and the volunteer.
## No names.

match-lead-municipality = The municipality proposes this match.
match-lead-travel = The municipality asks whether the volunteer will travel { $distance } km. That is further than the offer's { $radius } km.
match-distance = { $side ->
        [volunteer] The request is { $distance } km from you.
       *[resident] The volunteer lives { $distance } km from you.
    }
match-remote = The help can be given at a distance, for example by phone or computer.
match-any-time = You can both meet at any time of the week.
match-common-time = You both have { $hours } { $hours ->
        [one] hour
       *[other] hours
    } a week at the same times.
match-no-common-time = There is no fixed time in the week when you both can. Agree on a time together.
match-helped-before = You know each other from earlier help.

## What the municipality decided about a help request (a resolved case), for the resident.

outcome-assigned-volunteer = The municipality has found a volunteer for you. You will get a proposal.
outcome-referred-formal = The municipality refers you to professional care.
outcome-returned-to-marketplace = Your help request is open for volunteers again, now also for those who live a little further away.
outcome-closed = The municipality has closed the case about your help request.
