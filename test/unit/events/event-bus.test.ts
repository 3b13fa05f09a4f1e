import { EventBus } from '../../../src/events/event-bus';
import { quietLogger } from '../../helpers/logger';

const base = { jobId: 'j1', jobType: 't', queue: 'q' };

describe('EventBus', () => {
  it('delivers typed events and removes listeners', () => {
    const bus = new EventBus(quietLogger());
    const seen: string[] = [];
    const off = bus.on('job.deleted', (e) => seen.push(`${e.jobId}:${e.wasRunning}`));
    bus.emit('job.deleted', { ...base, wasRunning: true });
    off();
    bus.emit('job.deleted', { ...base, wasRunning: false });
    expect(seen).toEqual(['j1:true']);
  });

  it('reports a throwing or rejecting listener as an error event and keeps calling the others', async () => {
    const bus = new EventBus(quietLogger());
    const errors: string[] = [];
    const calls: string[] = [];
    bus.on('error', (e) => errors.push(`${e.context}: ${e.error.message}`));
    bus.on('job.deleted', () => {
      throw new Error('boom');
    });
    bus.on('job.deleted', () => Promise.reject('later'));
    bus.on('job.deleted', () => calls.push('third'));
    expect(() => bus.emit('job.deleted', { ...base, wasRunning: false })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['third']);
    expect(errors).toEqual([
      "a 'job.deleted' listener threw: boom",
      "a 'job.deleted' listener threw: later",
    ]);
  });

  it('does not loop when an error listener throws', () => {
    const bus = new EventBus(quietLogger());
    bus.on('error', () => {
      throw new Error('listener broken');
    });
    expect(() => bus.emit('error', { error: new Error('x'), context: 'test' })).not.toThrow();
  });
});
