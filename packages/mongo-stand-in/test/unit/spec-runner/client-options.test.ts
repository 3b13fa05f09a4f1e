import { singleServerUri, toClientOptions } from '../../spec-runner/client-options';
import { UnsupportedFeatureError } from '../../spec-runner/unsupported-feature.error';

const standalone = {
  uri: 'mongodb://127.0.0.1:27017/?directConnection=true',
  topology: 'single',
} as const;

describe('toClientOptions', () => {
  it('applies uriOptions over the defaults', () => {
    const options = toClientOptions(
      { id: 'c', uriOptions: { retryWrites: false, w: 'majority', readConcernLevel: 'local' } },
      standalone,
    );
    expect(options).toMatchObject({
      serverSelectionTimeoutMS: 10_000,
      retryWrites: false,
      w: 'majority',
      readConcernLevel: 'local',
    });
    expect(options.monitorCommands).toBeUndefined();
  });

  it('turns command monitoring on for observed or stored command events', () => {
    expect(
      toClientOptions({ id: 'c', observeEvents: ['commandStartedEvent'] }, standalone),
    ).toMatchObject({
      monitorCommands: true,
    });
    expect(
      toClientOptions(
        { id: 'c', storeEventsAsEntities: [{ id: 'e', events: ['CommandFailedEvent'] }] },
        standalone,
      ).monitorCommands,
    ).toBe(true);
    expect(
      toClientOptions({ id: 'c', observeEvents: ['poolCreatedEvent'] }, standalone).monitorCommands,
    ).toBeUndefined();
  });

  it('ignores useMultipleMongoses unless a sharded cluster is reached through one mongos', () => {
    expect(() => toClientOptions({ id: 'c', useMultipleMongoses: true }, standalone)).not.toThrow();
    const oneMongos = { uri: 'mongodb://m1:27017/', topology: 'sharded' } as const;
    expect(() => toClientOptions({ id: 'c', useMultipleMongoses: true }, oneMongos)).toThrow(
      UnsupportedFeatureError,
    );
    expect(() => toClientOptions({ id: 'c', useMultipleMongoses: false }, oneMongos)).not.toThrow();
    const twoMongoses = { uri: 'mongodb://u:p@m1:27017,m2:27017/', topology: 'sharded' } as const;
    expect(() =>
      toClientOptions({ id: 'c', useMultipleMongoses: true }, twoMongoses),
    ).not.toThrow();
  });
});

describe('singleServerUri', () => {
  it('keeps credentials, path and options, and connects directly to the one server', () => {
    expect(
      singleServerUri('mongodb://u:p@m1:27017,m2:27017/admin?replicaSet=rs&w=1', 'm2:27017'),
    ).toBe('mongodb://u:p@m2:27017/admin?w=1&directConnection=true');
    expect(singleServerUri('mongodb://m1:27017', 'm1:27017')).toBe(
      'mongodb://m1:27017/?directConnection=true',
    );
  });
});
