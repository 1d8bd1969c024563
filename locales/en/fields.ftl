# Hulpmarkt: what is wrong with one field (problem+json: errors[].message).
# The general sentence of each code comes first; then the sentences for particular fields.

## General, one per code (FieldErrorCode), with the figures from params.

field-required = Please fill this in.
field-too-short = Write at least { $min } characters.
field-too-long = Write at most { $max } characters.
field-out-of-range = Choose a number from { $min } to { $max }.
field-out-of-range-min = Choose { $min } or more.
field-out-of-range-max = Choose { $max } or less.
field-out-of-range-plain = This number is too large or too small.
field-invalid-format = This is not written the right way.
field-control-characters = This holds characters that are not allowed.
field-unknown-value = This choice does not exist.
field-unknown-value-allowed = This choice does not exist. Choose from: { $allowed }.
field-unknown-postcode = We do not know this postcode. Enter a Dutch postcode of four digits, such as 3511.
field-not-in-domain = This kind of help does not belong to the chosen law. Choose another kind of help or another law.
field-availability-in-past = This date has passed. Choose today or a later day.
field-duplicate = This is listed twice. Name it once.
field-unknown-field = This field is not part of this request. Leave it out.
field-wrong-type = This is not the right kind of value.
field-wrong-type-expected = This is not the right kind of value. Expected: { $expected ->
        [string] text
        [integer] a whole number
        [number] a number
        [boolean] yes or no (true or false)
        [array] a list
        [object] an object
       *[other] { $expected }
    }.
field-malformed-json = The data is not valid JSON. Send one JSON object.
field-not-allowed = This is not possible.

## For particular fields.

field-body-not-object = Send the data as one JSON object.
field-categories-count = Choose 1 to { $max } kinds of help.
field-category-suggestion = This kind of help does not exist. Did you mean { $suggestion }?
field-category-unknown = This kind of help does not exist. You find the kinds of help in the list of categories.
field-claim-code-format = A code has 10 letters and digits, such as ACDEF-GH347.
field-claim-code-invalid = This code is not valid (any more). Ask the municipality for a new one.
field-close-needs-reason = Write down why you close the case. The resident gets this explanation.
field-colleague-is-you = You are already handling this case. Choose a colleague.
field-colleague-unknown = This is not an active case worker of your municipality.
field-contact-is-person = When you record a request for someone, that person is the contact.
field-control-characters-line = Write this on one line, without special characters.
field-control-characters-multiline = This holds special characters. Only line breaks and tabs are allowed.
field-date-format = Write a date as yyyy-mm-dd, such as 2026-12-01.
field-distance-not-smaller = The distance may not become smaller than it is now: { $current } km.
field-distance-widen-max = Choose a distance above 0 and at most { $max } km.
field-email-format = Enter a valid e-mail address, such as name@example.nl.
field-formal-category-unknown = We do not know this code. Choose iwmo:01 to iwmo:18, or ijw:40 to ijw:50.
field-from-after-to = The start date must come before the end date.
field-grace-urgent-longer = An urgent request may not wait longer than a normal one.
field-holder-id = Enter the id of the case worker who handles the case now.
field-instrument-required = Write down which scheme you refer to. The Participatiewet has no national list.
field-km-between = Choose a distance from { $min } to { $max } km.
field-link-invalid = This link no longer works: it is unknown, has expired or was used already. Ask for a new link.
field-municipality-code-format = A municipality code is GM followed by four digits, such as GM0363.
field-municipality-unknown = This municipality code does not exist (any more).
field-note-empty = Write something in the note.
field-offer-remote-impossible = None of these kinds of help can be given at a distance.
field-offer-required = Choose the volunteer's offer.
field-offer-unknown = This offer does not exist.
field-password-common = This password is used very often. Choose another password.
field-person-id-format = This is not the id of a person.
field-person-id-or-details = Choose a person who is known already, or fill in name, phone and address. Not both.
field-person-name-required = Enter the name of the person this request is for.
field-person-no-phone = We have no phone number for this person, so the volunteer cannot reach them.
field-person-phone-required = Enter the person's phone number, so that the volunteer can reach them.
field-phone-format = Enter a valid phone number, such as 06 12345678 or +31 6 12345678.
field-postcode-format = Enter a postcode of four digits, such as 3511.
field-postcode-not-yours = This postcode lies in another municipality. You record requests only for residents of your own municipality.
field-postcode-other-municipality = This postcode lies in another municipality. A recorded request stays in yours.
field-referral-required = Choose the { $standard } you refer to.
field-referral-standard = A { $domain } request is referred with the { $standard }.
field-refresh-token-too-long = This sign-in code is too long.
field-request-remote-impossible = This kind of help needs someone nearby. Help at a distance is not possible.
field-role-appointed = You can choose to ask for help and to be a volunteer. Case workers and administrators are appointed.
field-roles-required = Choose whether you ask for help, are a volunteer, or both.
field-session-minutes = One visit lasts 15 to 480 minutes.
field-slot-end-before-start = The end time must come after the start time.
field-slot-overlap = This time overlaps { $other }. Times on one day may touch, but not overlap.
field-slot-past-midnight = A time cannot run past midnight. Make it two: { $start }–24:00 and 00:00–{ $end } on the next day.
field-slot-shorter-than-session = This time lasts { $minutes } minutes. That is shorter than one visit: { $session } minutes.
field-slot-start-midnight = 24:00 can only be an end time. Start at 00:00 on the next day.
field-time-format = Write a time as hh:mm, such as 09:30.
field-time-hours = Hours run from 00 to 23. 24:00 can only end a day.
field-time-minutes = Minutes run from 00 to 59.
field-too-many-slots = Give at most { $max } times.
field-until-before-from = The end date is before the start date ({ $from }).
field-url-absolute = Enter a full web address, such as https://example.nl/hooks/hulpmarkt.
field-url-credentials = Do not put a user name or password in the web address. The signature shows the message comes from us.
field-url-host = The web address lacks the server's name.
field-url-https = Use an address that starts with https (http only to this computer itself).
field-vog-in-future = The date of the VOG cannot lie in the future.
field-weekday-unknown = Choose a day: mon, tue, wed, thu, fri, sat or sun.
