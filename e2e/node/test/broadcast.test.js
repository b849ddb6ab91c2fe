'use strict';
// Call broadcast with first-claim-wins: StasisBroadcast() offers a call to
// two applications (two separate Node clients); both race to
// POST /events/claim; exactly one wins and gets StasisStart, the other 409.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ariRequest } = require('../lib/server');
const { connectApp, stopApp } = require('../lib/ari');
const { waitFor, eventually, settle } = require('../lib/events');

let server;
const clients = [];

test.before(async () => {
  server = await startServer();
});
test.after(async () => {
  clients.forEach(stopApp);
  await server?.stop();
});

/**
 * An application that claims every call offered to it, as soon as it is
 * offered, and records what happened.
 */
async function racer(name) {
  const ari = await connectApp(server, name);
  clients.push(ari);
  const seen = { name, ari, offers: [], claims: [], claimed: [], starts: [] };
  ari.on('CallBroadcast', (event, channel) => {
    seen.offers.push({ id: channel.id, caller: event.caller, called: event.called });
    ari.events
      .claimChannel({ channelId: channel.id, application: name })
      .then(() => seen.claims.push({ id: channel.id, won: true }))
      .catch((err) => seen.claims.push({ id: channel.id, won: false, error: err.message }));
  });
  ari.on('CallClaimed', (event, channel) => {
    seen.claimed.push({ id: channel.id, winner: event.winner_app });
  });
  ari.on('StasisStart', (event, channel) => {
    seen.starts.push({ id: channel.id, args: event.args });
  });
  return seen;
}

test(
  'two applications race to claim a broadcast call: one wins, the other gets 409',
  async () => {
    const a = await racer('race-a');
    const b = await racer('race-b');
    // Not offered the call: its name does not match the broadcast's filter.
    const bystander = await racer('bystander');

    // The caller: Local/100@broadcast;2 runs StasisBroadcast(); ;1 just waits.
    const caller = await a.ari.channels.originate({
      endpoint: 'Local/100@broadcast',
      extension: 'answer',
      context: 'e2e',
      otherChannelId: 'offered',
    });
    assert.ok(caller.id);

    await eventually(() => a.claims.length === 1 && b.claims.length === 1, 'both claims answered');
    for (const r of [a, b]) {
      assert.equal(r.offers.length, 1, `${r.name} was offered the call once`);
      assert.equal(r.offers[0].id, 'offered');
      assert.equal(r.offers[0].called, '100');
    }
    assert.deepEqual(bystander.offers, []);

    const winners = [a, b].filter((r) => r.claims[0].won);
    const losers = [a, b].filter((r) => !r.claims[0].won);
    assert.equal(winners.length, 1, `exactly one claim wins: ${JSON.stringify([a.claims, b.claims])}`);
    const [winner] = winners;
    const [loser] = losers;

    // The winner has the call, exactly as Stasis(race-x,100) would have given it.
    await eventually(() => winner.starts.length === 1, 'StasisStart for the winner');
    assert.deepEqual(winner.starts, [{ id: 'offered', args: ['100'] }]);
    await settle();
    assert.deepEqual(loser.starts, []);
    assert.deepEqual(bystander.starts, []);
    const app = await winner.ari.applications.get({ applicationName: winner.name });
    assert.deepEqual(app.channel_ids, ['offered']);

    // CallClaimed (notify_claimed on) tells the applications offered the call who won.
    await eventually(() => loser.claimed.length === 1, 'CallClaimed for the loser');
    assert.deepEqual(loser.claimed, [{ id: 'offered', winner: winner.name }]);
    for (const c of winner.claimed) assert.deepEqual(c, { id: 'offered', winner: winner.name });
    assert.deepEqual(bystander.claimed, []);

    // The losing claim was a 409; so is any later claim while the call is in the winner.
    const late = await ariRequest(server, 'POST', `/events/claim?channelId=offered&application=${loser.name}`);
    assert.equal(late.status, 409, late.text);
    // Not a broadcast call at all: 404. A required parameter missing: 400.
    const notOffered = await ariRequest(server, 'POST', `/events/claim?channelId=${caller.id}&application=${loser.name}`);
    assert.equal(notOffered.status, 404, notOffered.text);
    const missing = await ariRequest(server, 'POST', '/events/claim?channelId=offered');
    assert.equal(missing.status, 400, missing.text);

    // The winner hangs up; the call is gone for everybody.
    const ended = waitFor(winner.ari, 'StasisEnd', (e) => e.channel.id === 'offered');
    await winner.ari.channels.hangup({ channelId: 'offered' });
    await ended;
    // The session is over: a claim now finds no broadcast.
    await eventually(
      async () => (await ariRequest(server, 'POST', `/events/claim?channelId=offered&application=${loser.name}`)).status === 404,
      'a claim after the session ended is 404',
    );
    await eventually(async () => (await a.ari.channels.list()).length === 0, 'no channel left');
  },
);
