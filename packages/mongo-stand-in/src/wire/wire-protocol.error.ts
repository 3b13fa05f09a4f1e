/**
 * A malformed or unsupported wire message. `fatal` failures (a bad length prefix, an
 * unknown legacy opcode) leave the byte stream unusable, so the connection is closed, as
 * mongod does; the others are answered with an `ok: 0` reply carrying `code`.
 */
export class WireProtocolError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly codeName: string,
    readonly fatal: boolean,
  ) {
    super(message);
  }

  override get name(): string {
    return 'WireProtocolError';
  }
}
