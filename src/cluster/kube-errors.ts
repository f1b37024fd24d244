// Turns what client-node throws (ApiException with a Kubernetes Status body, a watch's HTTP status, node-fetch's
// connection errors, discovery failures) into rescape's typed errors: a message that names the request, the
// object and the API server's own reason, and a suggestion that says what to do. The cluster refusing a request
// (401/403/404/409/422, unreachable) is a ClusterError (exit 4); the API server failing (429, 5xx) is a
// RemoteApiError (exit 7), worth retrying later. Every string is redacted: client-node's messages embed
// bodies and headers, and no credential may reach the user. The raw error is never attached as a cause.
import { ClusterError, RemoteApiError, type RescapeError } from '../core/errors.js';
import type { Redactor } from './secret-redaction.js';

export type KubeVerb = 'get' | 'list' | 'watch' | 'patch' | 'create' | 'delete';

/** The request that failed, as the user would say it. */
export interface KubeRequest {
  verb: KubeVerb;
  /** e.g. "Deployment", or the resource ("deployments") when the kind is unknown. */
  kind: string;
  /** Plural resource and API group, for RBAC advice ("deployments", "apps"); group "" is the core group. */
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
}

/** The cluster, as named in messages and advice. */
export interface KubeTarget {
  server: string;
  context: string;
  redactor: Redactor;
}

/** One field-level cause from a Status body (422 Invalid, 409 Conflict). */
export interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

interface FailureDetails {
  /** HTTP status, or null when no answer came. */
  httpStatus: number | null;
  /** The Status reason (Forbidden, NotFound, Conflict, Invalid, …) or the connection error code. */
  reason: string | undefined;
  causes: StatusCause[];
  retryable: boolean;
}

/** The API server refused the request (or could not be reached). */
export class KubeApiError extends ClusterError {
  readonly httpStatus: number | null;
  readonly reason: string | undefined;
  readonly causes: StatusCause[];
  readonly retryable: boolean;

  constructor(message: string, details: FailureDetails, suggestion: string) {
    super(message, { suggestion });
    this.httpStatus = details.httpStatus;
    this.reason = details.reason;
    this.causes = details.causes;
    this.retryable = details.retryable;
  }
}

/** The API server answered 429 or 5xx: overloaded or failing, not refusing. */
export class KubeServerError extends RemoteApiError {
  readonly httpStatus: number;
  readonly reason: string | undefined;
  readonly retryable = true;

  constructor(message: string, httpStatus: number, reason: string | undefined, suggestion: string) {
    super(message, { suggestion });
    this.httpStatus = httpStatus;
    this.reason = reason;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.httpStatus === 404;
}

export function isRetryable(error: unknown): boolean {
  return (error instanceof KubeApiError || error instanceof KubeServerError) && error.retryable;
}

/** What the request was about, e.g. `patch Deployment social-network/nginx-thrift`. */
export function describeRequest(request: KubeRequest): string {
  const where =
    request.name !== undefined
      ? `${request.kind} ${request.namespace === undefined ? '' : `${request.namespace}/`}${request.name}`
      : `${request.kind}${request.namespace === undefined ? '' : ` in namespace ${request.namespace}`}`;
  return `${request.verb} ${where}`;
}

export function translateKubeError(error: unknown, request: KubeRequest, target: KubeTarget): RescapeError {
  if (error instanceof KubeApiError || error instanceof KubeServerError) return error;
  const redact = (text: string): string => target.redactor.redact(text);
  const what = describeRequest(request);
  const httpStatus = statusCodeOf(error);
  if (httpStatus === null) return connectionError(error, what, target, redact);
  const status = statusBodyOf(error);
  const serverMessage = redact(status.message ?? httpStatusText(httpStatus));
  const details: FailureDetails = {
    httpStatus,
    reason: status.reason,
    causes: status.causes.map((cause) => ({
      ...(cause.field === undefined ? {} : { field: redact(cause.field) }),
      ...(cause.message === undefined ? {} : { message: redact(cause.message) }),
      ...(cause.reason === undefined ? {} : { reason: cause.reason }),
    })),
    retryable: false,
  };
  if (httpStatus === 429 || httpStatus >= 500) {
    return new KubeServerError(
      `${what}: the API server at ${target.server} answered ${httpStatus} (${serverMessage})`,
      httpStatus,
      status.reason,
      httpStatus === 429
        ? 'The API server is throttling requests; wait a minute and run the command again.'
        : 'The API server is failing or overloaded; run the command again later, and check the control plane if it persists.',
    );
  }
  switch (httpStatus) {
    case 401:
      return new KubeApiError(
        `${what}: the API server at ${target.server} rejected the credentials of context "${target.context}" (401 Unauthorized)`,
        details,
        "Refresh the credentials in your kubeconfig (e.g. log in again or re-run your provider's get-credentials command), or choose another --context.",
      );
    case 403:
      return new KubeApiError(
        `${what}: forbidden: ${serverMessage}`,
        details,
        forbiddenAdvice(request, target),
      );
    case 404:
      return new KubeApiError(`${what}: not found (${serverMessage})`, details, notFoundAdvice(request));
    case 409:
      return status.reason === 'AlreadyExists'
        ? new KubeApiError(
            `${what}: already exists (${serverMessage})`,
            details,
            'Delete it first, or apply instead of create.',
          )
        : new KubeApiError(
            `${what}: ${serverMessage}`,
            details,
            'Another field manager owns these fields. Re-run with --force-conflicts to make rescape their manager (its values win), or change them back with the tool that set them.',
          );
    case 410:
      return new KubeApiError(
        `${what}: ${serverMessage} (410 Gone)`,
        { ...details, retryable: true },
        'Run the command again.',
      );
    case 422:
      return new KubeApiError(
        `${what}: the API server rejected the object as invalid: ${serverMessage}${fieldList(details.causes)}`,
        details,
        'Fix the listed fields in the manifest (rescape deploy <benchmark> --dry-run prints what is sent).',
      );
    default:
      return new KubeApiError(
        `${what}: the API server answered ${httpStatus} (${serverMessage})`,
        details,
        "Check the request against the cluster's Kubernetes version and admission policies.",
      );
  }
}

function connectionError(
  error: unknown,
  what: string,
  target: KubeTarget,
  redact: (text: string) => string,
): RescapeError {
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = redact(error instanceof Error ? error.message : String(error));
  const unknownKind = /Unrecognized API version and kind: (.*)$/.exec(message);
  if (unknownKind !== null) {
    return new KubeApiError(
      `${what}: the cluster at ${target.server} does not serve ${unknownKind[1]}`,
      { httpStatus: null, reason: 'NotServed', causes: [], retryable: false },
      'The cluster lacks this API (an older Kubernetes, or a CRD that is not installed); install it or drop the object.',
    );
  }
  if (message.includes('HTTP protocol is not allowed')) {
    return new KubeApiError(
      `${what}: the cluster of context "${target.context}" is reached over plain HTTP (${target.server}), which client-node refuses unless TLS verification is off`,
      { httpStatus: null, reason: 'PlainHttp', causes: [], retryable: false },
      'Use the https:// address of the API server, or (for a local proxy such as kubectl proxy) set insecure-skip-tls-verify: true on that cluster in the kubeconfig.',
    );
  }
  const tls = code !== undefined && /CERT|TLS|SSL/.test(code);
  return new KubeApiError(
    `${what}: cannot reach the API server at ${target.server} (context "${target.context}"): ${code ?? message}`,
    // A connection refused, reset or cut mid-stream is worth another try; a certificate that does not verify is not.
    { httpStatus: null, reason: code, causes: [], retryable: !tls },
    tls
      ? "The server's certificate does not verify against the kubeconfig's certificate-authority: check the cluster entry (or the proxy in between)."
      : 'Check that the cluster is up and reachable from here (VPN, proxy, firewall), and that --context/--kubeconfig name the right one.',
  );
}

function forbiddenAdvice(request: KubeRequest, target: KubeTarget): string {
  const resource =
    request.resource === undefined
      ? request.kind
      : request.group === undefined || request.group === ''
        ? request.resource
        : `${request.resource}.${request.group}`;
  return `The account of context "${target.context}" may not ${request.verb} ${resource}${request.namespace === undefined ? '' : ` in namespace ${request.namespace}`}. rescape's Role and RoleBinding are in manifests/rbac/ (rescape deploy <benchmark> --dry-run prints them with your namespace): have a cluster admin apply them and bind your user or ServiceAccount, or use --context with an account that may.`;
}

function notFoundAdvice(request: KubeRequest): string {
  if (request.name === undefined) {
    return `Check --namespace${request.namespace === undefined ? '' : ` (${request.namespace})`}; rescape deploy creates it.`;
  }
  return 'Check the name and --namespace; rescape deploy creates what the other commands look for.';
}

function fieldList(causes: StatusCause[]): string {
  const listed = causes
    .filter((cause) => cause.field !== undefined || cause.message !== undefined)
    .map((cause) => `${cause.field ?? '(object)'}: ${cause.message ?? cause.reason ?? 'invalid'}`);
  return listed.length === 0 ? '' : ` [${listed.join('; ')}]`;
}

/** ApiException carries `code` (number); a failed watch carries `statusCode`; connection errors carry neither. */
function statusCodeOf(error: unknown): number | null {
  const candidate = error as { code?: unknown; statusCode?: unknown } | null;
  if (typeof candidate?.code === 'number') return candidate.code;
  if (typeof candidate?.statusCode === 'number') return candidate.statusCode;
  return null;
}

interface StatusBody {
  message: string | undefined;
  reason: string | undefined;
  causes: StatusCause[];
}

function statusBodyOf(error: unknown): StatusBody {
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    const text = body.trim();
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return { message: text === '' ? undefined : text.slice(0, 500), reason: undefined, causes: [] };
    }
  }
  if (typeof body !== 'object' || body === null) return { message: undefined, reason: undefined, causes: [] };
  const status = body as { message?: unknown; reason?: unknown; details?: { causes?: unknown } };
  const causes = Array.isArray(status.details?.causes) ? (status.details.causes as StatusCause[]) : [];
  return {
    message: typeof status.message === 'string' ? status.message : undefined,
    reason: typeof status.reason === 'string' ? status.reason : undefined,
    causes: causes.filter((cause) => typeof cause === 'object' && cause !== null),
  };
}

function httpStatusText(status: number): string {
  return `HTTP ${status}`;
}
