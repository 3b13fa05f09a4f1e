import { Observable } from '../live/observable';

/** A message about the last action: what it did, or why it was refused. */
export interface FlashMessage {
  readonly text: string;
  readonly isError: boolean;
}

/** The flash line under the header; cleared when another page opens (unless carried to it). */
export class Flash extends Observable {
  private current: FlashMessage | null = null;
  private carried: FlashMessage | null = null;

  get message(): FlashMessage | null {
    return this.current;
  }

  say(text: string, isError = false): void {
    this.current = { text, isError };
    this.notify();
  }

  /** Says `text` on the page opened next (an action that opens another page when done). */
  carry(text: string): void {
    this.carried = { text, isError: false };
  }

  /** Clears the message (another page opened), or shows the one carried to it. */
  clear(): void {
    if (this.current === null && this.carried === null) return;
    this.current = this.carried;
    this.carried = null;
    this.notify();
  }
}
