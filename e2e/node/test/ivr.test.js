'use strict';
// The example application of ari-client's README (StasisStart -> answer ->
// react to DTMF -> hang up on #), run against ari-server. The caller is a
// Local channel whose far half answers and sends 1, 2, * and # with SendDTMF().
// The announcements are short generated tones, so the run takes about a second.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { startServer } = require('../lib/server');
const { makeSounds } = require('../lib/sounds');
const { connectApp, stopApp } = require('../lib/ari');
const { waitFor, eventually } = require('../lib/events');

/**
 * The README example (Promise flavour), with two changes for a test: it
 * records what it does in `trace` instead of only acting, and it ends with
 * the hangup instead of process.exit(0). With `withMedia` false it skips the
 * announcements (play() resolves at once) and is otherwise the same program.
 */
function ivrApp(ari, { withMedia, trace }) {
  ari.once('StasisStart', channelJoined);

  const started = Date.now();
  function channelJoined(event, incoming) {
    trace.push(['StasisStart', incoming.id]);
    incoming.on('ChannelDtmfReceived', dtmfReceived);
    incoming
      .answer()
      .then(function () {
        trace.push(['answered']);
        return play(incoming, 'sound:hello-world');
      })
      .catch(function (err) {
        trace.push(['error', 'answer/play', err.message]);
      });
  }

  function dtmfReceived(event, channel) {
    const digit = event.digit;
    trace.push(['digit', digit]);
    switch (digit) {
      case '#':
        play(channel, 'sound:vm-goodbye')
          .then(function () {
            return channel.hangup();
          })
          .then(function () {
            trace.push(['hungup']);
          })
          .catch(function (err) {
            trace.push(['error', 'goodbye/hangup', err.message]);
          });
        break;
      case '*':
        play(channel, 'sound:tt-monkeys');
        break;
      default:
        play(channel, util.format('sound:digits/%s', digit));
    }
  }

  function play(channel, sound) {
    if (!withMedia) return Promise.resolve();
    const playback = ari.Playback();
    return new Promise(function (resolve, reject) {
      playback.on('PlaybackFinished', function (event, playback) {
        trace.push(['played', sound, playback.state, Date.now() - started]);
        resolve(playback);
      });
      channel.play({ media: sound }, playback).catch(function (err) {
        trace.push(['error', 'play ' + sound, err.message]);
        reject(err);
      });
    });
  }
}

// The announcements the example plays, in ms.
const SOUNDS = { 'hello-world': 300, 'digits/1': 100, 'digits/2': 100, 'tt-monkeys': 200, 'vm-goodbye': 200 };
let server;
let soundDir;
test.before(async () => {
  soundDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ari-e2e-sounds-'));
  makeSounds(soundDir, SOUNDS);
  server = await startServer({ config: `sound_dirs = [${JSON.stringify(soundDir)}]\n` });
});
test.after(async () => {
  await server?.stop();
  if (soundDir) fs.rmSync(soundDir, { recursive: true, force: true });
});

async function runIvr(t, { withMedia, timeoutMs }) {
  const app = withMedia ? 'hello-media' : 'hello';
  const ari = await connectApp(server, app);
  t.after(() => stopApp(ari));
  const trace = [];
  ivrApp(ari, { withMedia, trace });

  // The caller: Local/dtmf@e2e, whose ;1 half is handed to the application.
  const ended = waitFor(ari, 'StasisEnd', () => true, timeoutMs);
  const destroyed = waitFor(ari, 'ChannelDestroyed', () => true, timeoutMs);
  // Awaited below; kept from being reported as unhandled if originate fails first.
  ended.catch(() => {});
  destroyed.catch(() => {});
  const channel = await ari.channels.originate({ endpoint: 'Local/dtmf@e2e', app });
  assert.match(channel.name, /^Local\/dtmf@e2e-[0-9a-f]+;1$/);

  const [endEvent, endChannel] = await ended;
  assert.equal(endEvent.type, 'StasisEnd');
  assert.equal(endEvent.application, app);
  assert.equal(endChannel.id, channel.id);
  const [destroyedEvent] = await destroyed;
  assert.equal(destroyedEvent.channel.id, channel.id);
  assert.equal(destroyedEvent.cause, 16, 'the application hung up: Normal Clearing');
  // The hangup's response may come after StasisEnd.
  await eventually(() => trace.some((e) => e[0] === 'hungup'), 'the hangup completed');

  // Both halves are gone.
  await eventually(async () => (await ari.channels.list()).length === 0, 'no channel left');
  return { channel, trace };
}

test('the ari-client README example: answer, DTMF 1 2 * #, hang up', async (t) => {
  const { channel, trace } = await runIvr(t, { withMedia: false, timeoutMs: 5_000 });
  assert.deepEqual(trace, [
    ['StasisStart', channel.id],
    ['answered'],
    ['digit', '1'],
    ['digit', '2'],
    ['digit', '*'],
    ['digit', '#'],
    ['hungup'],
  ]);
});

test(
  'the ari-client README example with its announcements',
  async (t) => {
    const { channel, trace } = await runIvr(t, { withMedia: true, timeoutMs: 10_000 });
    assert.deepEqual(
      trace.filter((e) => e[0] !== 'played'),
      [
        ['StasisStart', channel.id],
        ['answered'],
        ['digit', '1'],
        ['digit', '2'],
        ['digit', '*'],
        ['digit', '#'],
        ['hungup'],
      ],
    );
    // Playbacks on a channel are queued: each plays to the end, in the order
    // started, and the goodbye finishes before the hangup.
    const played = trace.filter((e) => e[0] === 'played');
    assert.deepEqual(
      played.map((e) => [e[1], e[2]]),
      ['hello-world', 'digits/1', 'digits/2', 'tt-monkeys', 'vm-goodbye'].map((s) => [`sound:${s}`, 'done']),
    );
    const goodbye = trace.findIndex((e) => e[0] === 'played' && e[1] === 'sound:vm-goodbye');
    assert.ok(goodbye < trace.findIndex((e) => e[0] === 'hungup'));
    // Media is real time: the queue of announcements took about as long as it lasts.
    const total = Object.values(SOUNDS).reduce((a, b) => a + b, 0);
    assert.ok(played.at(-1)[3] >= total - 100, `all played after ${played.at(-1)[3]} ms, expected about ${total}`);
  },
);
