// Which addresses only this machine can reach: the server refuses to bind others without a token, and
// the load test refuses to target them. Pure code.

/** True for loopback host names and addresses (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}
