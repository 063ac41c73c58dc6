// Unit tests of the flow-control windows (RFC 9113 5.2, 6.9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RecvWindow, SendWindow } from '../../src/http2/flow-control.js';

const MAX = 2 ** 31 - 1;

describe('SendWindow', () => {
  it('consumes and refills', () => {
    const w = new SendWindow(100);
    w.consume(60);
    assert.equal(w.available, 40);
    assert.ok(w.increase(10));
    assert.equal(w.window, 50);
  });

  it('refuses to send beyond the window', () => {
    const w = new SendWindow(10);
    assert.throws(() => w.consume(11), RangeError);
  });

  it('reports overflow past 2^31-1 without changing the window (6.9.1)', () => {
    const w = new SendWindow(MAX - 5);
    assert.equal(w.increase(6), false);
    assert.equal(w.window, MAX - 5);
    assert.ok(w.increase(5));
    assert.equal(w.window, MAX);
  });

  it('can go negative after a SETTINGS decrease, and then has nothing available (6.9.2)', () => {
    const w = new SendWindow(100);
    w.consume(100);
    assert.ok(w.adjust(-50));
    assert.equal(w.window, -50);
    assert.equal(w.available, 0);
    assert.ok(w.increase(60));
    assert.equal(w.available, 10);
  });

  it('adjust reports overflow (6.9.2 FLOW_CONTROL_ERROR)', () => {
    const w = new SendWindow(MAX);
    assert.equal(w.adjust(1), false);
  });
});

describe('RecvWindow', () => {
  it('accepts data up to the window and flags more (6.9.1)', () => {
    const w = new RecvWindow(100);
    assert.ok(w.receive(100));
    assert.equal(w.receive(1), false);
  });

  it('batches WINDOW_UPDATEs: nothing until half the window is consumed', () => {
    const w = new RecvWindow(1000);
    assert.ok(w.receive(600));
    assert.equal(w.release(400), 0);
    assert.equal(w.release(100), 500);
    assert.equal(w.window, 900);
  });

  it('gives credit back at once when the sender is stalled (window 0)', () => {
    const w = new RecvWindow(1000);
    assert.ok(w.receive(1000));
    assert.equal(w.release(10), 10);
  });

  it('tracks unreleased bytes (received but not yet consumed)', () => {
    const w = new RecvWindow(1000);
    w.receive(300);
    assert.equal(w.unreleased, 300);
    w.release(100);
    assert.equal(w.unreleased, 200);
  });

  it('grow raises the target (connection window after the preface)', () => {
    const w = new RecvWindow(65535);
    assert.equal(w.grow(1 << 20), (1 << 20) - 65535);
    assert.equal(w.window, 1 << 20);
    assert.equal(w.grow(100), 0);
  });

  it('adjust follows an acknowledged INITIAL_WINDOW_SIZE change, possibly negative', () => {
    const w = new RecvWindow(100);
    w.receive(100);
    w.adjust(-50);
    assert.equal(w.window, -50);
    assert.equal(w.receive(1), false);
  });

  it('property: the peer can never be owed more than the target, and never stalls with everything consumed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 20 }), fc.array(fc.integer({ min: 0, max: 1 << 16 }), { maxLength: 200 }), (target, sizes) => {
        const w = new RecvWindow(target);
        let buffered = 0;
        for (const n of sizes) {
          const send = Math.min(n, w.window);
          if (send > 0) {
            assert.ok(w.receive(send));
            buffered += send;
          }
          // the application consumes everything buffered
          w.release(buffered);
          buffered = 0;
          assert.ok(w.window <= target);
          assert.ok(w.window > 0, 'a window stuck at 0 with nothing buffered would deadlock');
        }
      }),
    );
  });
});
