// "Test connection": is the server up and ready, does it speak the binary extension, and does its model
// match the `relayout` contract — saying precisely what differs. Platform-neutral (fetch).
import { ContractMismatchError } from '../../../models/contract';
import { RelayoutError } from '../../layout';
import { CallOptions, KserveClient } from './kserve-client';
import { ModelMetadata, ServerMetadata } from './kserve-wire';
import { advertisedLimits, ContractDifference, diffPipelineMetadata, PipelineLimits, RELAYOUT_MODEL } from './pipeline-contract';
import { RemoteError } from './remote-error';

export interface ConnectionReport {
  /** True when edits can be sent: ready, and no contract difference of severity "error". */
  ok: boolean;
  endpoint: string;
  model: string;
  ready: boolean;
  server?: ServerMetadata;
  /** Whether the server lists the binary tensor data extension (undefined: it did not say). */
  binaryExtension?: boolean;
  metadata?: ModelMetadata;
  limits: Partial<PipelineLimits>;
  differences: ContractDifference[];
  /** Plain sentences for the settings panel: what is wrong (errors) or worth knowing (warnings). */
  problems: string[];
  warnings: string[];
  /** Round trip of the readiness check, ms. */
  latencyMs?: number;
}

function messageOf(err: unknown): string {
  return err instanceof RelayoutError ? err.userMessage : (err as Error).message;
}

/** Checks readiness, server metadata and the model's metadata against the contract. Never throws for server faults. */
export async function checkConnection(client: KserveClient, model = RELAYOUT_MODEL, opts: CallOptions = {}): Promise<ConnectionReport> {
  const report: ConnectionReport = { ok: false, endpoint: client.endpoint, model, ready: false, limits: {}, differences: [], problems: [], warnings: [] };
  const call = { ...opts, timeoutMs: opts.timeoutMs ?? 10_000 };
  try {
    const t = Date.now();
    report.ready = await client.serverReady(call);
    report.latencyMs = Date.now() - t;
    if (!report.ready) report.problems.push('The server is up but not ready (still loading its models, or shutting down).');
  } catch (err) {
    report.problems.push(messageOf(err));
    return report;
  }
  try {
    report.server = await client.serverMetadata(call);
    const ext = Array.isArray(report.server.extensions) ? report.server.extensions : undefined;
    report.binaryExtension = ext ? ext.includes('binary_tensor_data') : undefined;
    if (report.binaryExtension === false) {
      report.warnings.push('The server does not list the "binary_tensor_data" extension; edits send images in binary and may be refused.');
    }
  } catch (err) {
    report.warnings.push(`The server metadata (GET v2) is unavailable: ${messageOf(err)}`);
  }
  try {
    report.metadata = await client.modelMetadata(model, call);
  } catch (err) {
    if (err instanceof RemoteError && err.status === 404) {
      report.problems.push(`The server has no model named "${model}". A Triton repository written by "relayout export-triton" serves the stage models only; see the README.`);
    } else {
      report.problems.push(messageOf(err));
    }
    return report;
  }
  report.limits = advertisedLimits(report.metadata);
  report.differences = diffPipelineMetadata(report.metadata);
  const absentOptional = report.differences.filter((d) => d.severity === 'warning' && d.actual === 'absent').map((d) => d.tensor);
  for (const d of report.differences) {
    if (d.severity === 'error') report.problems.push(d.message);
    else if (d.actual !== 'absent') report.warnings.push(d.message);
  }
  if (absentOptional.length) {
    report.warnings.push(`optional input${absentOptional.length > 1 ? 's' : ''} ${absentOptional.join(', ')} ${absentOptional.length > 1 ? 'are' : 'is'} not offered by the server (edits that need ${absentOptional.length > 1 ? 'them' : 'it'} will fail)`);
  }
  report.ok = report.ready && report.problems.length === 0;
  return report;
}

/** Like checkConnection, but throws: ContractMismatchError for the first contract error, RemoteError when not ready. */
export async function connect(client: KserveClient, model = RELAYOUT_MODEL, opts: CallOptions = {}): Promise<ConnectionReport> {
  const report = await checkConnection(client, model, opts);
  const first = report.differences.find((d) => d.severity === 'error');
  if (first) throw new ContractMismatchError(model, first.tensor, first.expected, first.actual);
  if (!report.ok) throw new RemoteError(0, report.problems.join(' '), { endpoint: client.endpoint, userMessage: report.problems[0] });
  return report;
}
