/** Who asks for a slot of a global concurrency limit (see `SlotStore` in the server). */
export interface SlotClaimant {
  readonly jobId: string;
  readonly fence: number;
  readonly serverId: string;
}
