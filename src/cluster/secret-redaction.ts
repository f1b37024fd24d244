// Removes credentials from text before it reaches a message, a log line or an error cause. client-node's
// errors embed response bodies and headers, a misbehaving proxy can echo the request's Authorization header
// back, and exec/auth-provider plugins put tokens where the kubeconfig never showed them: so every string
// that leaves src/cluster/ for the user goes through a Redactor that knows the current credentials, and
// anything shaped like an Authorization value is cut whatever it holds.

const MASK = '[redacted]';

/** `Bearer x`, `Basic x`, and JSON/YAML/header forms of authorization, token, password and key fields. */
const CREDENTIAL_PATTERNS: RegExp[] = [
  /("?(?:authorization|token|access-token|id-token|refresh-token|password|client-key-data)"?\s*[:=]\s*"?)((?:(?:Bearer|Basic)\s+)?[^"\s,})]+)/gi,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
];

export class Redactor {
  private readonly secrets: string[];

  /** `secrets` are exact values to cut (tokens, passwords, keys); values shorter than 6 characters are ignored, as they would cut ordinary words. */
  constructor(secrets: Iterable<string | undefined | null> = []) {
    this.secrets = [
      ...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 6)),
    ]
      // Longest first, so a secret that contains another is cut whole.
      .sort((a, b) => b.length - a.length);
  }

  /** A Redactor that also cuts `more`. */
  with(more: Iterable<string | undefined | null>): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    for (const pattern of CREDENTIAL_PATTERNS) {
      out = out.replace(pattern, (_match: string, head: string) =>
        /^(bearer|basic)$/i.test(head) ? `${head} ${MASK}` : `${head}${MASK}`,
      );
    }
    return out;
  }
}
