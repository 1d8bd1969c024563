// Browser tests of the case workers' workplace (/werkplek/): playwright-core drives the
// system Chromium through real sessions, axe-core checks every screen against WCAG 2.1 A and
// AA (0 violations), and each screen is photographed at 1280×800 and 390×844.
// Run by .ci/browser.sh, which starts the service and creates the two case workers; the
// residents, the volunteer and the cases are made here, through the JSON API.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.BASE_URL;
const PASSWORD = process.env.WERKPLEK_PASSWORD;
const AMSTERDAM = process.env.WERKPLEK_AMSTERDAM;
const UTRECHT = process.env.WERKPLEK_UTRECHT;
const BEHEER = process.env.WERKPLEK_BEHEER;
const IDLE_SECONDS = Number(process.env.WERKPLEK_IDLE_SECONDS);
const SHOTS = process.env.SCREENSHOT_DIR;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const axeCounts = [];

let browser;
const seeded = {};

// --- seeding through the JSON API -----------------------------------------------------

async function api(method, route, body, token) {
  const response = await fetch(BASE + route, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

async function person(roles, name) {
  const email = `${roles[0]}-${unique()}@example.nl`;
  const registered = await api('POST', '/api/v1/auth/register', {
    email, password: PASSWORD, display_name: name, roles, phone: '+31612345678',
  });
  assert.equal(registered.status, 202);
  const login = await api('POST', '/api/v1/auth/login', { email, password: PASSWORD });
  assert.equal(login.status, 200);
  return { email, name, token: login.json.access_token };
}

async function escalatedRequest(title, consent) {
  const resident = await person(['resident'], `Inwoner ${title.split(' ')[0]}`);
  const posted = await api('POST', '/api/v1/help-requests', {
    domain: 'wmo', category: 'boodschappen', title,
    description: `Omschrijving: ${title}. Ik kan niet zelf naar de supermarkt.`,
    postcode: '1012 AB', urgency: 'normal', involves_minor: false, remote_ok: false,
    max_distance_km: 3, consent_municipality: consent,
    availability: {
      slots: [{ weekday: 'tue', start: '09:00', end: '12:00' }],
      from: day(-3), until: day(90), session_minutes: 60,
    },
  }, resident.token);
  assert.equal(posted.status, 201, JSON.stringify(posted.json));
  const escalated = await api('POST', `/api/v1/help-requests/${posted.json.id}/escalate`, {}, resident.token);
  assert.equal(escalated.status, 200, JSON.stringify(escalated.json));
  return { resident, title };
}

// --- the browser -------------------------------------------------------------------------

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nl-NL' });
  return context.newPage();
}

// axe on the page as it is: prints the count and fails on any violation.
async function checkScreen(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    TAGS,
  );
  const summary = result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}`);
  axeCounts.push([name, result.violations.length]);
  console.log(`axe ${name}: ${result.violations.length} violations${summary.length ? `\n  ${summary.join('\n  ')}` : ''}`);
  for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(summary, [], `axe violations on ${name}`);
}

async function logIn(page, email, password = PASSWORD) {
  await page.goto(`${BASE}/werkplek/`);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.getByRole('button', { name: 'Inloggen' }).click();
}

async function openCase(page, title) {
  await page.goto(`${BASE}/werkplek/zaken?q=${encodeURIComponent(title)}`);
  await page.locator('table tbody a').first().click();
  await page.waitForURL(/\/werkplek\/zaken\/[0-9a-f-]{36}$/);
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  seeded.consent = await escalatedRequest('Boodschappen voor mevrouw De Vries', true);
  seeded.hidden = await escalatedRequest('Geheime hulpvraag over mijn gezondheid', false);
  seeded.outcomes = [];
  for (const title of ['Koppelen aan vrijwilliger', 'Doorverwijzen naar zorg', 'Terug naar de hulpmarkt', 'Zaak sluiten graag']) {
    seeded.outcomes.push(await escalatedRequest(title, true));
  }
  const volunteer = await person(['volunteer'], 'Vera Vrijwilliger');
  const offer = await api('POST', '/api/v1/offers', {
    categories: ['boodschappen'], postcode: '1102', radius_km: 15, remote_ok: false,
    availability: { slots: [{ weekday: 'tue', start: '09:00', end: '12:00' }], from: null, until: null },
    capacity: 3, note: 'Ik heb een auto.',
  }, volunteer.token);
  assert.equal(offer.status, 201, JSON.stringify(offer.json));
});

after(async () => {
  await browser?.close();
  console.log('axe violations per screen (WCAG 2.1 A/AA):');
  for (const [name, count] of axeCounts) console.log(`  ${name}: ${count}`);
});

test('a resident is refused and gets no session', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/werkplek/inloggen`);
  await checkScreen(page, '01-inloggen');
  await logIn(page, seeded.consent.resident.email);
  await page.getByText('alleen voor consulenten').waitFor();
  await checkScreen(page, '02-inloggen-geweigerd');
  const cookies = await page.context().cookies();
  assert.ok(!cookies.some((c) => c.name === 'hulpmarkt_werkplek'), 'no session cookie');
  const queue = await page.goto(`${BASE}/werkplek/zaken`);
  assert.match(queue.url(), /\/werkplek\/inloggen/);
  await page.context().close();
});

test('the queue, a case without and with consent, decisions and the audit trail', async () => {
  const page = await newPage();
  await logIn(page, AMSTERDAM);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.getByText('6 zaken').waitFor();
  await checkScreen(page, '03-wachtrij');

  // Filters, with the keyboard: choose a law and a reason, then search.
  await page.getByLabel('Wet').selectOption('wmo');
  await page.getByLabel('Reden').selectOption('resident_request');
  await page.getByLabel('Zoek op titel of zaaknummer').fill('mevrouw');
  await page.getByLabel('Zoek op titel of zaaknummer').press('Enter');
  await page.getByText('1 zaak', { exact: true }).waitFor();
  assert.ok(await page.getByText('Boodschappen voor mevrouw De Vries').isVisible());
  await checkScreen(page, '04-wachtrij-gefilterd');
  const hiddenSearch = await page.goto(`${BASE}/werkplek/zaken?q=geheime`);
  assert.equal(hiddenSearch.status(), 200);
  await page.getByText('0 zaken').waitFor();

  // Without consent: no title, description or name.
  await page.goto(`${BASE}/werkplek/zaken`);
  const rows = page.locator('tbody tr', { hasText: 'Titel verborgen' });
  await rows.locator('a').first().click();
  await page.getByText('geen toestemming gegeven').waitFor();
  const text = await page.content();
  assert.ok(!text.includes('Geheime') && !text.includes('gezondheid') && !text.includes('supermarkt'));
  await checkScreen(page, '05-zaak-zonder-toestemming');

  // With consent: the request and the resident; claim, note.
  await openCase(page, 'mevrouw De Vries');
  await page.getByText('Omschrijving: Boodschappen voor mevrouw De Vries').waitFor();
  await checkScreen(page, '06-zaak-met-toestemming');
  await page.getByRole('button', { name: 'Zaak oppakken' }).click();
  await page.getByText('Gelukt. Zaak opgepakt').waitFor();
  await page.getByLabel('Notitie', { exact: true }).fill('Mevrouw gebeld; dinsdag past haar het best.');
  await page.getByRole('button', { name: 'Notitie toevoegen' }).click();
  await page.getByText('Gelukt. Notitie toegevoegd').waitFor();
  assert.ok(await page.getByText('dinsdag past haar het best').isVisible());
  await checkScreen(page, '07-zaak-in-behandeling');

  await page.getByRole('link', { name: 'Logboek van deze zaak' }).click();
  await page.getByRole('heading', { name: /Logboek van de zaak/ }).waitFor();
  for (const action of ['Naar de gemeente gegaan', 'Zaak bekeken', 'Zaak opgepakt', 'Notitie toegevoegd']) {
    assert.ok(await page.getByRole('cell', { name: action }).first().isVisible(), action);
  }
  await checkScreen(page, '08-logboek');

  // Each outcome.
  const [assign, refer, back, close] = seeded.outcomes.map((o) => o.title);
  const resolve = async (title, fill, shot) => {
    await openCase(page, title);
    await page.getByRole('button', { name: 'Zaak oppakken' }).click();
    await page.getByText('Gelukt. Zaak opgepakt').waitFor();
    if (shot) await checkScreen(page, shot);
    await fill();
    await page.getByText('Gelukt. Zaak afgerond').waitFor();
    assert.ok(await page.getByText('Afgerond').first().isVisible());
  };
  await resolve(assign, async () => {
    const card = page.locator('form.card', { hasText: 'Koppelen aan een vrijwilliger' });
    await card.getByLabel('Aanbod van de vrijwilliger').selectOption({ index: 1 });
    await card.getByRole('button', { name: 'Afronden' }).click();
  }, '09-zaak-afronden');
  await resolve(refer, async () => {
    const card = page.locator('form.card', { hasText: 'Doorverwijzen naar formele zorg' });
    await card.getByLabel('Productcategorie').selectOption('iwmo:06');
    await card.getByRole('button', { name: 'Afronden' }).click();
  });
  assert.ok(await page.getByText('iWmo productcategorie 06').isVisible());
  await resolve(back, async () => {
    const card = page.locator('form.card', { hasText: 'Terugzetten op de hulpmarkt' });
    await card.getByLabel('Nieuwe maximale afstand').fill('20');
    await card.getByRole('button', { name: 'Afronden' }).click();
  });
  await resolve(close, async () => {
    const card = page.locator('form.card', { hasText: 'Zaak sluiten' });
    await card.getByLabel('Uitleg voor de inwoner').fill('De buurtcoach belt u deze week.');
    await card.getByRole('button', { name: 'Afronden' }).click();
  });
  await checkScreen(page, '10-zaak-afgerond');

  // English on request.
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { name: /^Case / }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(`${BASE}/werkplek/zaken`);
  await checkScreen(page, '11-queue-english');
  await page.getByRole('link', { name: 'Nederlands' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  await page.context().close();
});

test('a form without its CSRF token is refused; another municipality sees nothing', async () => {
  const page = await newPage();
  await logIn(page, AMSTERDAM);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.goto(`${BASE}/werkplek/zaken`);
  const hiddenRow = page.locator('tbody tr', { hasText: 'Titel verborgen' });
  await hiddenRow.locator('a').first().click();
  const caseUrl = page.url();
  await page.locator('form[action$="/oppakken"] input[name=csrf]').evaluate((input) => input.remove());
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/oppakken')),
    page.getByRole('button', { name: 'Zaak oppakken' }).click(),
  ]);
  assert.equal(response.status(), 403);
  await page.getByText('formulier is verlopen').waitFor();
  await checkScreen(page, '12-csrf-geweigerd');
  await page.goto(caseUrl);
  assert.ok(await page.getByRole('button', { name: 'Zaak oppakken' }).isVisible(), 'still open');

  const other = await newPage();
  await logIn(other, UTRECHT);
  await other.waitForURL(/\/werkplek\/zaken$/);
  await other.getByText('0 zaken').waitFor();
  const typed = await other.goto(caseUrl);
  assert.equal(typed.status(), 404);
  await other.getByText('hoort niet bij uw gemeente').waitFor();
  assert.ok(!(await other.content()).includes('Boodschappen'));
  await checkScreen(other, '13-andere-gemeente-404');
  await other.context().close();
  await page.context().close();
});

test('the dashboard shows the figures, a map, and downloads the same as CSV', async () => {
  const page = await newPage();
  await logIn(page, AMSTERDAM);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.getByRole('link', { name: 'Cijfers' }).click();
  await page.getByRole('heading', { name: 'Cijfers van de gemeente' }).waitFor();
  assert.ok(await page.locator('svg[role=img] title', { hasText: '1012:' }).count() > 0, 'map marks 1012');
  await checkScreen(page, '15-cijfers');
  await page.locator('svg[aria-labelledby="kaart-titel"]').screenshot({ path: path.join(SHOTS, '15-cijfers-kaart.png') });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download deze cijfers als CSV' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(csv, /^total_requests,,6$/m);
  assert.match(csv, /^escalated_by_reason,resident_request,6$/m);
  // The trend: at the end of today two of the six cases are still open (four were resolved).
  assert.match(csv, /^open_cases,\d{4}-\d{2}-\d{2},2$/m);
  assert.ok(await page.getByRole('table', { name: 'Open zaken per wet' }).isVisible());
  assert.ok(await page.locator('svg[role=img] title', { hasText: 'Open zaken door de tijd' }).count() === 1);
  console.log(`csv ${download.suggestedFilename()}: ${csv.trim().split('\n').length} lines`);
  await page.context().close();
});

test('a request recorded by phone: the form, its errors, the request, a claim code', async () => {
  const page = await newPage();
  await logIn(page, AMSTERDAM);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.getByRole('link', { name: 'Telefonische aanvragen' }).click();
  await page.getByRole('heading', { name: 'Aanvragen voor inwoners' }).waitFor();
  await page.getByText('Er zijn geen aanvragen met dit filter.').waitFor();
  await checkScreen(page, '17-aanvragen');
  await page.getByRole('link', { name: 'Nieuwe aanvraag opnemen' }).click();
  await page.getByRole('heading', { name: 'Aanvraag opnemen voor een inwoner' }).waitFor();
  await checkScreen(page, '18-aanvraag-formulier');

  // Sent half-filled: the form comes back with what was typed and the fields named.
  await page.getByLabel('Naam *').fill('Mevrouw A. Bakker');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/werkplek/aanvragen') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Aanvraag opnemen' }).click(),
  ]);
  assert.ok([400, 422].includes(refused.status()), `status ${refused.status()}`);
  await page.getByRole('heading', { name: 'Controleer deze velden:' }).waitFor();
  assert.equal(await page.getByLabel('Naam *').inputValue(), 'Mevrouw A. Bakker');
  assert.equal(await page.locator('[aria-invalid=true]').count() > 0, true);
  await checkScreen(page, '19-aanvraag-fouten');

  await page.getByLabel('Telefoonnummer *').fill('020 123 4567');
  await page.getByLabel('Aan de telefoon').check();
  await page.getByLabel('Wet *').selectOption('wmo');
  await page.getByLabel('Soort hulp *').selectOption('boodschappen');
  await page.getByLabel('Korte omschrijving *').fill('Boodschappen voor mevrouw Bakker');
  await page.getByLabel('Postcode *').fill('1012');
  await page.getByLabel('dinsdag').check();
  await page.getByLabel('Vanaf (uu:mm)').fill('09:00');
  await page.getByLabel('Tot (uu:mm)').fill('12:00');
  await page.getByRole('button', { name: 'Aanvraag opnemen' }).click();
  await page.waitForURL(/\/werkplek\/aanvragen\/[0-9a-f-]{36}\?gedaan=opgenomen$/);
  await page.getByText('De aanvraag is opgenomen.').waitFor();
  assert.ok(await page.getByText('0201234567').isVisible());
  assert.ok(await page.getByText('Aan de telefoon').isVisible());
  const requestUrl = page.url().replace(/\?.*$/, '');
  await checkScreen(page, '20-aanvraag');

  // The one-time code, shown once.
  await page.getByRole('button', { name: 'Code maken' }).click();
  await page.getByRole('heading', { name: 'Code voor de inwoner' }).waitFor();
  const code = (await page.locator('.claim-code').textContent()).trim();
  assert.match(code, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
  await checkScreen(page, '21-aanvraag-code');

  // Listed; another municipality gets a 404 for it, also by typing its address.
  await page.goto(`${BASE}/werkplek/aanvragen`);
  assert.ok(await page.getByRole('link', { name: 'Mevrouw A. Bakker' }).isVisible());
  const other = await newPage();
  await logIn(other, UTRECHT);
  await other.waitForURL(/\/werkplek\/zaken$/);
  assert.equal((await other.goto(requestUrl)).status(), 404);
  await other.goto(`${BASE}/werkplek/aanvragen`);
  assert.ok(!(await other.content()).includes('Bakker'));
  await other.context().close();

  // Withdrawn at the resident's wish.
  await page.goto(requestUrl);
  await page.getByRole('button', { name: 'Aanvraag intrekken' }).click();
  await page.getByText('De aanvraag is ingetrokken.').waitFor();
  assert.ok(await page.getByText('Ingetrokken').first().isVisible());
  await page.context().close();
});

test('an admin who is a case worker sets the municipality\'s settings', async () => {
  const page = await newPage();
  await logIn(page, BEHEER);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.getByRole('link', { name: 'Beheer' }).click();
  await page.getByRole('heading', { name: 'Beheer van de gemeente' }).waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Sanne Jansen', exact: true }).isVisible());
  await checkScreen(page, '16-beheer');
  await page.getByLabel('Maanden voordat afgeronde hulpvragen worden geanonimiseerd').fill('18');
  await page.getByRole('button', { name: 'Instellingen opslaan' }).click();
  await page.getByText('Gelukt.').waitFor();
  assert.equal(await page.getByLabel('Maanden voordat afgeronde hulpvragen worden geanonimiseerd').inputValue(), '18');
  await page.context().close();
  // A case worker who is no admin has no such page.
  const plain = await newPage();
  await logIn(plain, AMSTERDAM);
  await plain.waitForURL(/\/werkplek\/zaken$/);
  assert.equal(await plain.getByRole('link', { name: 'Beheer' }).count(), 0);
  assert.equal((await plain.goto(`${BASE}/werkplek/beheer`)).status(), 404);
  await plain.context().close();
});

test('logging out ends the session, and so does idling', async () => {
  const page = await newPage();
  await logIn(page, AMSTERDAM);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.getByText('U bent uitgelogd').waitFor();
  await page.goto(`${BASE}/werkplek/zaken`);
  assert.match(page.url(), /\/werkplek\/inloggen/);

  await logIn(page, AMSTERDAM);
  await page.waitForURL(/\/werkplek\/zaken$/);
  await page.waitForTimeout((IDLE_SECONDS + 1) * 1000);
  await page.goto(`${BASE}/werkplek/zaken`);
  assert.match(page.url(), /\/werkplek\/inloggen\?verlopen=1/);
  await page.getByText('een tijd niet actief').waitFor();
  await checkScreen(page, '14-sessie-verlopen');
  await page.context().close();
});
