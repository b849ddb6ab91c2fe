'use strict';
// Resource instances made before the resource exists (ari.Channel()), with
// listeners registered first so the first event is not missed; instance
// listeners with on, once, removeListener and removeAllListeners.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { connectApp, stopApp } = require('../lib/ari');
const { waitFor, eventually, settle } = require('../lib/events');

const APP = 'instances';
let server;
let ari;

test.before(async () => {
  server = await startServer();
  ari = await connectApp(server, APP);
});
test.after(async () => {
  stopApp(ari);
  await server?.stop();
});

/** Sets a variable on the channel and waits for the client to have seen its ChannelVarset. */
async function setVar(channel, variable, value) {
  const seen = waitFor(ari, 'ChannelVarset', (e) => e.variable === variable && e.channel.id === channel.id);
  await channel.setChannelVar({ variable, value });
  await seen;
  // Instance listeners run right after client-level ones, in the same turn;
  // give anything queued behind them a moment too.
  await settle();
}

test('originate with the generated id of an instance made beforehand', async () => {
  const channel = ari.Channel();
  assert.match(channel.id, /^[0-9a-f-]{36}$/, 'ari.Channel() generates a uuid');

  const starts = [];
  const states = [];
  channel.on('StasisStart', (event, instance) => starts.push({ event, instance }));
  channel.on('ChannelStateChange', (event, instance) => states.push(instance.state));
  const ended = [];
  channel.once('StasisEnd', (event, instance) => ended.push(instance.id));

  const originated = await channel.originate({
    endpoint: 'Local/answer@e2e',
    app: APP,
    appArgs: 'dialed,second',
  });
  assert.equal(originated.id, channel.id, 'the server used the generated id');
  assert.match(originated.name, /^Local\/answer@e2e-[0-9a-f]+;1$/);

  await eventually(() => starts.length === 1, 'StasisStart on the instance listener');
  const [{ event, instance }] = starts;
  assert.equal(event.type, 'StasisStart');
  assert.equal(event.application, APP);
  assert.deepEqual(event.args, ['dialed', 'second']);
  assert.equal(instance.id, channel.id);
  assert.equal(instance.state, 'Up');
  assert.equal(typeof instance.answer, 'function', 'the event carries a live Channel instance');
  // The far half answered before StasisStart: the state change was not missed.
  assert.deepEqual(states, ['Up']);

  // Operations on the instance the event handed over act on the channel.
  const fetched = await instance.get();
  assert.equal(fetched.id, channel.id);
  assert.equal(fetched.dialplan.app_name, 'Stasis');

  await channel.hangup();
  await eventually(() => ended.length === 1, 'StasisEnd on the once listener');
  assert.deepEqual(ended, [channel.id]);
  await settle();
  assert.equal(starts.length, 1);
});

test('once, removeListener and removeAllListeners on an instance', async () => {
  const channel = ari.Channel();
  const started = waitFor(ari, 'StasisStart', (e) => e.channel.id === channel.id);
  await channel.originate({ endpoint: 'Local/answer@e2e', app: APP });
  await started;

  const calls = { on: [], once: [], removed: [], allA: [], allB: [] };
  const record = (name) => (event, instance) => {
    assert.equal(instance.id, channel.id);
    if (event.variable.startsWith('E2E_')) calls[name].push(`${event.variable}=${event.value}`);
  };
  const onListener = record('on');
  const removedListener = record('removed');
  channel.on('ChannelVarset', onListener);
  channel.once('ChannelVarset', record('once'));
  channel.on('ChannelVarset', removedListener);

  await setVar(channel, 'E2E_A', '1');
  assert.deepEqual(calls.on, ['E2E_A=1']);
  assert.deepEqual(calls.once, ['E2E_A=1']);
  assert.deepEqual(calls.removed, ['E2E_A=1']);

  // once: not called again. removeListener: that listener only.
  channel.removeListener('ChannelVarset', removedListener);
  await setVar(channel, 'E2E_B', '2');
  assert.deepEqual(calls.on, ['E2E_A=1', 'E2E_B=2']);
  assert.deepEqual(calls.once, ['E2E_A=1']);
  assert.deepEqual(calls.removed, ['E2E_A=1']);

  // removeAllListeners: every listener of that event on this instance.
  channel.on('ChannelVarset', record('allA'));
  channel.on('ChannelVarset', record('allB'));
  await setVar(channel, 'E2E_C', '3');
  assert.deepEqual(calls.allA, ['E2E_C=3']);
  assert.deepEqual(calls.allB, ['E2E_C=3']);
  channel.removeAllListeners('ChannelVarset');
  await setVar(channel, 'E2E_D', '4');
  assert.deepEqual(calls, {
    on: ['E2E_A=1', 'E2E_B=2', 'E2E_C=3'],
    once: ['E2E_A=1'],
    removed: ['E2E_A=1'],
    allA: ['E2E_C=3'],
    allB: ['E2E_C=3'],
  });

  // Listeners of one instance do not hear another channel's events.
  const other = ari.Channel();
  const heard = [];
  other.on('ChannelVarset', (e) => heard.push(e.variable));
  const otherStarted = waitFor(ari, 'StasisStart', (e) => e.channel.id === other.id);
  await other.originate({ endpoint: 'Local/answer@e2e', app: APP });
  await otherStarted;
  heard.length = 0;
  await setVar(channel, 'E2E_E', '5');
  assert.deepEqual(heard, []);
  await setVar(other, 'E2E_F', '6');
  assert.deepEqual(heard, ['E2E_F']);

  // The value is on the channel.
  assert.deepEqual(await channel.getChannelVar({ variable: 'E2E_D' }), { value: '4' });

  const gone = Promise.all(
    [channel, other].map((c) => waitFor(ari, 'ChannelDestroyed', (e) => e.channel.id === c.id)),
  );
  await channel.hangup();
  await other.hangup();
  await gone;
  await eventually(async () => (await ari.channels.list()).length === 0, 'no channel left');
});

test('create, then dial, with instance listeners registered first', async () => {
  const channel = ari.Channel();
  const seen = [];
  channel.on('StasisStart', (e, c) => seen.push(['StasisStart', c.state]));
  channel.on('ChannelStateChange', (e, c) => seen.push(['ChannelStateChange', c.state]));
  const created = await channel.create({ endpoint: 'Local/answer@e2e', app: APP });
  assert.equal(created.id, channel.id);
  assert.equal(created.state, 'Down');
  await eventually(() => seen.length === 1, 'StasisStart of the created channel');
  assert.deepEqual(seen, [['StasisStart', 'Down']]);

  await channel.dial({ timeout: 5 });
  await eventually(() => seen.length === 2, 'the channel went up');
  assert.deepEqual(seen[1], ['ChannelStateChange', 'Up']);

  const destroyed = waitFor(ari, 'ChannelDestroyed', (e) => e.channel.id === channel.id);
  await channel.hangup();
  await destroyed;
});
