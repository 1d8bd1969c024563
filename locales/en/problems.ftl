# Hulpmarkt: the API's messages about what went wrong (problem+json: title, detail).
# Plain English: short, say what the reader can do now.

## Titels: één per soort probleem.

problem-title-validation-error = Some of your details are not right
problem-title-bad-request = We cannot read this request
problem-title-unauthorized = You are not signed in
problem-title-forbidden = You may not do this
problem-title-not-found = Not found
problem-title-conflict = This cannot be done now
problem-title-method-not-allowed = This action is not possible here
problem-title-payload-too-large = Too much data
problem-title-headers-too-large = Too many header lines
problem-title-unsupported-media-type = Wrong kind of data
problem-title-request-timeout = This took too long
problem-title-too-many-requests = Too many requests
problem-title-service-unavailable = Briefly unavailable
problem-title-internal-error = Something went wrong
problem-title-error = This did not work

## What went wrong.

problem-detail-one-field = { $field }: { $message }
problem-detail-fields = { $count ->
        [one] One detail is not right. See below what you can fix.
       *[other] { $count } details are not right. See below what you can fix.
    }
problem-detail-method-not-allowed = This address exists, but this action is not possible here.
problem-detail-payload-too-large = You are sending too much data. It may be at most { $bytes } bytes.
problem-detail-headers-too-large = The request's header lines are too large. Together they may be at most { $bytes } bytes.
problem-detail-unsupported-media-type = Send the data as JSON (application/json).
problem-detail-request-timeout = The data did not arrive in time. Please try again.
problem-detail-too-many-requests = You have sent too many requests. Please try again in { $seconds ->
        [one] one second
       *[other] { $seconds } seconds
    }.
problem-detail-service-unavailable = Hulpmarkt cannot be reached just now. Please try again in a few seconds.
problem-detail-internal-error = Something went wrong on our side. We have noted it. Please try again later.
problem-detail-error = This request did not work.

## 404: what was not found.

not-found-case = This case does not exist, or you may not see it.
not-found-case-worker = This case worker does not exist, or you may not see it.
not-found-help-request = This help request does not exist, or you may not see it.
not-found-staff-member = This staff member does not exist, or you may not see it.
not-found-match = This proposal does not exist, or you may not see it.
not-found-municipality = This municipality does not exist, or you may not see it.
not-found-notification = This message does not exist, or you may not see it.
not-found-offer = This offer does not exist, or you may not see it.
not-found-person = This person does not exist, or you may not see it.
not-found-postcode = This postcode does not exist, or you may not see it.
not-found-resource = This does not exist, or you may not see it.
not-found-route = This address does not exist in the Hulpmarkt API.
not-found-user = This account does not exist, or you may not see it.
not-found-volunteer = This volunteer does not exist, or you may not see it.
not-found-webhook = This webhook does not exist, or you may not see it.

## 401

unauthorized-account-gone = This account no longer exists. Sign in with another account.
unauthorized-bad-header = The sign-in was not sent the right way. Send it as: Authorization: Bearer followed by the code.
unauthorized-metrics-token = Reading the metrics needs the metrics access token.
unauthorized-refresh-invalid = Your sign-in has expired. Please sign in again.
unauthorized-refresh-reused = This sign-in was used already. To be safe, please sign in again.
unauthorized-sign-in-first = Please sign in first.
unauthorized-token-invalid = Your sign-in has expired or is not valid. Please sign in again.
unauthorized-token-void = This sign-in no longer counts: the account is gone or its password was changed. Please sign in again.
unauthorized-wrong-credentials = The e-mail address or the password is incorrect.

## 403

forbidden-accept-volunteer-only = Only the volunteer can accept this proposal.
forbidden-admin-only = This is only for administrators.
forbidden-appointed-account = A case worker's or administrator's account is closed by an administrator.
forbidden-case-worker-only = This is only for municipal case workers.
forbidden-current-password-wrong = Your current password is not correct.
forbidden-deactivate-self = You cannot switch off your own account. Ask another administrator.
forbidden-decline-volunteer-only = Only the volunteer can decline this proposal.
forbidden-no-municipality = Your account does not belong to a municipality yet. Ask an administrator to set this up.
forbidden-password-wrong = The password is not correct.
forbidden-resident-only = Only people who ask for help can do this.
forbidden-safeguarding-self = You cannot take this step about yourself. A colleague has to do it.
forbidden-staff-only = This is only for case workers and administrators.
forbidden-volunteer-only = Only volunteers can do this.

## 409

conflict-account-active = This account is active.
conflict-account-changed = The account changed just now. Please load it again.
conflict-account-deactivated = This account is already switched off.
conflict-already-suspended = This volunteer is already suspended.
conflict-cancel-needs-accepted = Only help that was agreed can be called off.
conflict-case-changed = The case changed just now. Please read it again.
conflict-case-in-queue = Nobody is handling this case; it is still in the queue.
conflict-case-moved = Someone else is handling this case by now. Please read it again.
conflict-case-resolved = This case is closed. That cannot change any more.
conflict-case-taken = A colleague is already handling this case.
conflict-case-unclaimed = Nobody is handling this case. Take it on yourself instead.
conflict-case-yours = You are already handling this case.
conflict-claim-first = Take on the case first. Then you can close it.
conflict-complete-needs-accepted = Only help that was agreed can be marked as done.
conflict-email-confirmed = Your e-mail address is confirmed already.
conflict-email-taken = An account with this e-mail address already exists.
conflict-erase-in-account = This person has an account now and erases their data there.
conflict-erasure-raced = An offer changed during the erasure. Nothing was erased. Please try again.
conflict-no-capacity = This volunteer has no place left.
conflict-no-municipal-fallback = This municipality does not take over requests through Hulpmarkt. Your request stays open for volunteers.
conflict-no-vog = We have no VOG (certificate of conduct) on record for this volunteer.
conflict-not-suspended = This volunteer is not suspended.
conflict-offer-changed = The offer changed just now. Please load it again.
conflict-offer-full = Every place of this offer is taken. To help more people, raise the number of places.
conflict-offer-withdrawn = This offer was withdrawn. It cannot be changed any more.
conflict-offers-on-hold = Your offers are on hold while the municipality looks into a report. Please contact the municipality.
conflict-person-changed = This person's details changed just now. Please load them again.
conflict-person-claimed = This person has already moved their requests to an account of their own.
conflict-person-has-account = This person has an account of their own now and posts new requests there.
conflict-proposal-expired = This proposal has expired.
conflict-proposal-not-open = This proposal has already been answered, or is no longer valid.
conflict-request-changed = The help request changed just now. Please load it again.
conflict-request-not-open = This help request is no longer open.
conflict-request-not-waiting = The help request is no longer waiting for this proposal.
conflict-same-municipality = This case worker already works for that municipality.
conflict-same-moment = Someone else changed this at the same moment. Please load it again and try once more.
conflict-duplicate-recorded = A nearly identical request of this kind was recorded for this person on { $date }. To record this one as well, send "confirm_duplicate": true.
conflict-duplicate-posted = You posted a nearly identical request of this kind on { $date }. To post this one as well, send "confirm_duplicate": true.
conflict-change-needs-open = Only an open help request can be changed. This one is { $status ->
        [open] open
        [proposed] proposed to a volunteer
        [matched] matched with a volunteer
        [completed] completed
        [cancelled] cancelled
        [escalated] with the municipality
        [referred] referred
        [closed] closed
       *[other] { $status }
    }.
conflict-request-transition = This help request is { $status ->
        [open] open
        [proposed] proposed to a volunteer
        [matched] matched with a volunteer
        [completed] completed
        [cancelled] cancelled
        [escalated] with the municipality
        [referred] referred
        [closed] closed
       *[other] { $status }
    }, so this is not possible now.
conflict-consent-finished = This help request is { $status ->
        [open] open
        [proposed] proposed to a volunteer
        [matched] matched with a volunteer
        [completed] completed
        [cancelled] cancelled
        [escalated] with the municipality
        [referred] referred
        [closed] closed
       *[other] { $status }
    }. Consent is no longer needed.
conflict-claim-needs-open = You can only take on a case from the queue. This case is { $status ->
        [open] in the queue
        [in_progress] in progress
        [resolved] closed
       *[other] { $status }
    }.
conflict-request-not-escalated = The help request is { $status ->
        [open] open
        [proposed] proposed to a volunteer
        [matched] matched with a volunteer
        [completed] completed
        [cancelled] cancelled
        [escalated] with the municipality
        [referred] referred
        [closed] closed
       *[other] { $status }
    } now and no longer with the municipality.
conflict-capacity-below-accepted = { $accepted ->
        [one] One person already gets help through this offer, so the number of places cannot go below 1. First finish or call off that help.
       *[other] { $accepted } people already get help through this offer, so the number of places cannot go below { $accepted }. First finish or call off some help.
    }
conflict-offer-transition = This offer is { $status ->
        [active] active
        [paused] paused
        [withdrawn] withdrawn
       *[other] { $status }
    }, so this is not possible now.
conflict-volunteer-has-offers = { $count ->
        [one] You still have 1 offer that is active or paused. Withdraw it first; then you can stop being a volunteer.
       *[other] You still have { $count } offers that are active or paused. Withdraw them first; then you can stop being a volunteer.
    }
conflict-resident-has-requests = { $count ->
        [one] You still have 1 help request that is not finished. Cancel it first; then you can stop asking for help.
       *[other] You still have { $count } help requests that are not finished. Cancel them first; then you can stop asking for help.
    }
