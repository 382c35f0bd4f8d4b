// /metrics and /healthz as route handlers: what they count and how they answer.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { healthRoute, Metrics, metricsRoute, type Route } from '../../../src/metrics.js';
import { buildNotice } from '../../../src/notify/build-notices.js';

async function get(route: Route): Promise<{ status: number; body: string }> {
  const server = createServer((req, res) => void route.handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${route.path}`);
    return { status: res.status, body: await res.text() };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('metrics', () => {
  it('counts commands by name and outcome, notifications by result, and build durations', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const entry = { time: '', requestId: 'r', platform: 'slack', user: 'U', channel: null, engine: null, engineName: null, line: 'ps', durationMs: 120, confirmedBy: null };
    m.record({ ...entry, command: 'ps', outcome: 'ok' });
    m.record({ ...entry, command: 'ps', outcome: 'ok' });
    m.record({ ...entry, command: 'rm', outcome: 'forbidden' });
    m.delivery('die', 'sent');
    m.delivery('die', 'suppressed');
    m.notified(buildNotice({ id: 'b1', status: 'succeeded', image: 'demo:v1', source: 'ci', durationSeconds: 42 }));
    m.notified(buildNotice({ id: 'b1', status: 'started', image: 'demo:v1', source: 'ci' }));
    const { status, body } = await get(metricsRoute(m));
    expect(status).toBe(200);
    expect(body).toContain('dockbot_commands_total{command="ps",outcome="ok"} 2');
    expect(body).toContain('dockbot_commands_total{command="rm",outcome="forbidden"} 1');
    expect(body).toContain('dockbot_command_duration_seconds_count{command="ps"} 2');
    expect(body).toContain('dockbot_notifications_total{event="die",result="suppressed"} 1');
    expect(body).toContain('dockbot_build_duration_seconds_count{status="succeeded"} 1');
    expect(body).toContain('dockbot_build_duration_seconds_sum{status="succeeded"} 42');
  });

  it('/healthz is 503 with every reason when a probe fails or hangs', async () => {
    const ok = await get(healthRoute(() => [{ name: 'engine', check: () => undefined }]));
    expect(ok.status).toBe(200);
    const bad = await get(
      healthRoute(() => [
        { name: 'engine', check: () => 'the engine does not answer: ECONNREFUSED' },
        { name: 'slack', check: () => new Promise<string | undefined>(() => undefined) },
      ]),
    );
    expect(bad.status).toBe(503);
    expect(JSON.parse(bad.body)).toEqual({
      ok: false,
      checks: [
        { name: 'engine', ok: false, reason: 'the engine does not answer: ECONNREFUSED' },
        { name: 'slack', ok: false, reason: 'no answer within 2000 ms' },
      ],
    });
  });

  it('/healthz: an engine other than the default that is down is reported, degraded, and stays 200', async () => {
    const degraded = await get(
      healthRoute(() => [
        { name: 'engine:default', check: () => undefined },
        { name: 'engine:staging', critical: false, check: () => 'the engine does not answer: ENOENT' },
      ]),
    );
    expect(degraded.status).toBe(200);
    expect(JSON.parse(degraded.body)).toEqual({
      ok: true,
      degraded: true,
      checks: [
        { name: 'engine:default', ok: true },
        { name: 'engine:staging', ok: false, critical: false, reason: 'the engine does not answer: ENOENT' },
      ],
    });
    const defaultDown = await get(
      healthRoute(() => [
        { name: 'engine:default', check: () => 'the engine does not answer: ECONNREFUSED' },
        { name: 'engine:staging', critical: false, check: () => undefined },
      ]),
    );
    expect(defaultDown.status).toBe(503);
  });
});
