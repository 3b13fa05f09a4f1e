import {
  hrefs,
  listQueryString,
  parseRoute,
  readBatchListQuery,
  readListQuery,
} from '../../../packages/dashboard-ui/src/app/routes';
import { batchesApiPath } from '../../../packages/dashboard-ui/src/pages/batch-list-api';
import { bulkFilterOf, listApiPath } from '../../../packages/dashboard-ui/src/pages/job-list-api';
import { uiPageAt } from '../../../src/dashboard/ui-pages';

describe('web UI routes', () => {
  it('reads every page the server answers 200 for, and nothing else', () => {
    expect(uiPageAt('')).toEqual({ page: 'overview' });
    expect(uiPageAt('jobs/all')).toEqual({ page: 'jobs', state: 'all' });
    expect(uiPageAt('jobs/failed')).toEqual({ page: 'jobs', state: 'failed' });
    expect(uiPageAt('job/a%2Fb')).toEqual({ page: 'job', id: 'a/b' });
    expect(uiPageAt('job/%E0%A4%A')).toEqual({ page: 'invalid-link' });
    expect(uiPageAt('enqueue')).toEqual({ page: 'enqueue' });
    expect(uiPageAt('charts')).toEqual({ page: 'charts' });
    expect(uiPageAt('recurring/new')).toEqual({ page: 'recurring-form', id: null });
    expect(uiPageAt('recurring/edit/nightly%20run')).toEqual({
      page: 'recurring-form',
      id: 'nightly run',
    });
    expect(uiPageAt('batches')).toEqual({ page: 'batches' });
    expect(uiPageAt('batches/a%2Fb')).toEqual({ page: 'batch', id: 'a/b' });
    expect(uiPageAt('batches/%E0%A4%A')).toEqual({ page: 'invalid-link' });
    for (const path of [
      'jobs/nope',
      'jobs',
      'job/',
      'recurring/edit/',
      'recurring/x',
      'a/b/c',
      'batches/',
      'batches/a/b',
    ]) {
      expect(uiPageAt(path)).toBeNull();
    }
  });

  it('keeps a job list in its URL: filters, payload fields, order and page', () => {
    const href = hrefs.jobs('/ops/', 'failed', {
      filters: { typePrefix: 'billing.', errorContains: ' smtp ', createdFrom: '' },
      payload: [
        ['customer.id', '42'],
        ['', 'ignored'],
      ],
      sort: 'finishedAt',
      direction: 'asc',
      cursor: 'abc',
      pageNumber: 3,
    });
    expect(href).toBe(
      '/ops/jobs/failed?typePrefix=billing.&errorContains=smtp&payload.customer.id=42&sort=finishedAt&direction=asc&cursor=abc&page=3',
    );
    const route = parseRoute('/ops/', '/ops/jobs/failed', href.slice(href.indexOf('?')));
    expect(route).toEqual({
      page: 'jobs',
      state: 'failed',
      query: {
        filters: { typePrefix: 'billing.', errorContains: 'smtp' },
        payload: [['customer.id', '42']],
        sort: 'finishedAt',
        direction: 'asc',
        cursor: 'abc',
        pageNumber: 3,
      },
    });
    // Unknown values fall back; a page number without a cursor is the first page; the
    // older `search` parameter is the id prefix.
    expect(readListQuery('?sort=payload&direction=up&page=4&search=01J')).toEqual({
      filters: { idPrefix: '01J' },
      payload: [],
      sort: '',
      direction: '',
      cursor: '',
      pageNumber: 1,
    });
    expect(listQueryString({})).toBe('');
    expect(parseRoute('/ops/', '/elsewhere/', '')).toEqual({ page: 'not-found' });
    expect(parseRoute('/', '/enqueue', '?type=a.b')).toEqual({ page: 'enqueue', type: 'a.b' });
    expect(hrefs.enqueue('/', 'a b')).toBe('/enqueue?type=a+b');
    expect(hrefs.recurringForm('/', 'x/y')).toBe('/recurring/edit/x%2Fy');
  });

  it('asks the API for what the list shows, and builds the same filter for bulk actions', () => {
    const query = readListQuery(
      '?queue=billing&createdFrom=2026-12-01T00:00:00.000Z&payload.customer.id=42&payload.vip=true&payload.note=x',
    );
    expect(listApiPath('failed', { ...query, cursor: 'c2' }, 20)).toBe(
      'jobs?state=failed&queue=billing&createdFrom=2026-12-01T00%3A00%3A00.000Z&payload.customer.id=42&payload.vip=true&payload.note=x&limit=20&cursor=c2',
    );
    expect(listApiPath('all', readListQuery(''), 20)).toBe('jobs?limit=20');
    expect(bulkFilterOf('failed', query)).toEqual({
      state: 'failed',
      queue: 'billing',
      createdAt: { from: '2026-12-01T00:00:00.000Z' },
      // As the list reads a query string: a number or boolean, or the same text.
      payload: { 'customer.id': ['42', 42], vip: ['true', true], note: ['x'] },
    });
    expect(bulkFilterOf('all', readListQuery(''))).toBeNull();
    expect(bulkFilterOf('all', readListQuery('?dueTo=2027-01-01T00:00:00Z'))).toEqual({
      dueAt: { to: '2027-01-01T00:00:00Z' },
    });
  });

  it('reads the tag filter of a job list, and gives it to the bulk actions as tags', () => {
    const query = readListQuery('?tag=a%2Cb&state=failed');
    expect(query.filters).toEqual({ tag: 'a,b' });
    expect(listApiPath('failed', query, 20)).toBe('jobs?state=failed&tag=a%2Cb&limit=20');
    expect(bulkFilterOf('all', query)).toEqual({ tags: ['a,b'] });
  });

  it('reads the batch filter of a job list, and gives it to the bulk actions as batchId', () => {
    const query = readListQuery('?batch=b1&state=failed');
    expect(query.filters).toEqual({ batch: 'b1' });
    expect(listApiPath('failed', query, 20)).toBe('jobs?state=failed&batch=b1&limit=20');
    expect(bulkFilterOf('all', query)).toEqual({ batchId: 'b1' });
    expect(hrefs.jobs('/', 'all', { filters: { batch: 'b/1' } })).toBe('/jobs/all?batch=b%2F1');
  });

  it('keeps the list of batches in its URL: state, parent and page', () => {
    const href = hrefs.batches('/ops/', {
      state: 'started',
      parent: 'p1',
      cursor: 'c9',
      pageNumber: 3,
    });
    expect(href).toBe('/ops/batches?state=started&parent=p1&cursor=c9&page=3');
    const route = parseRoute('/ops/', '/ops/batches', href.slice(href.indexOf('?')));
    expect(route).toEqual({
      page: 'batches',
      query: { state: 'started', parent: 'p1', cursor: 'c9', pageNumber: 3 },
    });
    expect(batchesApiPath(readBatchListQuery(href.slice(href.indexOf('?'))), 20)).toBe(
      'batches?state=started&parent=p1&limit=20&cursor=c9',
    );
    // An unknown state reads as every state; a page number without a cursor is the first.
    expect(readBatchListQuery('?state=lost&page=4')).toEqual({
      state: '',
      parent: '',
      cursor: '',
      pageNumber: 1,
    });
    expect(hrefs.batches('/')).toBe('/batches');
    expect(hrefs.batch('/', 'a/b')).toBe('/batches/a%2Fb');
    expect(parseRoute('/', '/batches/a%2Fb', '')).toEqual({ page: 'batch', id: 'a/b' });
  });
});
