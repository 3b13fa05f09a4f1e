import type { ApiPayloadValue } from './api-search-types';

/**
 * The values a payload filter written as text matches (a query string carries text only):
 * `42` the number or the text, `true` the boolean or the text, anything else the text. The
 * job list reads its `payload.<path>` parameters so, and the web UI builds the same filter
 * for a bulk action on the listed jobs.
 */
export function payloadReadings(text: string): ApiPayloadValue[] {
  if (text === 'true' || text === 'false') return [text, text === 'true'];
  if (/^-?(0|[1-9]\d{0,15})(\.\d{1,15})?$/.test(text)) return [text, Number(text)];
  return [text];
}
