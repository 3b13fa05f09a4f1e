import { Observable } from '../live/observable';

/** A message about the last action: what it did, or why it was refused. */
export interface FlashMessage {
  readonly text: string;
  readonly isError: boolean;
}

/** The flash line under the header; cleared when another page opens. */
export class Flash extends Observable {
  private current: FlashMessage | null = null;

  get message(): FlashMessage | null {
    return this.current;
  }

  say(text: string, isError = false): void {
    this.current = { text, isError };
    this.notify();
  }

  clear(): void {
    if (this.current === null) return;
    this.current = null;
    this.notify();
  }
}
