#!/usr/bin/env node
// Sends a file of contributions (data/teams/contributions/*.json) to a running Cradle through
// POST /api/contributions, then accepts each as a key holder (with the reviewer's edits in
// "accept_with"), so that the change log shows each change with its source and contribution.
//   CRADLE_URL=http://127.0.0.1:8080 KEY=crd_… node scripts/apply-contributions.mjs FILE
import { readFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
const base = process.env.CRADLE_URL ?? 'http://127.0.0.1:8080';
const key = process.env.KEY;
if (!file || !key) {
  console.error('usage: CRADLE_URL=… KEY=… node scripts/apply-contributions.mjs FILE');
  process.exit(2);
}
const json = { 'content-type': 'application/json', accept: 'application/json' };
const asReviewer = { ...json, authorization: `Bearer ${key}` };
const { contributions } = JSON.parse(readFileSync(file, 'utf8'));
let failed = 0;
for (const c of contributions) {
  const { accept_with: edits, ...body } = c;
  const sent = await fetch(`${base}/api/contributions`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const receipt = await sent.json();
  if (sent.status !== 202) { console.error(`${c.team_id ?? c.kind}: refused: ${JSON.stringify(receipt)}`); failed++; continue; }
  let acceptBody = {};
  if (edits) {
    const queue = await (await fetch(`${base}/api/contributions`, { headers: asReviewer })).json();
    const item = queue.contributions.find((x) => x.ref === receipt.ref);
    const { needs_reconfirming, ...row } = item.proposed_team;
    acceptBody = { team: { ...row, ...edits } };
  }
  const accepted = await fetch(`${base}/api/contributions/${receipt.ref}/accept`, { method: 'POST', headers: asReviewer, body: JSON.stringify(acceptBody) });
  const decided = await accepted.json();
  if (!accepted.ok) { console.error(`${receipt.ref} (${c.team_id}): not accepted: ${JSON.stringify(decided)}`); failed++; continue; }
  console.log(`${receipt.ref}\t${c.team_id ?? c.evidence?.area_code}\taccepted at data version ${decided.data_version}`);
}
process.exit(failed ? 1 : 0);
