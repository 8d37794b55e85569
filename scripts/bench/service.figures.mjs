// The generated service against a one-file app with the same API (issue 11): GET by id, list
// and POST, in requests per second, for FastAPI and Litestar; and telemetry left unused
// against the same service with the OpenTelemetry SDK switched off. Minutes, not seconds:
// `npm run bench -- cli` leaves it out; `npm run bench:service` runs it alone. The note
// carries the ratio of CPU time per request (one-file / service), steadier than the
// throughput on a busy machine. See service.mjs.
import { figure } from './harness.mjs';
import { connections, seconds, serviceRows, serviceRuns } from './service.mjs';

export const title = `Generated service vs a one-file app (requests per second; medians of ${serviceRuns} alternating wrk runs of ${seconds} s, ${connections} connections)`;

export async function figures() {
  const rows = await serviceRows();
  return rows.map((row) =>
    figure({
      name: row.label,
      own: row.own,
      ref: row.ref,
      ratio: row.ratio,
      goal: row.goal,
      unit: '/s',
      higherIsBetter: true,
      reference: row.telemetry ? 'the same service, OTEL_SDK_DISABLED=true' : 'one-file app',
      note: Number.isNaN(row.cpuRatio) ? '' : `cpu ${row.cpuRatio.toFixed(2)}x`,
    }),
  );
}
