import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../functions/layers/token-manager/src/token-manager/single-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('SingleFlight', () => {
  it('lets later callers join the running flight, and forgets it once it settles', async () => {
    const flights = new SingleFlight<string>();
    const work = deferred<string>();
    const started = flights.start('1', () => work.promise);
    expect(flights.get('1')).toBe(started);
    work.resolve('token');
    await expect(started).resolves.toBe('token');
    expect(flights.get('1')).toBeUndefined();
  });

  it('forgets a failed flight too', async () => {
    const flights = new SingleFlight<string>();
    await expect(flights.start('1', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(flights.get('1')).toBeUndefined();
  });

  it('leaves a newer flight alone when an abandoned one settles', async () => {
    const flights = new SingleFlight<string>();
    const old = deferred<string>();
    const oldFlight = flights.start('1', () => old.promise);
    flights.forget('1');
    const newer = flights.start('1', () => new Promise<string>(() => undefined));
    old.resolve('old');
    await oldFlight;
    expect(flights.get('1')).toBe(newer);
  });
});
